using FileSync.Rules;

namespace FileSync.Planning;

internal enum SourceKind
{
    File,
    Symlink,
}

/// <summary>One file of the context that at least one rule matches, as stat saw it (no content read).</summary>
internal sealed class SourceFile(string relativePath, string fullPath, SourceKind kind)
{
    private readonly string? _readRoot;
    private readonly string? _readPath;

    /// <summary>Relative to the context, '/'-separated: what Skaffold's rules map.</summary>
    public string RelativePath { get; } = relativePath;

    public string FullPath { get; } = fullPath;

    /// <summary>The folder a read starts from: the context (a link to it is trusted, it is the user's choice).</summary>
    public string ReadRoot
    {
        get => _readRoot ?? (InContext ? FullPath[..^(RelativePath.Length + 1)] : Path.GetDirectoryName(FullPath) ?? "/");
        init => _readRoot = value;
    }

    /// <summary>
    /// The path below <see cref="ReadRoot"/> to read, '/'-separated, with every folder link the scan accepted already
    /// resolved: the read walks it one name at a time and never follows a link (see SourceOpener).
    /// </summary>
    public string ReadPath
    {
        get => _readPath ?? (InContext ? RelativePath : Path.GetFileName(FullPath));
        init => _readPath = value;
    }

    public SourceKind Kind { get; } = kind;

    public long Size { get; init; }

    public long MtimeTicks { get; init; }

    /// <summary>Permission bits as stat saw them; replaced by a rule's Mode once the scan knows every rule of the file.</summary>
    public UnixFileMode Mode { get; set; }

    /// <summary>For a symlink that stays inside the context: the link text, relative to the link's folder.</summary>
    public string? LinkTarget { get; init; }

    private bool InContext => FullPath.EndsWith("/" + RelativePath, StringComparison.Ordinal);

    /// <summary>Every rule that matched this file (several rules give several destinations).</summary>
    public List<SyncRule> Rules { get; } = [];

    /// <summary>The planner's last mapping of this file: a warm scanner hands the same file to the next plan, which
    /// reuses it while the rules and the bases are the same.</summary>
    internal SourceMapping? Mapped { get; set; }
}

/// <summary>Where a file's rules put it, for one working directory and output base.</summary>
internal sealed record SourceMapping(string WorkingDirectory, string? OutputBase, SyncRule[] Rules, Destination[] Destinations);

/// <summary>What a build asked to sync: one MSBuild item (a file the rule's glob matched) with its metadata.</summary>
internal sealed record SyncItem(string ItemSpec, string FullPath, string? Dest, string? Strip)
{
    /// <summary>A rule already checked (a skaffold.yaml's), kept as it is so the plan can name it; null for items.</summary>
    public SyncRule? Rule { get; init; }

    /// <summary>The item's Mode metadata as written (an octal string, checked by <see cref="FileModeText"/>); null: none.</summary>
    public string? Mode { get; init; }
}
