using FileSync.Diagnostics;
using FileSync.Rules;

namespace FileSync.Skaffold;

/// <summary>
/// An artifact context's <c>.dockerignore</c>, read and matched as Docker does (github.com/moby/patternmatcher and its
/// <c>ignorefile.ReadAll</c>, the code Skaffold and BuildKit use): lines starting with <c>#</c> are comments, patterns
/// are trimmed, cleaned (<c>filepath.Clean</c>) and lose a leading <c>/</c>; <c>*</c> and <c>?</c> stay within a
/// folder, <c>**</c> spans folders, <c>[a-z]</c> classes, <c>\</c> escapes; a pattern that matches a folder ignores all
/// below it; <c>!</c> re-includes, and the last pattern that matches a path decides (MatchesOrParentMatches). Skaffold
/// reads <c>&lt;Dockerfile&gt;.dockerignore</c> when it exists, else the context's <c>.dockerignore</c>.
/// </summary>
internal sealed partial class DockerIgnore
{
    private readonly Pattern[] _patterns;
    private readonly bool _exclusions;

    private DockerIgnore(string? file, Pattern[] patterns)
    {
        File = file;
        _patterns = patterns;
        _exclusions = patterns.Any(pattern => pattern.Exclusion);
    }

    /// <summary>Ignores nothing (no .dockerignore).</summary>
    public static DockerIgnore None { get; } = new(null, []);

    /// <summary>The file the patterns came from; null when there is none.</summary>
    public string? File { get; }

    /// <summary>
    /// The ignore file of a build: <c>&lt;dockerfile&gt;.dockerignore</c> first, then <c>&lt;context&gt;/.dockerignore</c>.
    /// A malformed pattern is FSYNC8027 at its line; an unreadable file FSYNC8028.
    /// </summary>
    public static DockerIgnore ForBuild(string context, string dockerfile)
    {
        foreach (string candidate in new[] { dockerfile + ".dockerignore", Path.Combine(context, ".dockerignore") })
        {
            string text;
            try
            {
                if (!System.IO.File.Exists(candidate))
                {
                    continue;
                }

                // An empty length: an empty file, or a FIFO, socket or device, whose open could block; no patterns either way.
                text = new FileInfo(candidate).Length == 0 ? "" : System.IO.File.ReadAllText(candidate);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FileSyncException(Diag.DockerIgnoreUnreadable(candidate, e.Message));
            }

            return Parse(text, candidate);
        }

        return None;
    }

    /// <summary>Reads the lines of an ignore file as <c>ignorefile.ReadAll</c> then <c>patternmatcher.New</c> do.</summary>
    public static DockerIgnore Parse(string text, string? file = null)
    {
        var patterns = new List<Pattern>();
        string[] lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string line = i == 0 ? lines[i].TrimStart('\uFEFF') : lines[i];
            if (line.StartsWith('#'))
            {
                continue; // a comment only when '#' is the very first character
            }

            string pattern = line.Trim();
            if (pattern.Length == 0)
            {
                continue;
            }

            bool exclusion = pattern[0] == '!';
            if (exclusion)
            {
                pattern = pattern[1..].Trim();
                if (pattern.Length == 0)
                {
                    throw new FileSyncException(Diag.DockerIgnorePatternInvalid(file ?? ".dockerignore", i + 1, line.Trim()) with { Line = i + 1 });
                }
            }

            pattern = UnixPath.Clean(pattern);
            if (pattern.Length > 1 && pattern[0] == '/')
            {
                pattern = pattern[1..];
            }

            patterns.Add(Pattern.Compile(pattern, exclusion) ?? throw new FileSyncException(Diag.DockerIgnorePatternInvalid(file ?? ".dockerignore", i + 1, line.Trim()) with { Line = i + 1 }));
        }

        return new DockerIgnore(file, [.. patterns]);
    }

    /// <summary>Whether <paramref name="relativePath"/> ('/'-separated, below the context) is ignored: it or a parent folder matches, and no later <c>!</c> pattern re-includes it.</summary>
    public bool IsIgnored(string relativePath)
    {
        if (_patterns.Length == 0)
        {
            return false;
        }

        relativePath = UnixPath.Clean(relativePath);
        if (relativePath == ".")
        {
            return false; // Docker never ignores the context itself
        }

        int lastSlash = relativePath.LastIndexOf('/');
        bool matched = false;
        foreach (Pattern pattern in _patterns)
        {
            if (pattern.Exclusion != matched)
            {
                continue; // an inclusion once matched, or an exclusion before any match, changes nothing
            }

            bool match = pattern.Matches(relativePath);
            for (int slash = relativePath.IndexOf('/'); !match && slash > 0 && slash <= lastSlash; slash = relativePath.IndexOf('/', slash + 1))
            {
                match = pattern.Matches(relativePath[..slash]); // a parent folder matches
            }

            if (match)
            {
                matched = !pattern.Exclusion;
            }
        }

        return matched;
    }

    /// <summary>Whether the file at <paramref name="fullPath"/> is below <paramref name="context"/> and ignored there.</summary>
    public bool IgnoresFile(string context, string fullPath)
    {
        if (_patterns.Length == 0)
        {
            return false;
        }

        string relative = Path.GetRelativePath(context, Path.GetFullPath(fullPath));
        return relative != "." && relative != ".." && !relative.StartsWith("../", StringComparison.Ordinal) && !Path.IsPathRooted(relative) && IsIgnored(relative);
    }

    /// <summary>
    /// Whether nothing below the folder <paramref name="relativePath"/> can be kept, so it need not be listed: it is
    /// ignored and no <c>!</c> pattern names a path below it (Skaffold's skipDir, after Docker's archive code).
    /// </summary>
    public bool SkipsFolder(string relativePath)
    {
        if (!IsIgnored(relativePath))
        {
            return false;
        }

        string folder = relativePath + "/";
        return !_exclusions || !_patterns.Any(pattern => pattern.Exclusion && (pattern.Text + "/").StartsWith(folder, StringComparison.Ordinal));
    }
}
