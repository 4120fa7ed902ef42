using FileSync.Archive;
using FileSync.Diagnostics;

namespace FileSync.Targets;

/// <summary>Which instances to sync, as the build's properties describe them.</summary>
internal sealed record TargetSettings(string Runtime)
{
    public string? Container { get; init; }

    public string? Selector { get; init; }

    public string? Image { get; init; }

    /// <summary>FileSyncComposeService: that service's containers (Compose's labels), in <see cref="ComposeProject"/>.</summary>
    public string? ComposeService { get; init; }

    /// <summary>The Compose project, as Compose derives it; null when neither FileSyncComposeProject nor a service is set.</summary>
    public ComposeProject? ComposeProject { get; init; }

    public string? DockerHost { get; init; }

    /// <summary>FileSyncPod: one Kubernetes pod by name.</summary>
    public string? Pod { get; init; }

    /// <summary>FileSyncNamespace; null: the kubeconfig context's, else "default".</summary>
    public string? Namespace { get; init; }

    /// <summary>FileSyncKubeContext; null: the kubeconfig's current context.</summary>
    public string? KubeContext { get; init; }

    /// <summary>The build's KUBECONFIG (files separated by ':'); null: ~/.kube/config.</summary>
    public string? KubeConfig { get; init; }

    public string? Directory { get; init; }

    public FileOwner? Owner { get; init; }

    /// <summary>FileSyncDirectWrite: a local engine's containers may be written through their root (see ContainerRoot).</summary>
    public bool DirectWrite { get; init; } = true;

    /// <summary>
    /// The one place that decides whether these settings name a target, and validly. Every combination of runtime and
    /// settings gives exactly one outcome: a target kind (possibly with warnings about settings it ignores), nothing
    /// configured (FSYNC0001), or one error. The targets file only gates the after-build hook on "anything set at all".
    /// </summary>
    public TargetDecision Decide()
    {
        string runtime = Runtime.Trim().ToLowerInvariant();
        string[] pickers = Named(("FileSyncContainer", Container), ("FileSyncSelector", Selector), ("FileSyncImage", Image), ("FileSyncComposeService", ComposeService));
        switch (runtime)
        {
            case "" or "docker":
                if (pickers.Length > 1)
                {
                    return TargetDecision.Failed(Diag.TooManyTargetSettings(string.Join(", ", pickers)));
                }

                if (pickers.Length == 0 && IsSet(Pod))
                {
                    return TargetDecision.Failed(Diag.KubePodWithoutRuntime(Pod!.Trim()));
                }

                if (pickers.Length == 0)
                {
                    // A folder without the directory runtime, or a Compose project without a service, is a half-made
                    // choice, not "nothing configured".
                    return IsSet(Directory) ? TargetDecision.Failed(Diag.DirectoryWithoutRuntime(Directory!.Trim()))
                        : ComposeProjectAlone.Length > 0 ? TargetDecision.Failed(Diag.ComposeServiceNotSet(ComposeProject!.Name, ComposeProject.Origin))
                        : TargetDecision.Warning(Diag.NoTargetConfigured(), TargetKind.None);
                }

                if (IsSet(ComposeService) && ComposeProject is not { IsValid: true })
                {
                    return TargetDecision.Failed(Diag.InvalidComposeProject(ComposeProject?.Name ?? "", ComposeProject?.Origin ?? "nothing"));
                }

                if (IsSet(Selector) && !ValidSelector(Selector!))
                {
                    return TargetDecision.Failed(Diag.InvalidSelector(Selector!));
                }

                return Chosen(TargetKind.Docker, "docker", Named(("FileSyncDirectory", Directory)));
            case "directory":
                return IsSet(Directory)
                    ? Chosen(TargetKind.Directory, "directory", [.. pickers, .. Named(("FileSyncPod", Pod), ("FileSyncDockerHost", DockerHost)), .. ComposeProjectAlone])
                    : TargetDecision.Failed(Diag.DirectoryNotSet());
            case "kubernetes":
                // FileSyncContainer names the container in each pod; the pods are named by exactly one of these.
                string[] pods = Named(("FileSyncPod", Pod), ("FileSyncSelector", Selector), ("FileSyncImage", Image));
                return pods.Length > 1 ? TargetDecision.Failed(Diag.TooManyTargetSettings(string.Join(", ", pods)))
                    : pods.Length == 0 ? TargetDecision.Failed(Diag.KubePodsNotNamed())
                    : Chosen(TargetKind.Kubernetes, "kubernetes", [.. Named(("FileSyncDirectory", Directory), ("FileSyncDockerHost", DockerHost), ("FileSyncComposeService", ComposeService)), .. ComposeProjectAlone]);
            default:
                return TargetDecision.Failed(Diag.UnknownRuntime(Runtime.Trim()));
        }
    }

    /// <summary>
    /// The engine's label filter for a Docker decision: the selector's labels, or Compose's own filter for a service's
    /// containers (docker/compose: project, service, and oneoff=False so that `docker compose run` containers are not targets).
    /// </summary>
    internal IReadOnlyList<string> DockerLabels() => IsSet(ComposeService) && ComposeProject is { } project
        ? [$"com.docker.compose.project={project.Name}", $"com.docker.compose.service={ComposeService!.Trim()}", "com.docker.compose.oneoff=False"]
        : TargetFactory.Labels(Selector);

    /// <summary>A Compose project (or file) named without a service: ignored by the directory runtime, FSYNC0017 with docker.</summary>
    private string[] ComposeProjectAlone => ComposeProject is not null && !IsSet(ComposeService) ? ["FileSyncComposeProject"] : [];

    private static bool IsSet(string? value) => !string.IsNullOrWhiteSpace(value);

    private static string[] Named(params (string Name, string? Value)[] settings) =>
        settings.Where(setting => IsSet(setting.Value)).Select(setting => setting.Name).ToArray();

    /// <summary>The runtime chosen; settings it does not use are named in a warning.</summary>
    private static TargetDecision Chosen(TargetKind kind, string runtime, string[] ignored) =>
        ignored.Length == 0 ? new TargetDecision(kind, null, []) : TargetDecision.Warning(Diag.SettingsIgnored(string.Join(", ", ignored), runtime), kind);

    /// <summary>"k=v,k2=v2" or a bare "k"; no empty label, no label without a key (as <see cref="TargetFactory.Labels"/> reads them).</summary>
    private static bool ValidSelector(string selector) =>
        selector.Split(',', StringSplitOptions.TrimEntries).All(label => label.Length > 0 && !label.StartsWith('='));
}

internal enum TargetKind
{
    /// <summary>Nothing names a target: FSYNC0001, the build goes on.</summary>
    None,
    Docker,
    Directory,
    Kubernetes,
}

/// <summary>What <see cref="TargetSettings.Decide"/> concluded: a kind with warnings, or an error (then Kind is None).</summary>
internal sealed record TargetDecision(TargetKind Kind, Diagnostic? Error, IReadOnlyList<Diagnostic> Warnings)
{
    public static TargetDecision Failed(Diagnostic error) => new(TargetKind.None, error, []);

    /// <summary>A decision that goes on with one warning (logged as an MSBuild warning).</summary>
    public static TargetDecision Warning(Diagnostic warning, TargetKind kind) => new(kind, null, [warning]);
}
