using FileSync.Diagnostics;
using FileSync.Planning;

namespace FileSync.Watching;

/// <summary>Why a watch ended.</summary>
internal enum WatchEnd
{
    ProjectChanged,

    /// <summary>The first sync found nothing to sync to (no target configured, already warned): nothing to watch for.</summary>
    NothingToSync,
}

/// <summary>
/// FileSyncWatch's loop: watch first (so nothing saved during the first sync is missed), sync what changed since the
/// last sync, say "watching", then one sync per burst of changes to the rules' files until cancelled, or until a
/// project file changes (the rules it evaluated may no longer be the project's).
/// </summary>
internal sealed class WatchSession(ILog log, string contextDirectory, bool usePolling)
{
    /// <summary>How often, without events, the project files are looked at.</summary>
    internal static readonly TimeSpan ProjectCheck = TimeSpan.FromMilliseconds(500);

    /// <param name="sync">One sync of the given rule items, as SyncToContainer runs it, with the paths events named since
    /// the last sync (null: anything may have changed, at the start and after a rescan); it logs its own failures.
    /// False: there is no target to sync to.</param>
    /// <param name="projectFiles">The project file and its imports: a change ends the watch.</param>
    public async Task<WatchEnd> RunAsync(SourceSet sources, IReadOnlyCollection<string> projectFiles, Func<IReadOnlyList<SyncItem>, IReadOnlyCollection<string>?, CancellationToken, Task<bool>> sync, CancellationToken cancellationToken)
    {
        var stamps = new FileStamps(projectFiles);
        using var watcher = new ChangeWatcher(contextDirectory, usePolling);
        sources.Rescan(); // files created between MSBuild's evaluation and the watch's start have had no event
        if (!await sync(sources.Items, null, cancellationToken).ConfigureAwait(false))
        {
            return WatchEnd.NothingToSync;
        }

        var named = new HashSet<string>(StringComparer.Ordinal); // since the last sync, by any event (the scanner forgets them)
        log.Summary($"FileSync: watching '{watcher.Root}' ({(watcher.UsesPolling ? "polling" : "file-system events")}); press Ctrl+C to stop");
        OnWatching?.Invoke(watcher);
        while (true)
        {
            ChangeBatch batch = await watcher.NextAsync(ProjectCheck, cancellationToken).ConfigureAwait(false);
            if (stamps.Changed() is { } changed)
            {
                log.Warning(Diag.WatchProjectChanged(changed));
                return WatchEnd.ProjectChanged;
            }

            if (batch.FellBackToPolling is { } reason)
            {
                log.Warning(Diag.WatchFellBackToPolling(watcher.Root, reason));
            }

            bool relevant;
            named.UnionWith(batch.Paths);
            if (batch.Rescan)
            {
                log.Detail($"FileSync: a folder moved or the file-system event queue overflowed; rescanning '{watcher.Root}'");
                sources.Rescan();
                relevant = true;
            }
            else
            {
                relevant = sources.Apply(batch.Paths);
            }

            if (relevant)
            {
                _ = await sync(sources.Items, batch.Rescan ? null : named, cancellationToken).ConfigureAwait(false);
                named = new HashSet<string>(StringComparer.Ordinal);
            }
        }
    }

    /// <summary>Test seam: called once the watch is set up, with its watcher.</summary>
    internal Action<ChangeWatcher>? OnWatching { get; init; }
}

/// <summary>The size and time of a few files, to tell when one of them changed.</summary>
internal sealed class FileStamps
{
    private readonly Dictionary<string, (long, long)> _stamps;

    public FileStamps(IEnumerable<string> files) => _stamps = files.Distinct(StringComparer.Ordinal).ToDictionary(file => file, Stamp, StringComparer.Ordinal);

    /// <summary>The first file whose size or time changed (or that appeared or vanished), or null.</summary>
    public string? Changed() => _stamps.FirstOrDefault(entry => Stamp(entry.Key) != entry.Value).Key;

    private static (long, long) Stamp(string file)
    {
        var info = new FileInfo(file);
        return (int)info.Attributes == -1 ? (-1, -1) : (info.Length, info.LastWriteTimeUtc.Ticks);
    }
}
