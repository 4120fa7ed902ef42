using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using FileSync.Diagnostics;

namespace FileSync.State;

/// <summary>
/// Reads and writes a <see cref="SyncState"/> as a small checksummed binary file. A damaged file or one from a newer
/// FileSync is discarded with a warning (everything is sent again): never trusted, never fatal.
/// </summary>
internal static class StateStore
{
    internal const int FormatVersion = 2;
    private static readonly byte[] Magic = "FSYNCST"u8.ToArray();

    /// <param name="destinationFolders">The rules' destination folders, named in the warning when the state is
    /// discarded (files deleted meanwhile may remain there); only enumerated then.</param>
    public static SyncState Load(string path, string instanceId, ILog log, IEnumerable<string>? destinationFolders = null)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return SyncState.Empty(instanceId);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Unreadable is not empty: starting afresh would forget what is in the container, and saving would fail too.
            throw new FileSyncException(Diag.StateUnreadable(path, e.Message), e);
        }

        try
        {
            SyncState state = Parse(bytes);
            return state.InstanceId == instanceId ? state : SyncState.Empty(instanceId);
        }
        catch (InvalidDataException e)
        {
            log.Warning(Diag.StateDiscarded(path, e.Message, DescribeFolders(destinationFolders)));
            return SyncState.Empty(instanceId);
        }
    }

    private static string DescribeFolders(IEnumerable<string>? folders)
    {
        string[] distinct = folders?.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray() ?? [];
        return distinct.Length == 0 ? "the rules' destination folders"
            : distinct.Length <= 10 ? string.Join(", ", distinct)
            : string.Join(", ", distinct.Take(10)) + $" and {distinct.Length - 10} more";
    }

    /// <summary>Replaces the state atomically. Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>
    /// (the caller warns, FSYNC3003); never leaves a partial temporary file behind.</summary>
    public static void Save(string path, SyncState state)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = path + ".tmp";
        try
        {
            File.WriteAllBytes(temporary, Serialize(state));
            File.Move(temporary, path, overwrite: true); // atomic: a reader sees the old or the new state, never half
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stale temporary file is overwritten by the next save.
        }
    }

    internal static byte[] Serialize(SyncState state)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(state.InstanceId);
            writer.Write(state.WorkingDirectory);
            writer.Write(state.AppliedOwner);
            writer.Write(state.ResolvedUser is not null);
            writer.Write(state.ResolvedUser?.User ?? "");
            writer.Write(state.ResolvedUser?.Owner ?? "");
            writer.Write(state.Entries.Count);
            foreach ((string source, StateEntry entry) in state.Entries)
            {
                writer.Write(source);
                writer.Write(entry.Size);
                writer.Write(entry.MtimeTicks);
                writer.Write((ulong)(entry.Hash >> 64));
                writer.Write((ulong)entry.Hash);
                writer.Write((int)entry.Mode);
                writer.Write(entry.LinkTarget ?? "");
                writer.Write(entry.Destinations.Length);
                foreach (string destination in entry.Destinations)
                {
                    writer.Write(destination);
                }
            }

            writer.Write(state.PendingDeletes.Count);
            foreach (string destination in state.PendingDeletes)
            {
                writer.Write(destination);
            }

            writer.Write(state.CreatedFolders.Count);
            foreach (string folder in state.CreatedFolders)
            {
                writer.Write(folder);
            }
        }

        ulong checksum = XxHash64.HashToUInt64(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        Span<byte> tail = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(tail, checksum);
        buffer.Write(tail);
        return buffer.ToArray();
    }

    internal static SyncState Parse(byte[] bytes)
    {
        if (bytes.Length < Magic.Length + 12 || !bytes.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw new InvalidDataException("not a FileSync state file");
        }

        int version = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(Magic.Length));
        if (version != FormatVersion)
        {
            throw new InvalidDataException(version > FormatVersion
                ? $"written by a newer FileSync (format {version}, this one reads {FormatVersion})"
                : $"old format {version}");
        }

        ReadOnlySpan<byte> payload = bytes.AsSpan(0, bytes.Length - 8);
        if (XxHash64.HashToUInt64(payload) != BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8)))
        {
            throw new InvalidDataException("checksum mismatch: the file is damaged");
        }

        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes, Magic.Length + 4, payload.Length - Magic.Length - 4), Encoding.UTF8);
            var state = new SyncState
            {
                InstanceId = reader.ReadString(),
                WorkingDirectory = reader.ReadString(),
                AppliedOwner = reader.ReadString(),
            };
            bool cached = reader.ReadBoolean();
            (string user, string owner) = (reader.ReadString(), reader.ReadString());
            state.ResolvedUser = cached ? new UserCache(user, owner) : null;
            int entries = reader.ReadInt32();
            for (int i = 0; i < entries; i++)
            {
                string source = reader.ReadString();
                long size = reader.ReadInt64();
                long mtime = reader.ReadInt64();
                var hash = new UInt128(reader.ReadUInt64(), reader.ReadUInt64());
                var mode = (UnixFileMode)reader.ReadInt32();
                string link = reader.ReadString();
                var destinations = new string[reader.ReadInt32()];
                for (int d = 0; d < destinations.Length; d++)
                {
                    destinations[d] = reader.ReadString();
                }

                state.Entries[source] = new StateEntry(size, mtime, hash, mode, link.Length == 0 ? null : link, destinations);
            }

            int pending = reader.ReadInt32();
            for (int i = 0; i < pending; i++)
            {
                state.PendingDeletes.Add(reader.ReadString());
            }

            int folders = reader.ReadInt32();
            for (int i = 0; i < folders; i++)
            {
                state.CreatedFolders.Add(reader.ReadString());
            }

            return state;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException("truncated", e);
        }
    }
}
