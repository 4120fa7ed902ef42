using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;

namespace FileSync.State;

/// <summary>
/// An append-only journal beside a large state snapshot, so a sync that changes one file of 100,000 writes a few hundred
/// bytes instead of the whole snapshot. The header binds it to one snapshot (that snapshot's checksum, which covers
/// its generation): a journal left beside a newer snapshot is ignored. Each record is one save's whole change, framed
/// with its length and checksum, and applies all or nothing; a torn or damaged record ends the journal there, so a
/// crash mid-append loses at most that save, as a crash before it would, and never yields a half-applied state.
/// </summary>
internal static class StateJournal
{
    internal const int Version = 1;
    private static readonly byte[] Magic = "FSYNCJR"u8.ToArray();
    internal static readonly int HeaderLength = Magic.Length + 4 + 8;
    private const int FrameOverhead = 4 + 8; // length before, checksum after

    private enum Op : byte
    {
        Put = 1,
        Remove = 2,
        Settings = 3,
        AddPending = 4,
        RemovePending = 5,
        AddFolder = 6,
        RemoveFolder = 7,
    }

    public static string PathFor(string statePath) => statePath + ".journal";

    public static byte[] Header(ulong snapshotChecksum)
    {
        byte[] header = new byte[HeaderLength];
        Magic.CopyTo(header, 0);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(Magic.Length), Version);
        BinaryPrimitives.WriteUInt64LittleEndian(header.AsSpan(Magic.Length + 4), snapshotChecksum);
        return header;
    }

    /// <summary>Applies the journal's whole records to <paramref name="state"/> (loaded from the snapshot with
    /// <paramref name="snapshotChecksum"/>). Returns the length of its valid part: 0 when it belongs to another snapshot
    /// or has no valid header (then nothing is applied), else the header and every whole record.</summary>
    public static long Replay(ReadOnlySpan<byte> journal, ulong snapshotChecksum, SyncState state)
    {
        if (journal.Length < HeaderLength || !journal[..HeaderLength].SequenceEqual(Header(snapshotChecksum)))
        {
            return 0;
        }

        int position = HeaderLength;
        while (journal.Length - position >= FrameOverhead)
        {
            int length = BinaryPrimitives.ReadInt32LittleEndian(journal[position..]);
            if (length <= 0 || length > journal.Length - position - FrameOverhead)
            {
                break; // torn: the rest of the record never made it
            }

            ReadOnlySpan<byte> payload = journal.Slice(position + 4, length);
            if (XxHash64.HashToUInt64(payload) != BinaryPrimitives.ReadUInt64LittleEndian(journal[(position + 4 + length)..]))
            {
                break; // damaged: neither it nor anything after it is trusted
            }

            if (!TryApply(payload.ToArray(), state))
            {
                break;
            }

            position += length + FrameOverhead;
        }

        return position;
    }

    /// <summary>One record holding every change from <paramref name="stored"/> to <paramref name="state"/>, or null when
    /// nothing changed.</summary>
    public static byte[]? Record(SyncState stored, SyncState state)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            WriteEntryChanges(writer, stored.Entries, state.Entries);

            if (stored.WorkingDirectory != state.WorkingDirectory || stored.AppliedOwner != state.AppliedOwner || stored.ResolvedUser != state.ResolvedUser)
            {
                writer.Write((byte)Op.Settings);
                StateStore.WriteSettings(writer, state);
            }

            WriteSetChanges(writer, stored.PendingDeletes, state.PendingDeletes, Op.AddPending, Op.RemovePending);
            WriteSetChanges(writer, stored.CreatedFolders, state.CreatedFolders, Op.AddFolder, Op.RemoveFolder);
        }

        if (buffer.Length == 0)
        {
            return null;
        }

        byte[] frame = new byte[buffer.Length + FrameOverhead];
        BinaryPrimitives.WriteInt32LittleEndian(frame, (int)buffer.Length);
        buffer.GetBuffer().AsSpan(0, (int)buffer.Length).CopyTo(frame.AsSpan(4));
        BinaryPrimitives.WriteUInt64LittleEndian(frame.AsSpan(4 + (int)buffer.Length), XxHash64.HashToUInt64(frame.AsSpan(4, (int)buffer.Length)));
        return frame;
    }

    /// <summary>Applies a record made by <see cref="Record"/> (its frame included) to <paramref name="state"/>.</summary>
    public static void Apply(byte[] frame, SyncState state)
    {
        if (!TryApply(frame[4..^8], state))
        {
            throw new InvalidDataException("a journal record that was just written does not read back");
        }
    }

    /// <summary>Reads the whole record before changing anything: all or nothing.</summary>
    private static bool TryApply(byte[] payload, SyncState state)
    {
        var changes = new List<Action<SyncState>>();
        try
        {
            using var reader = new BinaryReader(new MemoryStream(payload), Encoding.UTF8);
            while (reader.BaseStream.Position < reader.BaseStream.Length)
            {
                var op = (Op)reader.ReadByte();
                string value;
                switch (op)
                {
                    case Op.Put:
                        value = reader.ReadString();
                        StateEntry entry = StateStore.ReadEntry(reader);
                        changes.Add(s => s.Entries[value] = entry);
                        break;
                    case Op.Remove:
                        value = reader.ReadString();
                        changes.Add(s => s.Entries.Remove(value));
                        break;
                    case Op.Settings:
                        var settings = SyncState.Empty("");
                        StateStore.ReadSettings(reader, settings);
                        changes.Add(s => (s.WorkingDirectory, s.AppliedOwner, s.ResolvedUser) = (settings.WorkingDirectory, settings.AppliedOwner, settings.ResolvedUser));
                        break;
                    case Op.AddPending or Op.RemovePending or Op.AddFolder or Op.RemoveFolder:
                        value = reader.ReadString();
                        changes.Add(s => _ = op switch
                        {
                            Op.AddPending => s.PendingDeletes.Add(value),
                            Op.RemovePending => s.PendingDeletes.Remove(value),
                            Op.AddFolder => s.CreatedFolders.Add(value),
                            _ => s.CreatedFolders.Remove(value),
                        });
                        break;
                    default:
                        return false;
                }
            }
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or ArgumentException or OverflowException)
        {
            return false;
        }

        foreach (Action<SyncState> change in changes)
        {
            change(state);
        }

        return true;
    }

    private static void WriteEntryChanges(BinaryWriter writer, Dictionary<string, StateEntry> stored, Dictionary<string, StateEntry> current)
    {
        // Fast path: the Syncer rebuilds the entries in the order of the sources, which is the order they were loaded in,
        // so walking both in step finds a one-file change among 100,000 without a hash look-up per entry.
        if (stored.Count == current.Count && InStep(writer, stored, current))
        {
            return;
        }

        foreach ((string source, StateEntry entry) in current)
        {
            if (!stored.TryGetValue(source, out StateEntry? old) || !Same(old, entry))
            {
                WritePut(writer, source, entry);
            }
        }

        foreach (string source in stored.Keys.Where(source => !current.ContainsKey(source)))
        {
            writer.Write((byte)Op.Remove);
            writer.Write(source);
        }
    }

    /// <summary>Writes the changed entries when both hold the same sources in the same order; false (nothing written)
    /// as soon as the sources differ.</summary>
    private static bool InStep(BinaryWriter writer, Dictionary<string, StateEntry> stored, Dictionary<string, StateEntry> current)
    {
        var changed = new List<KeyValuePair<string, StateEntry>>();
        using Dictionary<string, StateEntry>.Enumerator old = stored.GetEnumerator();
        foreach (KeyValuePair<string, StateEntry> pair in current)
        {
            if (!old.MoveNext() || !string.Equals(old.Current.Key, pair.Key, StringComparison.Ordinal))
            {
                return false;
            }

            if (!Same(old.Current.Value, pair.Value))
            {
                changed.Add(pair);
            }
        }

        foreach ((string source, StateEntry entry) in changed)
        {
            WritePut(writer, source, entry);
        }

        return true;
    }

    private static void WritePut(BinaryWriter writer, string source, StateEntry entry)
    {
        writer.Write((byte)Op.Put);
        writer.Write(source);
        StateStore.WriteEntry(writer, entry);
    }

    private static void WriteSetChanges(BinaryWriter writer, SortedSet<string> stored, SortedSet<string> current, Op add, Op remove)
    {
        if (stored.SetEquals(current))
        {
            return;
        }

        foreach (string value in current.Where(value => !stored.Contains(value)))
        {
            writer.Write((byte)add);
            writer.Write(value);
        }

        foreach (string value in stored.Where(value => !current.Contains(value)))
        {
            writer.Write((byte)remove);
            writer.Write(value);
        }
    }

    /// <summary>By value: the Syncer makes new entries (<c>with</c>) for unchanged files too, e.g. a touched file.</summary>
    private static bool Same(StateEntry a, StateEntry b) =>
        ReferenceEquals(a, b) || (a.Size == b.Size && a.MtimeTicks == b.MtimeTicks && a.Hash == b.Hash && a.Mode == b.Mode
            && a.LinkTarget == b.LinkTarget && a.Destinations.AsSpan().SequenceEqual(b.Destinations));
}
