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
            ExecuteAsync(log, _cancel.Token).GetAwaiter().GetResult();
        }
        catch (FileSyncException e)
        {
            log.Error(e.Diagnostic);
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // MSBuild reports the cancellation; the state was not advanced past what the target confirmed.
        }

        // A cancelled sync is not a success: the targets must not stamp it as synced.
        return !Log.HasLoggedErrors && !_cancel.IsCancellationRequested;
    }

    private async Task ExecuteAsync(ILog log, CancellationToken cancellationToken)
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
        if (!settings.IsConfigured)
        {
            log.Warning(Diag.NoTargetConfigured());
            return;
        }

        // Sources first: a bad rule fails before any container is contacted.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<SourceFile> sources = new SourceScanner(ContextDirectory, log).Scan(Rules.Select(ToItem));
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
        };
        IReadOnlyList<SyncOutcome> outcomes = await new Syncer(log).SyncAsync(sources, targets, options, cancellationToken).ConfigureAwait(false);
        CopiedCount = outcomes.Sum(outcome => outcome.Copied);
        DeletedCount = outcomes.Sum(outcome => outcome.Deleted);
    }

    private SyncItem ToItem(ITaskItem item)
    {
        string spec = item.ItemSpec;
        string fullPath = string.IsNullOrEmpty(ProjectDirectory) ? item.GetMetadata("FullPath") : Path.GetFullPath(spec, ProjectDirectory);
        return new(spec, fullPath, NullIfEmpty(item.GetMetadata("Dest")), NullIfEmpty(item.GetMetadata("Strip")));
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
