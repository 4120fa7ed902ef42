using FileSync.Diagnostics;

namespace FileSync.State;

/// <summary>
/// The states a resident process (FileSyncWatch, the sync server) loaded or saved, so that its next sync of the same
/// instance skips reading and parsing a large state file: it starts from what this process knows is on disk, unless
/// another writer changed the files since (<see cref="StateStore.IsCurrent"/>), and then it loads them again. Used
/// under the state's lock only, like <see cref="StateStore"/>.
/// </summary>
internal sealed class StateCache
{
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SyncState> _states = new(StringComparer.Ordinal);

    /// <summary>The state as on disk, from memory when nothing changed it since this process last read or wrote it.</summary>
    public SyncState Load(string path, string instanceId, ILog log, IEnumerable<string>? destinationFolders = null)
    {
        if (_states.TryGetValue(path, out SyncState? kept) && kept.InstanceId == instanceId && kept.Stored is { } stored && StateStore.IsCurrent(path, kept))
        {
            // The stored copy is what the files hold (a save moves it forward with them); the sync changes its own copy.
            SyncState state = stored.State.Copy();
            state.Stored = stored;
            _states[path] = state;
            return state;
        }

        SyncState loaded = StateStore.Load(path, instanceId, log, destinationFolders);
        _states[path] = loaded; // its Stored follows every save of this sync (a new snapshot replaces it)
        return loaded;
    }

    /// <summary>Forgets every state: the next sync reads the files.</summary>
    public void Clear() => _states.Clear();
}
