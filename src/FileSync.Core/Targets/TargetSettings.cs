using FileSync.Archive;
using FileSync.Diagnostics;

namespace FileSync.Targets;

/// <summary>Which instances to sync, as the build's properties describe them.</summary>
internal sealed record TargetSettings(string Runtime)
{
    public string? Container { get; init; }

    public string? Selector { get; init; }

    public string? Image { get; init; }

    public string? DockerHost { get; init; }

    public string? Directory { get; init; }

    public FileOwner? Owner { get; init; }

    /// <summary>
    /// The one place that decides whether these settings name a target, and validly. Every combination of runtime and
    /// settings gives exactly one outcome: a target kind (possibly with warnings about settings it ignores), nothing
    /// configured (FSYNC0001), or one error. The targets file only gates the after-build hook on "anything set at all".
    /// </summary>
    public TargetDecision Decide()
    {
        string runtime = Runtime.Trim().ToLowerInvariant();
        string[] pickers = Named(("FileSyncContainer", Container), ("FileSyncSelector", Selector), ("FileSyncImage", Image));
        switch (runtime)
        {
            case "" or "docker":
                if (pickers.Length > 1)
                {
                    return TargetDecision.Failed(Diag.TooManyTargetSettings(string.Join(", ", pickers)));
                }

                if (pickers.Length == 0)
                {
                    // A folder without the directory runtime is a half-made choice, not "nothing configured".
                    return IsSet(Directory)
                        ? TargetDecision.Failed(Diag.DirectoryWithoutRuntime(Directory!.Trim()))
                        : new TargetDecision(TargetKind.None, null, [Diag.NoTargetConfigured()]);
                }

                if (IsSet(Selector) && !ValidSelector(Selector!))
                {
                    return TargetDecision.Failed(Diag.InvalidSelector(Selector!));
                }

                return new TargetDecision(TargetKind.Docker, null, Ignored("docker", Named(("FileSyncDirectory", Directory))));
            case "directory":
                return IsSet(Directory)
                    ? new TargetDecision(TargetKind.Directory, null, Ignored("directory", [.. pickers, .. Named(("FileSyncDockerHost", DockerHost))]))
                    : TargetDecision.Failed(Diag.DirectoryNotSet());
            case "kubernetes":
                return TargetDecision.Failed(Diag.RuntimeNotAvailable(Runtime.Trim()));
            default:
                return TargetDecision.Failed(Diag.UnknownRuntime(Runtime.Trim()));
        }
    }

    private static bool IsSet(string? value) => !string.IsNullOrWhiteSpace(value);

    private static string[] Named(params (string Name, string? Value)[] settings) =>
        settings.Where(setting => IsSet(setting.Value)).Select(setting => setting.Name).ToArray();

    private static IReadOnlyList<Diagnostic> Ignored(string runtime, string[] names) =>
        names.Length == 0 ? [] : [Diag.SettingsIgnored(string.Join(", ", names), runtime)];

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
}

/// <summary>What <see cref="TargetSettings.Decide"/> concluded: a kind with warnings, or an error (then Kind is None).</summary>
internal sealed record TargetDecision(TargetKind Kind, Diagnostic? Error, IReadOnlyList<Diagnostic> Warnings)
{
    public static TargetDecision Failed(Diagnostic error) => new(TargetKind.None, error, []);
}
