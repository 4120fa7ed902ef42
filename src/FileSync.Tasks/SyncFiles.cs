using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Docker;
using FileSync.Planning;
using FileSync.Rules;
using FileSync.Targets;
using Microsoft.Build.Framework;

namespace FileSync.Tasks;

/// <summary>A thin shell over Core: reads the items, resolves the targets, runs the Syncer, reports with codes.</summary>
public sealed partial class SyncFiles : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        var log = new MSBuildLog(Log);
        try
        {
            bool synced = ExecuteAsync(log, _cancel.Token).GetAwaiter().GetResult();
            if (synced && !Log.HasLoggedErrors)
            {
                WriteStamp(log);
            }
        }
        catch (FileSyncException e)
        {
            log.Error(e.Diagnostic);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A safety net, never a stack trace (MSB4018): Core turns the failures it expects into their own codes.
            log.Error(Diag.FileOperationFailed(e.Message));
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // MSBuild reports the cancellation; the state was not advanced past what the target confirmed.
        }

        // A cancelled sync is not a success: the targets must not stamp it as synced.
        return !Log.HasLoggedErrors && !_cancel.IsCancellationRequested;
    }

    /// <summary>Returns whether a real sync ran (not a dry run, not "nothing configured"): only then is the stamp written.</summary>
    private async Task<bool> ExecuteAsync(ILog log, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        FileOwner? owner = null;
        if (!string.IsNullOrWhiteSpace(Owner))
        {
            owner = FileOwner.TryParse(Owner, out FileOwner parsed) ? parsed : throw new FileSyncException(Diag.InvalidOwner(Owner));
        }

        if (!DockerTimeouts.TryParse(DockerTimeout, out DockerTimeouts timeouts))
        {
            throw new FileSyncException(Diag.InvalidDockerTimeout(DockerTimeout!));
        }

        if (!string.IsNullOrWhiteSpace(WorkingDirectory) && !WorkingDirectory.StartsWith('/'))
        {
            throw new FileSyncException(Diag.InvalidWorkingDirectory(WorkingDirectory));
        }

        var settings = new TargetSettings(Runtime) { Container = Container, Selector = Selector, Image = Image, DockerHost = DockerHost, Directory = Directory, Owner = owner };
        TargetDecision decision = settings.Decide();
        foreach (Diagnostic warning in decision.Warnings)
        {
            log.Warning(warning);
        }

        if (decision.Error is not null)
        {
            throw new FileSyncException(decision.Error);
        }

        if (decision.Kind == TargetKind.None)
        {
            return false;
        }

        // Sources first: a bad rule fails before any container is contacted.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string state = Path.TrimEndingDirectorySeparator(Path.GetFullPath(StateDirectory)) + Path.DirectorySeparatorChar;
        IEnumerable<SyncItem> items = Rules.Select(ToItem).Where(item => !item.FullPath.StartsWith(state, StringComparison.Ordinal)); // never our own state or lock
        IReadOnlyList<SourceFile> sources = new SourceScanner(ContextDirectory, log).Scan(items);
        log.Detail($"FileSync: {sources.Count} source file(s) from {Rules.Length} rule item(s), context '{ContextDirectory}', scanned in {clock.ElapsedMilliseconds} ms");

        clock.Restart();
        IReadOnlyList<ISyncTarget> targets = await TargetFactory.ResolveAsync(settings, DockerClients.For(BuildEngine, log, timeouts), log, cancellationToken).ConfigureAwait(false);
        log.Detail($"FileSync: {targets.Count} target(s) resolved in {clock.ElapsedMilliseconds} ms");
        var options = new SyncOptions(StateDirectory)
        {
            WorkingDirectory = NullIfEmpty(WorkingDirectory),
            FallbackWorkingDirectory = NullIfEmpty(FallbackWorkingDirectory),
            Owner = owner,
            DryRun = DryRun,
            Probe = new SourceProbe(ContextDirectory),
        };
        IReadOnlyList<SyncOutcome> outcomes = await new Syncer(log).SyncAsync(sources, targets, options, cancellationToken).ConfigureAwait(false);
        CopiedCount = outcomes.Sum(outcome => outcome.Copied);
        DeletedCount = outcomes.Sum(outcome => outcome.Deleted);
        if (!DryRun)
        {
            var check = new StaticWebAssetsCheck(log, StateDirectory, NullIfEmpty(StaticWebAssetsManifest), NullIfEmpty(WorkingDirectory) ?? NullIfEmpty(FallbackWorkingDirectory));
            await check.WarnAsync(StaticWebAssets, StaticWebAssetsCompression, WebRoot(sources), targets, outcomes, cancellationToken).ConfigureAwait(false);
        }

        return !DryRun;
    }

    /// <summary>Marks the after-build hook's output up to date (MSBuild's Touch, with a coded warning instead of MSB3371).</summary>
    private void WriteStamp(ILog log)
    {
        if (string.IsNullOrWhiteSpace(StampFile))
        {
            return;
        }

        try
        {
            using (new FileStream(StampFile, FileMode.OpenOrCreate, FileAccess.Write))
            {
            }

            File.SetLastWriteTimeUtc(StampFile, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning(Diag.StampNotWritten(StampFile, e.Message));
        }
    }

    /// <summary>Whether a rule takes files from the project's wwwroot (the web root MapStaticAssets serves).</summary>
    private bool WebRoot(IReadOnlyList<SourceFile> sources)
    {
        string webRoot = Path.Combine(Path.GetFullPath(string.IsNullOrEmpty(ProjectDirectory) ? ContextDirectory : ProjectDirectory), "wwwroot") + Path.DirectorySeparatorChar;
        return sources.Any(source => source.FullPath.StartsWith(webRoot, StringComparison.Ordinal));
    }

    private SyncItem ToItem(ITaskItem item)
    {
        string spec = item.ItemSpec;
        string fullPath = string.IsNullOrEmpty(ProjectDirectory) ? item.GetMetadata("FullPath") : Path.GetFullPath(spec, ProjectDirectory);
        return new(spec, fullPath, NullIfEmpty(item.GetMetadata("Dest")), NullIfEmpty(item.GetMetadata("Strip")));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
