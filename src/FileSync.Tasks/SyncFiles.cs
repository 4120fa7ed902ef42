using FileSync.Actions;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Docker;
using FileSync.Planning;
using FileSync.Rules;
using FileSync.Targets;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

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
                RecordConfigFingerprint();
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

        // A skaffold.yaml is read first: its artifact may give the context and the image (SyncFiles.Config.cs).
        IReadOnlyList<SyncItem> configItems = ReadConfig(log);

        // Actions are checked before anything is contacted, like rules.
        PostSyncAction[] actions = [.. Actions.Select(item => PostSyncAction.Create(item.ItemSpec, item.GetMetadata("Match"), item.GetMetadata("Command")))];

        var settings = new TargetSettings(Runtime)
        {
            Container = Container, Selector = Selector, Image = Image, DockerHost = DockerHost, Directory = Directory, Owner = owner,
            ComposeService = ComposeService, ComposeProject = ResolveComposeProject(),
        };
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
        IEnumerable<SyncItem> items = Rules.Select(ToItem).Concat(configItems).Where(item => !item.FullPath.StartsWith(state, StringComparison.Ordinal)); // never our own state or lock
        IReadOnlyList<SourceFile> sources = new SourceScanner(ContextDirectory, log).Scan(items);
        log.Detail($"FileSync: {sources.Count} source file(s) from {Rules.Length} rule item(s), context '{ContextDirectory}', scanned in {clock.ElapsedMilliseconds} ms");
        SyncRule? outputRule = OutputFiles.Length == 0 || string.IsNullOrWhiteSpace(OutputDirectory) ? null : SyncRule.ForBuildOutput(OutputDest);
        sources = [.. sources, .. ScanOutputs(outputRule, log)];
        if (ConfigUnchanged(sources, log))
        {
            return false;
        }

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
            Actions = actions,
            OutputRule = outputRule,
        };
        IReadOnlyList<SyncOutcome> outcomes = await new Syncer(log).SyncAsync(sources, targets, options, cancellationToken).ConfigureAwait(false);
        CopiedCount = outcomes.Sum(outcome => outcome.Copied);
        DeletedCount = outcomes.Sum(outcome => outcome.Deleted);
        Planned = outcomes.SelectMany(PlannedItems).ToArray();
        if (!DryRun)
        {
            var check = new StaticWebAssetsCheck(log, StateDirectory, NullIfEmpty(StaticWebAssetsManifest), NullIfEmpty(WorkingDirectory) ?? NullIfEmpty(FallbackWorkingDirectory));
            await check.WarnAsync(StaticWebAssets, StaticWebAssetsCompression, WebRoot(sources), targets, outcomes, cancellationToken).ConfigureAwait(false);
        }

        return !DryRun;
    }

    /// <summary>FileSyncIncludeBuildOutput: the outputs as sources of their own rule, after the rule files (a rule wins a shared destination).</summary>
    private IReadOnlyList<SourceFile> ScanOutputs(SyncRule? rule, ILog log)
    {
        if (!string.IsNullOrWhiteSpace(UnresolvedTargetFrameworks))
        {
            log.Warning(Diag.OutputsNeedOneFramework(UnresolvedTargetFrameworks));
        }

        if (rule is null || string.IsNullOrWhiteSpace(OutputDirectory))
        {
            return [];
        }

        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(OutputDirectory)) + Path.DirectorySeparatorChar;
        IEnumerable<OutputItem> items = OutputFiles.Select(item => Path.GetFullPath(item.ItemSpec, root)).Select(full => new OutputItem(
            full.StartsWith(root, StringComparison.Ordinal) ? full[root.Length..] : Path.GetRelativePath(root, full))); // outside: FSYNC1031
        IReadOnlyList<SourceFile> outputs = new OutputScanner(OutputDirectory, log).Scan(items, rule);
        log.Detail($"FileSync: {outputs.Count} build output(s) from '{OutputDirectory}' to '{(rule.Dest.Length == 0 ? "the working directory" : rule.Dest)}'");
        return outputs;
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

    /// <summary>Only when a Compose setting is present: no file look-ups for any other configuration.</summary>
    private ComposeProject? ResolveComposeProject() =>
        string.IsNullOrWhiteSpace(ComposeService) && string.IsNullOrWhiteSpace(ComposeProject) && string.IsNullOrWhiteSpace(ComposeFile)
            ? null
            : Targets.ComposeProject.Resolve(ComposeProject, ComposeFile, ProjectDirectory is { Length: > 0 } folder ? folder : Path.GetFullPath(ContextDirectory), Environment.GetEnvironmentVariable);

    private static IEnumerable<ITaskItem> PlannedItems(SyncOutcome outcome)
    {
        SyncPlan? plan = outcome.Plan;
        if (plan is null)
        {
            yield break;
        }

        foreach (CopyOperation copy in plan.Copies)
        {
            foreach (Destination destination in copy.Destinations)
            {
                yield return PlannedItem(copy.Source.RelativePath, destination.Path, "copy", outcome.Target);
            }
        }

        foreach (string path in plan.Deletes)
        {
            yield return PlannedItem(path, path, "delete", outcome.Target);
        }
    }

    /// <summary>TaskItem takes its spec and metadata escaped: a name with '%', ';' or '*' must reach the binlog as it is.</summary>
    private static TaskItem PlannedItem(string include, string destination, string operation, string target) =>
        new(Escape(include), new Dictionary<string, string> { ["Destination"] = Escape(destination), ["Operation"] = operation, ["Instance"] = Escape(target) });

    private static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny("%*?@$();'") < 0)
        {
            return value;
        }

        var escaped = new System.Text.StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            _ = "%*?@$();'".Contains(c) ? escaped.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)) : escaped.Append(c);
        }

        return escaped.ToString();
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
