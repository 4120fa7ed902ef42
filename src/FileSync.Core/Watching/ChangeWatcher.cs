using System.Diagnostics;
using FileSync.Diagnostics;

namespace FileSync.Watching;

/// <summary>What changed in a burst: the paths events named, or a rescan when events were lost.</summary>
internal sealed record ChangeBatch(IReadOnlyCollection<string> Paths, bool Rescan)
{
    /// <summary>Set when file-system events stopped working (not an overflow) and the watcher went over to polling.</summary>
    public string? FellBackToPolling { get; init; }

    public bool IsEmpty => Paths.Count == 0 && !Rescan;
}

/// <summary>
/// Watches a folder tree with file-system events (inotify through FileSystemWatcher) or, for bind mounts and network
/// drives that send none, by polling; hands out bursts of changes once they go quiet. An event-queue overflow
/// (FileSystemWatcher.Error, InternalBufferOverflowException) asks for a rescan: no change is ever missed.
/// </summary>
internal sealed class ChangeWatcher : IDisposable
{
    /// <summary>A burst ends after this long without an event (an editor's save is a few events within ~1 ms).</summary>
    internal static readonly TimeSpan QuietWindow = TimeSpan.FromMilliseconds(10);

    /// <summary>A steady stream of events is cut into syncs at least this often.</summary>
    internal static readonly TimeSpan MaxBurst = TimeSpan.FromMilliseconds(250);

    private readonly object _lock = new();
    private readonly SemaphoreSlim _signal = new(0);
    private FileSystemWatcher? _events;
    private Poller? _poller;
    private HashSet<string> _pending = new(StringComparer.Ordinal);
    private bool _rescan;
    private string? _eventsFailed;

    /// <summary>Starts watching; a folder that cannot be watched is FSYNC7005.</summary>
    public ChangeWatcher(string root, bool usePolling)
    {
        Root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        try
        {
            if (usePolling)
            {
                _poller = new Poller(Root, paths => Add(paths, rescan: false));
            }
            else
            {
                _events = Events(Root);
            }
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            // A missing folder, or the host's inotify limits (fs.inotify.max_user_instances / max_user_watches).
            throw new FileSyncException(Diag.WatchUnavailable(Root, e.Message));
        }
    }

    private FileSystemWatcher Events(string root)
    {
        var events = new FileSystemWatcher(root)
        {
            IncludeSubdirectories = true,
            InternalBufferSize = 64 * 1024,
            NotifyFilter = NotifyFilters.FileName | NotifyFilters.DirectoryName | NotifyFilters.LastWrite | NotifyFilters.Size
                | NotifyFilters.Attributes | NotifyFilters.CreationTime,
        };
        events.Created += (_, e) => Add([e.FullPath], rescan: false);
        events.Changed += (_, e) => Add([e.FullPath], rescan: false);
        events.Deleted += (_, e) => Add([e.FullPath], rescan: false);
        events.Renamed += (_, e) => Add([e.OldFullPath, e.FullPath], rescan: IsFolder(e.FullPath)); // a folder moved: nothing below it assumed
        events.Error += (_, e) => Failed(e.GetException());
        events.EnableRaisingEvents = true;
        return events;
    }

    /// <summary>A folder, not a link to one.</summary>
    internal static bool IsFolder(string path)
    {
        var info = new FileInfo(path);
        return (int)info.Attributes != -1 && (info.Attributes & FileAttributes.Directory) != 0 && (info.Attributes & FileAttributes.ReparsePoint) == 0;
    }

    /// <summary>
    /// An overflow lost events: rescan. Any other error (a folder inotify could not watch: the host's limit) means
    /// events from part of the tree may never come: poll from now on, after a rescan.
    /// </summary>
    private void Failed(Exception error)
    {
        if (error is not InternalBufferOverflowException)
        {
            lock (_lock)
            {
                _eventsFailed ??= error.Message;
            }
        }

        Add([], rescan: true);
    }

    public string Root { get; }

    public bool UsesPolling => _poller is not null;

    /// <summary>Test seam: what an overflow does.</summary>
    internal void SimulateOverflow() => Add([], rescan: true);

    /// <summary>The next burst, or an empty batch after <paramref name="idle"/> without events.</summary>
    public async Task<ChangeBatch> NextAsync(TimeSpan idle, CancellationToken cancellationToken)
    {
        if (!await _signal.WaitAsync(idle, cancellationToken).ConfigureAwait(false))
        {
            return Take();
        }

        var burst = Stopwatch.StartNew();
        while (burst.Elapsed < MaxBurst && await _signal.WaitAsync(QuietWindow, cancellationToken).ConfigureAwait(false))
        {
        }

        return Take();
    }

    private ChangeBatch Take()
    {
        string? fellBack = null;
        lock (_lock)
        {
            if (_eventsFailed is not null && _poller is null)
            {
                fellBack = _eventsFailed;
            }
        }

        if (fellBack is not null)
        {
            _events?.Dispose();
            _events = null;
            _poller = new Poller(Root, paths => Add(paths, rescan: false));
        }

        lock (_lock)
        {
            var batch = new ChangeBatch(_pending, _rescan) { FellBackToPolling = fellBack };
            _pending = new HashSet<string>(StringComparer.Ordinal);
            _rescan = false;
            return batch;
        }
    }

    /// <summary>Test seam: what an error other than an overflow does (e.g. inotify's watch limit reached).</summary>
    internal void SimulateEventsFailure(string message) => Failed(new IOException(message));

    private void Add(IEnumerable<string> paths, bool rescan)
    {
        lock (_lock)
        {
            _pending.UnionWith(paths);
            _rescan |= rescan;
        }

        try
        {
            _signal.Release();
        }
        catch (ObjectDisposedException)
        {
            // An event that was already on its way when the watch ended (Ctrl+C): nothing waits for it any more.
        }
    }

    public void Dispose()
    {
        _events?.Dispose();
        _poller?.Dispose();
        _signal.Dispose();
    }

    /// <summary>
    /// Lists the tree (size, time, kind of every entry) and reports what differs from the last listing. Waits between
    /// listings four times as long as one took (at least 100 ms), so a big tree does not keep a core busy.
    /// </summary>
    private sealed class Poller : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public Poller(string root, Action<List<string>> changed)
        {
            Dictionary<string, (long, long, bool)> last = List(root);
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    var clock = Stopwatch.StartNew();
                    Dictionary<string, (long, long, bool)> now = List(root);
                    var paths = now.Where(entry => !last.TryGetValue(entry.Key, out var before) || before != entry.Value).Select(entry => entry.Key)
                        .Concat(last.Keys.Where(key => !now.ContainsKey(key))).ToList();
                    last = now;
                    if (paths.Count > 0)
                    {
                        changed(paths);
                    }

                    try
                    {
                        await Task.Delay(TimeSpan.FromMilliseconds(Math.Max(100, 4 * clock.ElapsedMilliseconds)), _stop.Token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }
            });
        }

        private static Dictionary<string, (long Size, long Time, bool Folder)> List(string root)
        {
            var entries = new Dictionary<string, (long, long, bool)>(StringComparer.Ordinal);
            try
            {
                foreach (FileSystemInfo entry in TreeListing.Entries(root))
                {
                    bool folder = (entry.Attributes & FileAttributes.Directory) != 0;
                    entries[entry.FullName] = (folder ? 0 : ((FileInfo)entry).Length, entry.LastWriteTimeUtc.Ticks, folder);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // A folder vanished mid-listing: the next listing sees the tree as it is then.
            }

            return entries;
        }

        public void Dispose()
        {
            _stop.Cancel();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(2));
            }
            catch (AggregateException)
            {
            }

            _stop.Dispose();
        }
    }
}
