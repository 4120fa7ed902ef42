using FileSync.Rules;

namespace FileSync.Watching;

/// <summary>
/// One MSBuild item spec (an Include, Exclude or Remove fragment) matched the way MSBuild matches it on Unix, so a
/// file created during a watch is a source exactly when a later evaluation would list it. Measured with the SDK's
/// MSBuild (and checked by ItemPatternTests against a real evaluation): the spec's folder before its first wildcard
/// is a real path, compared case-sensitively, except in a Remove; below it, wildcards and names compare ignoring
/// case; a literal Exclude or Remove ignores case; '*.*' is '*'; '\' separates folders; '[', '{' are plain
/// characters; a '**' that is not a whole segment makes the spec a literal.
/// </summary>
internal sealed class ItemPattern
{
    private readonly string _root;   // the fixed folder, full, ending in '/'; or the literal path
    private readonly Glob? _glob;    // below _root; null for a literal
    private readonly StringComparison _rootComparison;

    private ItemPattern(string root, Glob? glob, StringComparison rootComparison)
    {
        _root = root;
        _glob = glob;
        _rootComparison = rootComparison;
    }

    public bool IsWildcard => _glob is not null;

    /// <param name="spec">The fragment as MSBuild evaluated it (properties expanded).</param>
    /// <param name="projectDirectory">What a relative spec is relative to.</param>
    /// <param name="kind">Include, Exclude or Remove: each compares names in its own way.</param>
    public static ItemPattern Create(string spec, string projectDirectory, ItemPatternKind kind)
    {
        string path = spec.Replace('\\', '/'); // as evaluated: MSBuild's %XX escapes are not undone (a '%2A' stays literal text)
        int wildcard = path.AsSpan().IndexOfAny('*', '?');
        bool legal = wildcard >= 0 && path.Split('/').All(segment => segment == "**" || !segment.Contains("**", StringComparison.Ordinal));
        if (!legal)
        {
            return new ItemPattern(Path.GetFullPath(path, projectDirectory), null, kind == ItemPatternKind.Include ? StringComparison.Ordinal : StringComparison.OrdinalIgnoreCase);
        }

        int slash = path.LastIndexOf('/', wildcard);
        string fixedFolder = slash < 0 ? "." : path[..(slash + 1)];
        string rest = path[(slash + 1)..];
        if (rest == "*.*" || rest.EndsWith("/*.*", StringComparison.Ordinal))
        {
            rest = rest[..^2]; // MSBuild (like Win32) reads a last segment '*.*' as '*'
        }

        string root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(fixedFolder, projectDirectory)) + "/";
        return new ItemPattern(root, Glob.FromMSBuild(rest, ignoreCase: true), kind == ItemPatternKind.Remove ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal);
    }

    /// <summary>Whether the file at <paramref name="fullPath"/> (normalized, '/'-separated) matches.</summary>
    public bool IsMatch(string fullPath) =>
        _glob is null
            ? string.Equals(fullPath, _root, _rootComparison)
            : fullPath.StartsWith(_root, _rootComparison) && _glob.IsMatch(fullPath.AsSpan(_root.Length));

    /// <summary>The folder a wildcard spec walks below (its fixed part), or the literal's folder.</summary>
    public string Folder => _glob is null ? Path.GetDirectoryName(_root) ?? "/" : _root;
}

internal enum ItemPatternKind
{
    Include,
    Exclude,
    Remove,
}
