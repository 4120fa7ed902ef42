using FileSync.Diagnostics;
using FileSync.Rules;

namespace FileSync.Planning;

/// <summary>One build output: a file the build put in its output folder, with its path below that folder.</summary>
internal sealed record OutputItem(string TargetPath);

/// <summary>
/// Turns the build's output items (FileSyncIncludeBuildOutput) into sources read from the output folder, as the app
/// loads them. Their state key is <see cref="Prefix"/> + the path below the output folder, which no rule source can
/// have (a rule's path is relative to the context: it never starts with '/'), so outputs and rule files never share state.
/// </summary>
internal sealed class OutputScanner(string outputDirectory, ILog log)
{
    /// <summary>The state key prefix of every build output; the output rule strips it again.</summary>
    public const string Prefix = "/<output>/";

    private readonly string _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(outputDirectory));

    public static bool IsOutput(string relativePath) => relativePath.StartsWith(Prefix, StringComparison.Ordinal);

    /// <summary>State keys of outputs the build listed but that could not be synced (a link, a folder): kept, not deleted.</summary>
    public HashSet<string> Skipped { get; } = new(StringComparer.Ordinal);

    /// <summary>Whether an output was skipped or missing: the sync is not complete, so the after-build stamp is not written.</summary>
    public bool Incomplete { get; private set; }

    /// <summary>Stats each output (no reads); the first item wins for a path listed twice.</summary>
    public IReadOnlyList<SourceFile> Scan(IEnumerable<OutputItem> items, SyncRule rule)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var sources = new List<SourceFile>();
        foreach (OutputItem item in items)
        {
            string targetPath = Path.DirectorySeparatorChar == '\\' ? item.TargetPath.Replace('\\', '/') : item.TargetPath;
            string full = Path.Combine(_root, targetPath);
            if (targetPath.Length == 0 || targetPath.StartsWith('/') || Path.IsPathRooted(targetPath) || UnixPath.HasDotDotSegment(targetPath))
            {
                log.Warning(Diag.OutputPathInvalid(full, item.TargetPath));
                continue;
            }

            targetPath = UnixPath.Clean(targetPath);
            if (seen.Add(targetPath) && Stat(full, targetPath) is { } source)
            {
                source.Rules.Add(rule);
                sources.Add(source);
            }
        }

        return sources;
    }

    private SourceFile? Stat(string full, string targetPath)
    {
        var info = new FileInfo(full);
        FileAttributes attributes = info.Attributes; // one lstat
        if ((int)attributes == -1)
        {
            log.Warning(Diag.OutputMissing(full));
            Incomplete = true; // the next build that brings it back must sync it, whatever its mtime
            return null; // not synced; like a deleted rule file, its earlier copy is deleted
        }

        if ((attributes & (FileAttributes.ReparsePoint | FileAttributes.Directory)) != 0)
        {
            log.Warning(Diag.OutputNotRegularFile(full, (attributes & FileAttributes.ReparsePoint) != 0 ? "symbolic link" : "folder"));
            Skipped.Add(Prefix + targetPath);
            Incomplete = true;
            return null;
        }

        // A link in a folder between the output folder and the file is refused by the no-follow read (FSYNC1012).
        return new SourceFile(Prefix + targetPath, full, SourceKind.File)
        {
            ReadRoot = _root,
            ReadPath = targetPath,
            Size = info.Length,
            MtimeTicks = info.LastWriteTimeUtc.Ticks,
            Mode = OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead : info.UnixFileMode,
        };
    }
}
