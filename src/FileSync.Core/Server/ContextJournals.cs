using FileSync.Diagnostics;
using FileSync.Jobs;

namespace FileSync.Server;

/// <summary>
/// The sync server's watcher journals, one per context it served (the few most recently used), each kept only when
/// FileSync's state folder is inside the context (the journal's catch-up marker must be a file its watcher sees) and the
/// context is on a local file system (a network or host-shared one can change with no event: always a full scan).
/// </summary>
internal sealed class ContextJournals : IDisposable
{
    /// <summary>Contexts watched at once; the least recently used one beyond is let go (its next sync starts it again).</summary>
    internal const int MaxContexts = 8;

    private readonly Dictionary<string, ContextJournal> _journals = new(StringComparer.Ordinal);

    /// <summary>The request's context's journal, taken for this sync (dispose the result to give it back); null when it
    /// has none or another sync holds it: the sync then scans in full.</summary>
    public IDisposable? TryTake(SyncRequest request, ILog log, out ContextJournal? journal)
    {
        journal = null;
        string context = Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.ContextDirectory, request.BaseDirectory));
        string stateFolder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(request.StateDirectory, request.BaseDirectory));
        if (!stateFolder.StartsWith(context + "/", StringComparison.Ordinal) || !Directory.Exists(context) || !IsLocal(context))
        {
            return null;
        }

        ContextJournal candidate;
        lock (_journals)
        {
            if (!_journals.TryGetValue(context, out candidate!))
            {
                candidate = new ContextJournal(context, stateFolder, log);
                _journals[context] = candidate;
                LetGoOfTheOldest();
            }
        }

        IDisposable? taken = candidate.TryTake();
        journal = taken is null ? null : candidate;
        return taken;
    }

    /// <summary>Test seam: whether a context's file system sends every change as an event (see ServerNative.DeliversAllEvents).</summary>
    internal Func<string, bool> IsLocal { get; init; } = ServerNative.DeliversAllEvents;

    private void LetGoOfTheOldest()
    {
        while (_journals.Count > MaxContexts)
        {
            ContextJournal? oldest = _journals.Values.Where(journal => journal.IsIdle).MinBy(journal => journal.LastUsed);
            if (oldest is null)
            {
                return;
            }

            _journals.Remove(oldest.Context);
            oldest.Dispose();
        }
    }

    public void Dispose()
    {
        lock (_journals)
        {
            foreach (ContextJournal journal in _journals.Values)
            {
                journal.Dispose();
            }

            _journals.Clear();
        }
    }
}
