using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using FileSync.Diagnostics;

namespace FileSync.State;

/// <summary>
/// Reads and writes a <see cref="SyncState"/> as a checksummed binary snapshot, plus, for a large one, a journal of the
/// changes since (<see cref="StateJournal"/>). A damaged snapshot or one from a newer FileSync is discarded with a
/// warning (everything is sent again): never trusted, never fatal.
/// </summary>
internal static class StateStore
{
    internal const int FormatVersion = 2;
    private static readonly byte[] Magic = "FSYNCST"u8.ToArray();

    /// <param name="destinationFolders">The rules' destination folders, named in the warning when the state is
    /// discarded (files deleted meanwhile may remain there); only enumerated then.</param>
    public static SyncState Load(string path, string instanceId, ILog log, IEnumerable<string>? destinationFolders = null)
    {
        byte[]? bytes = ReadIfPresent(path);
        if (bytes is null)
        {
            return SyncState.Empty(instanceId);
        }

        SyncState state;
        ulong generation;
        try
        {
            (state, generation) = Parse(bytes);
        }
        catch (InvalidDataException e)
        {
            log.Warning(Diag.StateDiscarded(path, e.Message, DescribeFolders(destinationFolders)));
            return SyncState.Empty(instanceId);
        }

        if (state.InstanceId != instanceId)
        {
            return SyncState.Empty(instanceId);
        }

        ulong checksum = BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8));
        string journalPath = StateJournal.PathFor(path);
        byte[]? journal = ReadIfPresent(journalPath);
        long journalLength = journal is null ? 0 : StateJournal.Replay(journal, checksum, state);
        if (journal is not null && journalLength < journal.Length)
        {
            // Another snapshot's journal, or a torn last append: the state is the snapshot and the records before it.
            log.Detail($"FileSync: state journal '{journalPath}': {(journalLength == 0 ? "not this snapshot's, ignored" : $"{journal.Length - journalLength} byte(s) of an unfinished append ignored")}");
        }

        state.Stored = new StoredState(checksum, bytes.Length, journalLength, generation, state.Copy()) { Seen = Look(path) };
        return state;
    }

    /// <summary>The file's bytes, or null when it does not exist. Unreadable is not empty: starting afresh would forget
    /// what is in the container (and saving would fail too), so that is FSYNC3005.</summary>
    private static byte[]? ReadIfPresent(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileSyncException(Diag.StateUnreadable(path, e.Message), e);
        }
    }

    private static string DescribeFolders(IEnumerable<string>? folders)
    {
        string[] distinct = folders?.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray() ?? [];
        return distinct.Length == 0 ? "the rules' destination folders"
            : distinct.Length <= 10 ? string.Join(", ", distinct)
            : string.Join(", ", distinct.Take(10)) + $" and {distinct.Length - 10} more";
    }

    /// <summary>
    /// Saves the state: what changed since it was loaded or last saved is appended to the journal when the snapshot is
    /// large and the journal still small against it (<paramref name="policy"/>); otherwise the snapshot is replaced
    /// atomically and the journal dropped. Throws <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>
    /// (the caller warns, FSYNC3003); never leaves a partial temporary file behind.
    /// </summary>
    public static void Save(string path, SyncState state, JournalPolicy? policy = null)
    {
        policy ??= JournalPolicy.Default;
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        StoredState? stored = state.Stored;
        if (stored is not null && !IsCurrent(path, state))
        {
            stored = null; // another writer changed the files since: never append to what this state was not built on
        }

        if (stored is not null && stored.State.InstanceId == state.InstanceId && stored.SnapshotLength >= policy.MinSnapshotBytes)
        {
            byte[]? record = StateJournal.Record(stored.State, state);
            if (record is null)
            {
                return; // nothing changed since the last save
            }

            long journalLength = Math.Max(stored.JournalLength, StateJournal.HeaderLength);
            if (journalLength + record.Length <= stored.SnapshotLength / policy.CompactFraction)
            {
                Append(StateJournal.PathFor(path), stored, record);
                StateJournal.Apply(record, stored.State);
                stored.Seen = Look(path);
                return;
            }
        }

        WriteSnapshot(path, state, stored);
    }

    private static void Append(string journalPath, StoredState stored, byte[] record)
    {
        using var stream = new FileStream(journalPath, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None, 1, FileOptions.None);
        if (stored.JournalLength == 0)
        {
            // No journal of this snapshot yet (or a stale one): start it, header and first record in one write.
            stream.SetLength(0);
            stream.Write([.. StateJournal.Header(stored.SnapshotChecksum), .. record]);
        }
        else
        {
            stream.SetLength(stored.JournalLength); // drops a torn append that was ignored at load
            stream.Position = stored.JournalLength;
            stream.Write(record);
        }

        stream.Flush();
        stored.JournalLength = Math.Max(stored.JournalLength, StateJournal.HeaderLength) + record.Length;
    }

    /// <summary>The whole state, atomically. When it replaces a snapshot that has a journal, its generation is one past
    /// that snapshot's, so the old journal (bound to the old checksum) can never apply to it, even with the same content
    /// and left behind by a failed delete or a crash. Without a journal the generation stays: the same state writes the
    /// same bytes.</summary>
    private static void WriteSnapshot(string path, SyncState state, StoredState? stored)
    {
        string journal = StateJournal.PathFor(path);
        if (stored is null)
        {
            TryDelete(journal); // not built on what is on disk (a fresh or discarded state): its journal must go first
        }

        ulong generation = stored is null ? 1 : stored.Generation + (stored.JournalLength > 0 ? 1UL : 0);
        byte[] bytes = Serialize(state, generation);
        string temporary = path + ".tmp";
        try
        {
            File.WriteAllBytes(temporary, bytes);
            File.Move(temporary, path, overwrite: true); // atomic: a reader sees the old or the new state, never half
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw;
        }

        TryDelete(journal);
        state.Stored = new StoredState(BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(bytes.Length - 8)), bytes.Length, 0, generation, state.Copy()) { Seen = Look(path) };
    }

    /// <summary>
    /// Whether the files at <paramref name="path"/> are still what <paramref name="state"/> was last loaded from or
    /// saved to by this process (two stats). A process that keeps a state in memory between syncs (under the lock only
    /// while it syncs) loads it again when this is false: another writer synced meanwhile.
    /// </summary>
    public static bool IsCurrent(string path, SyncState state) => state.Stored is { } stored && Look(path) == stored.Seen;

    /// <summary>The snapshot's modification time and length, the journal's length; -1 for a file that is not there.</summary>
    private static (DateTime, long, long) Look(string path)
    {
        var snapshot = new FileInfo(path);
        var journal = new FileInfo(StateJournal.PathFor(path));
        return (snapshot.LastWriteTimeUtc, snapshot.Exists ? snapshot.Length : -1, journal.Exists ? journal.Length : -1);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a stale temporary file is overwritten by the next save; a stale journal never applies.
        }
    }

    internal static byte[] Serialize(SyncState state, ulong generation = 1)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(state.InstanceId);
            WriteSettings(writer, state);
            writer.Write(state.Entries.Count);
            foreach ((string source, StateEntry entry) in state.Entries)
            {
                writer.Write(source);
                WriteEntry(writer, entry);
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

            // Added after format 2 shipped, at its end: FileSync versions before it stop reading before it.
            writer.Write(generation);
        }

        ulong checksum = XxHash64.HashToUInt64(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        Span<byte> tail = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(tail, checksum);
        buffer.Write(tail);
        return buffer.ToArray();
    }

    /// <summary>The state and its generation (0: written by a FileSync without one).</summary>
    internal static (SyncState State, ulong Generation) Parse(byte[] bytes)
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
            var state = new SyncState { InstanceId = reader.ReadString() };
            ReadSettings(reader, state);
            int entries = reader.ReadInt32();
            for (int i = 0; i < entries; i++)
            {
                string source = reader.ReadString();
                state.Entries[source] = ReadEntry(reader);
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

            ulong generation = reader.BaseStream.Position < reader.BaseStream.Length ? reader.ReadUInt64() : 0;
            return (state, generation);
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException("truncated", e);
        }
    }

    internal static void WriteSettings(BinaryWriter writer, SyncState state)
    {
        writer.Write(state.WorkingDirectory);
        writer.Write(state.AppliedOwner);
        writer.Write(state.ResolvedUser is not null);
        writer.Write(state.ResolvedUser?.User ?? "");
        writer.Write(state.ResolvedUser?.Owner ?? "");
    }

    internal static void ReadSettings(BinaryReader reader, SyncState state)
    {
        state.WorkingDirectory = reader.ReadString();
        state.AppliedOwner = reader.ReadString();
        bool cached = reader.ReadBoolean();
        (string user, string owner) = (reader.ReadString(), reader.ReadString());
        state.ResolvedUser = cached ? new UserCache(user, owner) : null;
    }

    internal static void WriteEntry(BinaryWriter writer, StateEntry entry)
    {
        writer.Write(entry.Size);
        writer.Write(entry.MtimeTicks);
        writer.Write(entry.Hash.High);
        writer.Write(entry.Hash.Low);
        writer.Write((int)entry.Mode);
        writer.Write(entry.LinkTarget ?? "");
        writer.Write(entry.Destinations.Length);
        foreach (string destination in entry.Destinations)
        {
            writer.Write(destination);
        }
    }

    internal static StateEntry ReadEntry(BinaryReader reader)
    {
        long size = reader.ReadInt64();
        long mtime = reader.ReadInt64();
        var hash = new Planning.Hash128(reader.ReadUInt64(), reader.ReadUInt64());
        var mode = (UnixFileMode)reader.ReadInt32();
        string link = reader.ReadString();
        var destinations = new string[reader.ReadInt32()];
        for (int d = 0; d < destinations.Length; d++)
        {
            destinations[d] = reader.ReadString();
        }

        return new StateEntry(size, mtime, hash, mode, link.Length == 0 ? null : link, destinations);
    }
}

/// <summary>When a save appends to the journal rather than rewriting the snapshot: only for a snapshot of at least
/// <see cref="MinSnapshotBytes"/> (below that a whole write is as cheap), and while the journal stays within
/// 1/<see cref="CompactFraction"/> of it (past that the snapshot is rewritten: a long journal costs every load).</summary>
internal sealed record JournalPolicy(long MinSnapshotBytes, int CompactFraction)
{
    public static readonly JournalPolicy Default = new(64 * 1024, 4);
}
