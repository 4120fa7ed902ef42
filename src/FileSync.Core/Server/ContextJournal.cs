using FileSync.Diagnostics;
using FileSync.Planning;

namespace FileSync.Server;

/// <summary>
/// The sync server's watcher journal of one context: a FileSystemWatcher started before the first full scan, which
/// notes every path an event names, and the warm <see cref="SourceScanner"/> that scan filled. The next sync of the
/// context stats only the noted paths (a folder's with everything below it). It is an optimisation and nothing else:
/// an overflow, a watcher error, too many paths, or events that do not catch up in time make the next scan a full
/// one, and a sync that does not get the journal (another sync of the context holds it) scans in full.
/// </summary>
internal sealed class ContextJournal : IDisposable
{
    /// <summary>Past this many paths between two syncs (a build writing obj/), a full scan is as cheap: stop noting.</summary>
    internal const int MaxNoted = 20_000;

    /// <summary>How long the journal waits for its events to catch up with a write it just made.</summary>
    internal static readonly TimeSpan CatchUpBound = TimeSpan.FromSeconds(1);

    private readonly object _lock = new();
    private readonly SemaphoreSlim _busy = new(1, 1);
    private readonly string _marker;
    private FileSystemWatcher? _events;
    private HashSet<string> _noted = new(StringComparer.Ordinal);
    private string? _lost;
    private bool _valid; // the scanner's memory was confirmed by a full scan since the watcher started, and no event was lost since
    private TaskCompletionSource? _caughtUp;
    private string? _broken;

    /// <param name="context">The context folder (full path).</param>
    /// <param name="markerFolder">A folder below the context that FileSync owns (the state folder): the journal writes a
    /// file there and waits for its event, so every event of a write made before the request has arrived.</param>
    public ContextJournal(string context, string markerFolder, ILog log)
    {
        Context = context;
        _marker = Path.Combine(markerFolder, "journal.marker");
        Scanner = SourceScanner.Warm(context, log);
        try
        {
            Directory.CreateDirectory(markerFolder);
            _events = new FileSystemWatcher(context)
            {
                IncludeSubdirectories = true,
                InternalBufferSize = 64 * 1024,
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size
                    | NotifyFilters.Attributes | NotifyFilters.CreationTime,
            };
            _events.Created += (_, e) => Note(e.FullPath);
            _events.Changed += (_, e) => Note(e.FullPath);
            _events.Deleted += (_, e) => Note(e.FullPath);
            _events.Renamed += (_, e) =>
            {
                if (Watching.ChangeWatcher.IsFolder(e.FullPath))
                {
                    Lost("a folder moved"); // nothing below it is assumed, as FileSyncWatch does
                }
                else
                {
                    Note(e.OldFullPath);
                    Note(e.FullPath);
                }
            };
            _events.Error += (_, e) => Lost(e.GetException().Message);
            _events.EnableRaisingEvents = true;
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            _events?.Dispose();
            _events = null;
            _broken = e.Message; // the host's inotify limits: every sync of this context scans in full
        }
    }

    public string Context { get; }

    public SourceScanner Scanner { get; }

    /// <summary>When a sync last used it (Environment.TickCount64), to let go of the least recently used.</summary>
    public long LastUsed { get; private set; } = Environment.TickCount64;

    /// <summary>No sync holds it (it can be let go).</summary>
    public bool IsIdle => _busy.CurrentCount == 1;

    /// <summary>Takes the journal for one sync, or null at once when another sync of the context has it.</summary>
    public IDisposable? TryTake()
    {
        if (!_busy.Wait(0))
        {
            return null;
        }

        LastUsed = Environment.TickCount64;
        return new Release(_busy);
    }

    /// <summary>
    /// Readies the scanner for a sync (with the journal taken): told the paths noted since the last sync once the events
    /// caught up with now, or told to forget everything (the first sync, or events lost). Returns what it did, for the
    /// detailed log.
    /// </summary>
    public async Task<string> PrepareAsync(CancellationToken cancellationToken)
    {
        bool wasValid;
        lock (_lock)
        {
            wasValid = _valid;
        }

        bool caughtUp = wasValid && await CatchUpAsync(cancellationToken).ConfigureAwait(false);
        HashSet<string> noted;
        bool valid;
        string? lost;
        lock (_lock)
        {
            (noted, valid, lost) = (_noted, _valid && caughtUp, _lost);
            (_noted, _lost) = (new HashSet<string>(StringComparer.Ordinal), null);
            _valid = _events is not null; // from here on the watcher notes every change; the full scan below confirms the rest
        }

        if (!valid)
        {
            Scanner.ForgetAll();
            string why = _broken ?? lost ?? (wasValid ? $"its events did not catch up within {CatchUpBound.TotalSeconds:0} s" : "its first scan");
            return $"FileSync: watcher journal for '{Context}': a full scan ({why})";
        }

        Scanner.Forget(noted);
        return $"FileSync: watcher journal for '{Context}': {noted.Count} path(s) named since the last sync";
    }

    /// <summary>Writes the marker and waits for its event: inotify delivers in order, so every earlier event is noted.</summary>
    private async Task<bool> CatchUpAsync(CancellationToken cancellationToken)
    {
        var seen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _caughtUp = seen;
        }

        try
        {
            File.WriteAllText(_marker, Environment.TickCount64.ToString(System.Globalization.CultureInfo.InvariantCulture));
            using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bound.CancelAfter(CatchUpBound);
            await seen.Task.WaitAsync(bound.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false; // the marker's event did not come: no telling what else did not
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
        finally
        {
            lock (_lock)
            {
                _caughtUp = null;
            }
        }
    }

    private void Note(string path)
    {
        lock (_lock)
        {
            if (path == _marker)
            {
                _caughtUp?.TrySetResult();
                return;
            }

            if (!_valid)
            {
                return; // a full scan comes next anyway
            }

            _noted.Add(path);
            if (_noted.Count > MaxNoted)
            {
                _valid = false;
                _lost = $"more than {MaxNoted} paths changed";
                _noted.Clear();
            }
        }
    }

    /// <summary>An overflow or an error: events were lost, so the next sync scans in full.</summary>
    private void Lost(string reason)
    {
        lock (_lock)
        {
            _valid = false;
            _lost = reason;
            _noted.Clear();
        }
    }

    /// <summary>Test seam: what an event-queue overflow does.</summary>
    internal void SimulateOverflow() => Lost("simulated overflow");

    public void Dispose()
    {
        _events?.Dispose();
        _busy.Dispose();
    }

    private sealed class Release(SemaphoreSlim busy) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                busy.Release();
            }
        }
    }
}
