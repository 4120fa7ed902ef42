using FileSync.Diagnostics;

namespace FileSync.Rules;

/// <summary>
/// A Skaffold manual sync rule's mapping: <c>dest</c> (absolute, or relative to the container's working directory)
/// and optional <c>strip</c> prefix. Its <c>src</c> glob is not kept: MSBuild expands it into one item per file
/// before the task runs, and items do not carry the glob they came from.
/// </summary>
internal sealed record SyncRule(string Dest, string Strip)
{
    /// <summary>Checks the rule; throws a coded error naming <paramref name="src"/>, the item that carried it.</summary>
    /// <param name="host">Where Dest and Strip were written: on Windows a '\' in them (typed, or from %(RecursiveDir))
    /// separates folders and becomes '/'; elsewhere it is part of a name. Null: '\' is kept (skaffold.yaml).</param>
    public static SyncRule Create(string src, string? dest, string? strip, Planning.HostPaths? host = null)
    {
        if (host is not null)
        {
            dest = dest is null ? null : host.ToUnix(dest);
            strip = strip is null ? null : host.ToUnix(strip);
        }

        if (string.IsNullOrWhiteSpace(dest))
        {
            throw new FileSyncException(Diag.RuleMissingDest(src));
        }

        if (UnixPath.HasDotDotSegment(dest))
        {
            throw new FileSyncException(Diag.DestEscapes(src, dest));
        }

        strip ??= "";
        if (strip.StartsWith('/') || UnixPath.HasDotDotSegment(strip))
        {
            throw new FileSyncException(Diag.StripInvalid(src, strip));
        }

        return new SyncRule(dest, strip);
    }

    /// <summary>
    /// The mapping of build outputs: FileSyncOutputDest (absolute, relative, or empty for the working directory) +
    /// the path below the output folder. Relative resolves against the output base (see Planner.Plan).
    /// </summary>
    public static SyncRule ForBuildOutput(string? dest)
    {
        dest = string.IsNullOrWhiteSpace(dest) ? "" : dest.Trim();
        if (UnixPath.HasDotDotSegment(dest))
        {
            throw new FileSyncException(Diag.OutputDestEscapes(dest));
        }

        return new SyncRule(dest, Planning.OutputScanner.Prefix) { IsBuildOutput = true };
    }

    /// <summary>Where the rule was written, for the plan (a skaffold.yaml rule: "skaffold.yaml:12 src '*.html'"); null for items.</summary>
    public string? Origin { get; init; }

    /// <summary>What the dry run names as the rule that produced a destination.</summary>
    public string Describe() => Origin ?? (IsBuildOutput ? "build output" : Strip.Length == 0 ? $"FileSyncRule Dest='{Dest}'" : $"FileSyncRule Dest='{Dest}' Strip='{Strip}'");

    /// <summary>The item's Mode metadata: the permissions every file of this rule gets instead of its own; null: its own
    /// (on Windows, which has none, <see cref="Planning.HostPaths.DefaultFileMode"/>).</summary>
    public UnixFileMode? Mode { get; init; }

    /// <summary>Maps build outputs: a relative Dest resolves against the output base, which falls back to /app.</summary>
    public bool IsBuildOutput { get; init; }

    /// <summary>What a relative Dest of this rule is joined to.</summary>
    public string BaseFor(string workingDirectory, string? outputBase) => IsBuildOutput ? outputBase ?? workingDirectory : workingDirectory;

    /// <summary>
    /// Skaffold's mapping (pkg/skaffold/sync: <c>path.Join(dest, strings.TrimPrefix(rel, strip))</c>, then
    /// joined to the working directory when relative). <paramref name="relativePath"/> uses '/'.
    /// </summary>
    public string MapDestination(string relativePath, string workingDirectory)
    {
        string rest = Strip.Length > 0 && relativePath.StartsWith(Strip, StringComparison.Ordinal)
            ? relativePath[Strip.Length..]
            : relativePath;
        string destination = UnixPath.Join(Dest, rest);
        return destination.StartsWith('/') ? destination : UnixPath.Join("/" + workingDirectory, destination);
    }

    /// <summary>The folder this rule writes below: the parents it creates under it belong to the owner.</summary>
    public string DestinationRoot(string workingDirectory) =>
        Dest.StartsWith('/') ? UnixPath.Clean(Dest) : UnixPath.Join("/" + workingDirectory, Dest);
}
