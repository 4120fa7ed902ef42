using FileSync.Actions;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Docker;
using FileSync.Planning;
using FileSync.Rules;
using FileSync.Targets;

namespace FileSync.Jobs;

/// <summary>A Docker client for an endpoint (null: DOCKER_HOST, else the local socket) with these bounds; callers may reuse one.</summary>
internal delegate DockerClient DockerClientSource(string? host, DockerTimeouts timeouts);

/// <summary>
/// One sync, from a plain-data request to its outputs: checks the settings, scans the sources, resolves the targets,
/// runs the Syncer. The SyncFiles task runs it in its own process, the sync server in its own; both log through
/// <see cref="ILog"/>, so the messages, codes and summary are the same whichever runs it.
/// </summary>
internal sealed class SyncJob(SyncRequest request, ILog log, DockerClientSource dockerClients)
{
    /// <summary>Rule items from a skaffold.yaml (read by the task, in its process): scanned with the request's rules.</summary>
    public IReadOnlyList<SyncItem> ExtraItems { get; init; } = [];

    /// <summary>Whether a rule item's file (its full path) is left out by the artifact's .dockerignore; the extra items are already filtered.</summary>
    public Func<string, bool>? Ignored { get; init; }
    /// <summary>A resident process's scanner of this context, kept between its syncs (FileSyncWatch); null: a cold scan.</summary>
    public SourceScanner? Scanner { get; init; }

    /// <summary>A resident process's states, kept between its syncs; null: read from obj/filesync/ each time.</summary>
    public State.StateCache? States { get; init; }

    /// <summary>Asked once the sources are known: true ends the job with nothing done (an unchanged skaffold.yaml sync).</summary>
    public Func<IReadOnlyList<SourceFile>, bool>? SkipWhen { get; init; }

    /// <summary>The skaffold.yaml artifact's sync.hooks (read by the task); none by default.</summary>
    public Skaffold.SyncHooks Hooks { get; init; } = Skaffold.SyncHooks.None;

    /// <summary>Expected failures are logged as coded errors (never thrown); cancellation is thrown.</summary>
    public async Task<SyncResult> RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await SyncAsync(cancellationToken).ConfigureAwait(false);
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

        return SyncResult.Nothing;
    }

    private async Task<SyncResult> SyncAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        FileOwner? owner = null;
        if (!string.IsNullOrWhiteSpace(request.Owner))
        {
            owner = FileOwner.TryParse(request.Owner, out FileOwner parsed) ? parsed : throw new FileSyncException(Diag.InvalidOwner(request.Owner));
        }

        if (!DockerTimeouts.TryParse(request.DockerTimeout, out DockerTimeouts timeouts))
        {
            throw new FileSyncException(Diag.InvalidDockerTimeout(request.DockerTimeout!));
        }

        string? workingDirectory = NullIfEmpty(request.WorkingDirectory);
        if (workingDirectory is not null && !workingDirectory.StartsWith('/'))
        {
            throw new FileSyncException(Diag.InvalidWorkingDirectory(request.WorkingDirectory!));
        }

        // Actions are checked before anything is contacted, like rules.
        PostSyncAction[] actions = [.. request.Actions.Select(item => PostSyncAction.Create(item.Spec, item.Get("Match"), item.Get("Command")))];

        string context = Full(request.ContextDirectory);
        string stateDirectory = Full(request.StateDirectory);
        var settings = new TargetSettings(request.Runtime)
        {
            Container = request.Container, Selector = request.Selector, Image = request.Image, DockerHost = request.DockerHost,
            Directory = request.Directory is { } directory && !string.IsNullOrWhiteSpace(directory) ? Full(directory.Trim()) : request.Directory, Owner = owner,
            ComposeService = request.ComposeService, ComposeProject = ResolveComposeProject(context),
            Pod = request.Pod, Namespace = request.Namespace, KubeContext = request.KubeContext, KubeConfig = KubeConfig(),
            DirectWrite = request.DirectWrite,
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
            return SyncResult.NoTarget;
        }

        // Sources first: a bad rule fails before any container is contacted.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        string state = Path.TrimEndingDirectorySeparator(stateDirectory) + Path.DirectorySeparatorChar;
        IEnumerable<SyncItem> items = request.Rules.Select(ToItem).Where(item => Ignored?.Invoke(item.FullPath) != true).Concat(ExtraItems).Where(item => !item.FullPath.StartsWith(state, StringComparison.Ordinal)); // never our own state or lock
        if (Scanner is not null && Ignored is null && ExtraItems.Count == 0)
        {
            items = WarmItems(request.Rules, state, items);
        }

        IReadOnlyList<SourceFile> sources = (Scanner ?? new SourceScanner(context, log)).Scan(items);
        log.Detail($"FileSync: {sources.Count} source file(s) from {request.Rules.Count + ExtraItems.Count} rule item(s), context '{request.ContextDirectory}', scanned in {clock.ElapsedMilliseconds} ms");
        SyncRule? outputRule = request.OutputFiles.Count == 0 || string.IsNullOrWhiteSpace(request.OutputDirectory) ? null : SyncRule.ForBuildOutput(request.OutputDest);
        OutputScanner? outputScanner = outputRule is null || string.IsNullOrWhiteSpace(request.OutputDirectory) ? null : new OutputScanner(Full(request.OutputDirectory), log);
        sources = [.. sources, .. ScanOutputs(outputRule, outputScanner)];
        if (SkipWhen?.Invoke(sources) == true)
        {
            return SyncResult.Nothing;
        }

        clock.Restart();
        IReadOnlyList<ISyncTarget> targets = await TargetFactory.ResolveAsync(settings, host => dockerClients(host, timeouts), log, cancellationToken).ConfigureAwait(false);
        log.Detail($"FileSync: {targets.Count} target(s) resolved in {clock.ElapsedMilliseconds} ms");
        var options = new SyncOptions(stateDirectory)
        {
            WorkingDirectory = workingDirectory,
            FallbackWorkingDirectory = NullIfEmpty(request.FallbackWorkingDirectory),
            Owner = owner,
            DryRun = request.DryRun,
            Probe = new SourceProbe(context),
            Actions = actions,
            Hooks = Hooks.Any ? new Skaffold.HookRunner(Hooks, context, log) : null,
            OutputRule = outputRule,
            KeptOutputs = outputScanner is null ? OutputsKept.All : OutputsKept.Skipped(outputScanner.Skipped),
            States = States,
        };
        IReadOnlyList<SyncOutcome> outcomes;
        try
        {
            outcomes = await new Syncer(log).SyncAsync(sources, targets, options, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Kubernetes.KubernetesTargets.Release(targets); // a warm server would otherwise keep each sync's connections
        }

        if (!request.DryRun)
        {
            var check = new StaticWebAssetsCheck(log, stateDirectory, NullIfEmpty(request.StaticWebAssetsManifest), workingDirectory ?? NullIfEmpty(request.FallbackWorkingDirectory));
            await check.WarnAsync(request.StaticWebAssets, request.StaticWebAssetsCompression, WebRoot(sources, context), targets, outcomes, cancellationToken).ConfigureAwait(false);
        }

        // An output not synced (FSYNC1030/1032): not a complete sync, so no stamp, and the next build syncs it.
        return new SyncResult(!request.DryRun && outputScanner?.Incomplete != true, outcomes.Sum(outcome => outcome.Copied), outcomes.Sum(outcome => outcome.Deleted), [.. outcomes.SelectMany(PlannedEntries)]);
    }

    /// <summary>FileSyncIncludeBuildOutput: the outputs as sources of their own rule, after the rule files (a rule wins a shared destination).</summary>
    private IReadOnlyList<SourceFile> ScanOutputs(SyncRule? rule, OutputScanner? scanner)
    {
        if (!string.IsNullOrWhiteSpace(request.UnresolvedTargetFrameworks))
        {
            log.Warning(Diag.OutputsNeedOneFramework(request.UnresolvedTargetFrameworks));
        }

        if (rule is null || scanner is null)
        {
            return [];
        }

        string outputDirectory = Full(request.OutputDirectory!);
        string root = Path.TrimEndingDirectorySeparator(outputDirectory) + Path.DirectorySeparatorChar;
        IEnumerable<OutputItem> items = request.OutputFiles.Select(item => Path.GetFullPath(item.Spec, root)).Select(full => new OutputItem(
            full.StartsWith(root, StringComparison.Ordinal) ? full[root.Length..] : Path.GetRelativePath(root, full))); // outside: FSYNC1031
        IReadOnlyList<SourceFile> outputs = KeepDevManifest(scanner.Scan(items, rule), scanner);
        log.Detail($"FileSync: {outputs.Count} build output(s) from '{request.OutputDirectory}' to '{(rule.Dest.Length == 0 ? "the working directory" : rule.Dest)}'");
        return outputs;
    }

    /// <summary>
    /// A build with static-asset compression on (Release, not a FileSync dev build) writes an endpoints manifest that
    /// lists precompressed files a dev container's wwwroot does not have: synced, browsers get empty answers. It is
    /// left out (FSYNC6004) and the container keeps its own; kept, not deleted (the next dev build syncs its own).
    /// </summary>
    private IReadOnlyList<SourceFile> KeepDevManifest(IReadOnlyList<SourceFile> outputs, OutputScanner scanner)
    {
        if (!string.Equals(request.StaticWebAssetsCompression?.Trim(), "true", StringComparison.OrdinalIgnoreCase))
        {
            return outputs;
        }

        var kept = new List<SourceFile>(outputs.Count);
        foreach (SourceFile output in outputs)
        {
            if (output.RelativePath.EndsWith(".staticwebassets.endpoints.json", StringComparison.Ordinal))
            {
                log.Warning(Diag.CompressedManifestNotSynced(output.FullPath));
                scanner.Skipped.Add(output.RelativePath);
            }
            else
            {
                kept.Add(output);
            }
        }

        return kept;
    }

    /// <summary>The build's kubeconfig: KUBECONFIG, else ~/.kube/config of the build's HOME (the server may run elsewhere).</summary>
    private string? KubeConfig() =>
        request.GetEnvironmentVariable("KUBECONFIG") is { Length: > 0 } files ? string.Join(':', files.Split(':', StringSplitOptions.RemoveEmptyEntries).Select(Full))
        : request.GetEnvironmentVariable("HOME") is { Length: > 0 } home ? Path.Combine(home, ".kube", "config")
        : null;

    /// <summary>Only when a Compose setting is present: no file look-ups for any other configuration.</summary>
    private ComposeProject? ResolveComposeProject(string context) =>
        string.IsNullOrWhiteSpace(request.ComposeService) && string.IsNullOrWhiteSpace(request.ComposeProject) && string.IsNullOrWhiteSpace(request.ComposeFile)
            ? null
            : ComposeProject.Resolve(request.ComposeProject, request.ComposeFile, request.ProjectDirectory is { Length: > 0 } folder ? Full(folder) : context, request.GetEnvironmentVariable);

    private static IEnumerable<PlannedEntry> PlannedEntries(SyncOutcome outcome)
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
                // A build output by its file (its state key, /<output>/..., is FileSync's own name for it).
                string source = OutputScanner.IsOutput(copy.Source.RelativePath) ? copy.Source.FullPath : copy.Source.RelativePath;
                yield return new PlannedEntry(source, destination.Path, "copy", outcome.Target);
            }
        }

        foreach (string path in plan.Deletes)
        {
            yield return new PlannedEntry(path, path, "delete", outcome.Target);
        }
    }

    /// <summary>Whether a rule takes files from the project's wwwroot (the web root MapStaticAssets serves).</summary>
    private bool WebRoot(IReadOnlyList<SourceFile> sources, string context)
    {
        string webRoot = Path.Combine(string.IsNullOrEmpty(request.ProjectDirectory) ? context : Full(request.ProjectDirectory), "wwwroot") + Path.DirectorySeparatorChar;
        return sources.Any(source => source.FullPath.StartsWith(webRoot, StringComparison.Ordinal));
    }

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IReadOnlyList<RequestItem>, Tuple<string, SyncItem[]>> ItemsOfRules = [];

    /// <summary>A resident process that is handed the same rule item list again (the sync server's set of that fingerprint)
    /// gets the same items as last time, not merely equal ones: its warm scanner then rescans only what the journal named.</summary>
    private IReadOnlyList<SyncItem> WarmItems(IReadOnlyList<RequestItem> rules, string state, IEnumerable<SyncItem> items)
    {
        string key = string.Join('\0', request.ProjectDirectory, request.BaseDirectory, state);
        if (ItemsOfRules.TryGetValue(rules, out Tuple<string, SyncItem[]>? kept) && kept.Item1 == key)
        {
            return kept.Item2;
        }

        SyncItem[] made = [.. items];
        ItemsOfRules.AddOrUpdate(rules, Tuple.Create(key, made));
        return made;
    }

    /// <summary>A rule item's path: its FullPath metadata when the project folder is not given, else resolved against it.</summary>
    private SyncItem ToItem(RequestItem item)
    {
        string fullPath = string.IsNullOrEmpty(request.ProjectDirectory) ? Full(item.Get("FullPath")) : Path.GetFullPath(item.Spec, Full(request.ProjectDirectory));
        return new(item.Spec, fullPath, NullIfEmpty(item.Get("Dest")), NullIfEmpty(item.Get("Strip"))) { Mode = NullIfEmpty(item.Get("Mode")) };
    }

    /// <summary>Against the build's folder, not this process's: the server runs elsewhere.</summary>
    private string Full(string path) => Path.GetFullPath(path, request.BaseDirectory);

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
