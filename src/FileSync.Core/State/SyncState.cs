namespace FileSync.State;

/// <summary>What one target instance (a container, a folder) is known to hold, as the last confirmed sync left it.</summary>
internal sealed class SyncState
{
    public required string InstanceId { get; init; }

    /// <summary>The container's working directory the destinations were resolved against.</summary>
    public string WorkingDirectory { get; set; } = "/";

    /// <summary>The owner the recorded files and folders were given ("uid:gid"); another effective owner resends them.</summary>
    public string AppliedOwner { get; set; } = "";

    /// <summary>The target's own cache, never read as the applied owner: what its configured user ("app", "1000")
    /// resolved to ("uid:gid"), so that only a first sync reads the container's /etc/passwd.</summary>
    public UserCache? ResolvedUser { get; set; }

    /// <summary>Folders FileSync created in the target (absolute): known without a stat, given the owner when sent
    /// again, removable when a file takes their place. Every other folder keeps its mode, owner and kind.</summary>
    public SortedSet<string> CreatedFolders { get; } = new(StringComparer.Ordinal);

    /// <summary>Synced sources by path relative to the context.</summary>
    public Dictionary<string, StateEntry> Entries { get; private init; } = new(StringComparer.Ordinal);

    /// <summary>Destinations whose delete the target has not confirmed yet: retried on every sync.</summary>
    public SortedSet<string> PendingDeletes { get; } = new(StringComparer.Ordinal);

    /// <summary>What is on disk, as <see cref="StateStore"/> last read or wrote it: the base of the next journal record.
    /// Null for a state not read from disk (then the next save writes the whole snapshot).</summary>
    internal StoredState? Stored { get; set; }

    public static SyncState Empty(string instanceId) => new() { InstanceId = instanceId };

    /// <summary>A copy whose collections are its own (the entries themselves are immutable and shared).</summary>
    internal SyncState Copy()
    {
        var copy = new SyncState
        {
            InstanceId = InstanceId, WorkingDirectory = WorkingDirectory, AppliedOwner = AppliedOwner, ResolvedUser = ResolvedUser,
            Entries = new(Entries, StringComparer.Ordinal), // copies the table as it is: no key is hashed again
        };
        copy.CreatedFolders.UnionWith(CreatedFolders);
        copy.PendingDeletes.UnionWith(PendingDeletes);
        return copy;
    }
}

/// <summary>A snapshot on disk (its checksum, length and generation), the valid length of its journal (0: none yet),
/// and the state they hold together; with what the files looked like when this process last read or wrote them, so a
/// save notices that another writer changed them since.</summary>
internal sealed class StoredState(ulong snapshotChecksum, long snapshotLength, long journalLength, ulong generation, SyncState state)
{
    public ulong SnapshotChecksum { get; } = snapshotChecksum;

    public long SnapshotLength { get; } = snapshotLength;

    public long JournalLength { get; set; } = journalLength;

    public ulong Generation { get; } = generation;

    public SyncState State { get; } = state;

    /// <summary>The snapshot's modification time and length and the journal file's length, as last seen.</summary>
    public (DateTime, long, long) Seen { get; set; }
}

/// <summary>A source as it was when the target confirmed it: stat fields (fast path), content hash, destinations.</summary>
internal sealed record StateEntry(long Size, long MtimeTicks, Planning.Hash128 Hash, UnixFileMode Mode, string? LinkTarget, string[] Destinations)
{
    /// <summary>A hash that never matches: the content was not confirmed (e.g. the file changed while it was sent).</summary>
    public static readonly Planning.Hash128 UnknownHash = default;
}

/// <summary>A configured container user and what it resolved to.</summary>
internal sealed record UserCache(string User, string Owner);
