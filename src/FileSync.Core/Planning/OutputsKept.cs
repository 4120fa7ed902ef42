namespace FileSync.Planning;

/// <summary>
/// Build outputs the container keeps although they are not among this sync's sources. An output that leaves the
/// build's list is deleted (a removed reference), but not when this sync could not know the outputs (outputs off, or
/// a multi-targeted project without FileSyncTargetFramework: the image's app must not be deleted), when the output is
/// listed but could not be synced (a link: not synced is not gone), or when it is the launcher, which the container's
/// entrypoint runs (FileSyncLauncher turned off must not delete it under the running app).
/// </summary>
internal sealed class OutputsKept
{
    private const string LauncherName = "filesync-launcher.";

    private readonly bool _all;
    private readonly IReadOnlySet<string> _skipped;

    private OutputsKept(bool all, IReadOnlySet<string> skipped)
    {
        _all = all;
        _skipped = skipped;
    }

    /// <summary>Outputs are not part of this sync: every one the container holds stays.</summary>
    public static OutputsKept All { get; } = new(all: true, new HashSet<string>());

    /// <summary>Outputs are synced: only the skipped ones (by state key) and the launcher stay when they leave the list.</summary>
    public static OutputsKept Skipped(IReadOnlySet<string> keys) => new(all: false, keys);

    /// <summary>Whether the known source <paramref name="key"/>, no longer among the sources, keeps its copies.</summary>
    public bool Keeps(string key) =>
        OutputScanner.IsOutput(key) && (_all || _skipped.Contains(key) || key.AsSpan(key.LastIndexOf('/') + 1).StartsWith(LauncherName, StringComparison.Ordinal));
}
