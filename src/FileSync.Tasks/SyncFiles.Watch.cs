using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Watching;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FileSync.Tasks;

/// <summary>FileSyncWatch: the same sync as SyncToContainer, run again for every burst of changes until cancelled.</summary>
public sealed partial class SyncFiles
{
    /// <summary>Set by FileSyncWatch: sync, then watch the context and sync every burst of changes until Ctrl+C.</summary>
    public bool Watch { get; set; }

    /// <summary>FileSyncUsePolling: list the context periodically instead of waiting for file-system events.</summary>
    public bool UsePolling { get; set; }

    /// <summary>$(MSBuildProjectFullPath): evaluated again by the watch to read the rules' patterns (RulePatterns).</summary>
    public string? ProjectFile { get; set; }

    /// <summary>Runs the watch; returns false (no stamp: a watch is not a build's sync).</summary>
    private bool RunWatch(ILog log, CancellationToken cancellationToken)
    {
        string projectFile = string.IsNullOrEmpty(ProjectFile) ? BuildEngine.ProjectFileOfTaskNode : ProjectFile;
        string projectDirectory = string.IsNullOrEmpty(ProjectDirectory) ? Path.GetDirectoryName(projectFile)! : ProjectDirectory;
        RulePatterns patterns = RulePatterns.Read(projectFile, BuildEngine, log);
        var sources = new SourceSet([.. Rules.Select(ToItem)], new WatchRules(patterns.Rules, projectDirectory), ContextDirectory);
        var session = new WatchSession(log, ContextDirectory, UsePolling);
        session.RunAsync(sources, patterns.ProjectFiles, (items, token) => SyncOnceAsync(log, items, projectDirectory, token), cancellationToken)
            .GetAwaiter().GetResult();
        return false;
    }

    /// <summary>
    /// One sync of the watch's items through the task's own path; a failure is logged and the watch goes on. False
    /// when no target is configured (ExecuteAsync warned): the watch ends.
    /// </summary>
    private async System.Threading.Tasks.Task<bool> SyncOnceAsync(ILog log, IReadOnlyList<SyncItem> items, string projectDirectory, CancellationToken cancellationToken)
    {
        Rules = [.. items.Select(item => WatchItem(item, projectDirectory))];
        try
        {
            return await ExecuteAsync(log, cancellationToken).ConfigureAwait(false) || DryRun;
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

        return new TaskItem(Escape(Path.GetRelativePath(projectDirectory, item.FullPath)), metadata);
    }
}
