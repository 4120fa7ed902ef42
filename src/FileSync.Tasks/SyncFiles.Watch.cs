using FileSync.Diagnostics;
using FileSync.Jobs;
using FileSync.Planning;
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
        var session = new WatchSession(log, ContextDirectory, UsePolling);
        session.RunAsync(sources, patterns.ProjectFiles, (items, token) => SyncOnceAsync(log, items, projectDirectory, token), cancellationToken)
            .GetAwaiter().GetResult();
    }

    /// <summary>
    /// One sync of the watch's items through the task's own path; a failure is logged and the watch goes on. False
    /// when no target is configured (the job warned FSYNC0001): the watch ends.
    /// </summary>
    private async System.Threading.Tasks.Task<bool> SyncOnceAsync(ILog log, IReadOnlyList<SyncItem> items, string projectDirectory, CancellationToken cancellationToken)
    {
        Rules = [.. items.Select(item => WatchItem(item, projectDirectory))];
        try
        {
            // In this process: the watch is itself the warm, resident sync (the same job the task and the server run).
            SyncResult result = await new SyncJob(CreateRequest(log.ShowsDetail), log, (host, timeouts) => DockerClients.For(BuildEngine, log, timeouts)(host)).RunAsync(cancellationToken).ConfigureAwait(false);
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

        return true;
    }

    private static SyncItem ToItem(ITaskItem item, string projectDirectory) =>
        new(item.ItemSpec, Path.GetFullPath(item.ItemSpec, projectDirectory), NullIfEmpty(item.GetMetadata("Dest")), NullIfEmpty(item.GetMetadata("Strip"))) { Mode = NullIfEmpty(item.GetMetadata("Mode")) };

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static TaskItem WatchItem(SyncItem item, string projectDirectory)
    {
        var metadata = new Dictionary<string, string>();
        if (item.Dest is not null)
        {
            metadata["Dest"] = Escape(item.Dest);
        }

        if (item.Strip is not null)
        {
            metadata["Strip"] = Escape(item.Strip);
        }

        if (item.Mode is not null)
        {
            metadata["Mode"] = Escape(item.Mode);
        }

        return new TaskItem(Escape(Path.GetRelativePath(projectDirectory, item.FullPath)), metadata);
    }
}
