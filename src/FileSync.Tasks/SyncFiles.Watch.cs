using FileSync.Diagnostics;
using FileSync.Jobs;
using FileSync.Planning;
using FileSync.State;
using FileSync.Watching;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FileSync.Tasks;

/// <summary>FileSyncWatch: the same sync as SyncToContainer, run again for every burst of changes until cancelled.</summary>
public sealed partial class SyncFiles
{
    /// <summary>Runs the watch until cancelled (or the project changes).</summary>
    private void RunWatch(ILog log, CancellationToken cancellationToken)
    {
        string projectFile = string.IsNullOrEmpty(ProjectFile) ? BuildEngine.ProjectFileOfTaskNode : ProjectFile;
        string projectDirectory = string.IsNullOrEmpty(ProjectDirectory) ? Path.GetDirectoryName(projectFile)! : ProjectDirectory;
        RulePatterns patterns = RulePatterns.Read(projectFile, BuildEngine, log);
        var sources = new SourceSet([.. Rules.Select(item => ToItem(item, projectDirectory))], new WatchRules(patterns.Rules, projectDirectory), ContextDirectory);
        Rules = []; // the watch's items go to each sync as they are (SyncJob.ExtraItems), not through the request again
        var warm = new WarmSync(SourceScanner.Warm(Path.GetFullPath(ContextDirectory, Environment.CurrentDirectory), log), new StateCache());
        var session = new WatchSession(log, ContextDirectory, UsePolling);
        session.RunAsync(sources, patterns.ProjectFiles, (items, changed, token) => SyncOnceAsync(log, items, changed, warm, token), cancellationToken)
            .GetAwaiter().GetResult();
    }

    /// <summary>What the watch keeps between its syncs: the stat of every rule file, each instance's state.</summary>
    private sealed record WarmSync(SourceScanner Scanner, StateCache States);

    /// <summary>
    /// One sync of the watch's items through the task's own path; a failure is logged and the watch goes on. False
    /// when no target is configured (the job warned FSYNC0001): the watch ends. Only the paths events named since the
    /// last sync are statted again (<paramref name="changed"/>; null: all), and the state is read again only when
    /// another process wrote it.
    /// </summary>
    private async System.Threading.Tasks.Task<bool> SyncOnceAsync(ILog log, IReadOnlyList<SyncItem> items, IReadOnlyCollection<string>? changed, WarmSync warm, CancellationToken cancellationToken)
    {
        if (changed is null)
        {
            warm.Scanner.ForgetAll();
        }
        else
        {
            warm.Scanner.Forget(changed);
        }

        try
        {
            // In this process: the watch is itself the warm, resident sync (the same job the task and the server run).
            var job = new SyncJob(CreateRequest(log.ShowsDetail), log, (host, timeouts) => DockerClients.For(BuildEngine, log, timeouts)(host))
            {
                ExtraItems = items,
                Scanner = warm.Scanner,
                States = warm.States,
            };
            SyncResult result = await job.RunAsync(cancellationToken).ConfigureAwait(false);
            return !ReferenceEquals(result, SyncResult.NoTarget);
        }
        catch (FileSyncException e)
        {
            log.Error(e.Diagnostic);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Error(Diag.FileOperationFailed(e.Message));
        }

        warm.Scanner.ForgetAll(); // whatever failed, the next sync assumes nothing
        return true;
    }

    private static SyncItem ToItem(ITaskItem item, string projectDirectory) =>
        new(item.ItemSpec, Path.GetFullPath(item.ItemSpec, projectDirectory), NullIfEmpty(item.GetMetadata("Dest")), NullIfEmpty(item.GetMetadata("Strip"))) { Mode = NullIfEmpty(item.GetMetadata("Mode")) };

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
