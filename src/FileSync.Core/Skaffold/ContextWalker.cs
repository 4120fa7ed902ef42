using FileSync.Planning;

namespace FileSync.Skaffold;

/// <summary>
/// Finds the files of an artifact's context that its <c>sync.manual</c> rules match, as Skaffold matches them
/// (doublestar over the path relative to the context), and hands them to the SourceScanner as items, one per file
/// and rule, the way MSBuild hands over FileSyncRule items. Only the folders a rule can reach are listed (a
/// <c>static-html/*.html</c> rule lists <c>static-html</c> alone); a folder link is never entered (the link itself is
/// a candidate, which the scanner keeps only when it stays inside the context); an unlistable folder is skipped,
/// and the planner's probe keeps what was synced from below it (FSYNC1014). What the context's .dockerignore
/// ignores is never a candidate (a folder it ignores whole is not even listed).
/// </summary>
internal sealed class ContextWalker(SkaffoldArtifact artifact, IReadOnlyCollection<string> excludedFolders, DockerIgnore? ignore = null)
{
    private readonly DockerIgnore _ignore = ignore ?? DockerIgnore.None;

    private static readonly EnumerationOptions Listing = new() { RecurseSubdirectories = false, IgnoreInaccessible = false, AttributesToSkip = 0 };

    private readonly string _context = Path.TrimEndingDirectorySeparator(artifact.Context);
    private readonly HashSet<string> _excluded = new(excludedFolders.Select(folder => Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder))), StringComparer.Ordinal);

    public IEnumerable<SyncItem> Items()
    {
        if (artifact.Rules.Count == 0)
        {
            yield break;
        }

        foreach (string root in Roots())
        {
            foreach (string relative in Walk(root))
            {
                string full = Path.Combine(_context, relative);
                foreach (ManualRule rule in artifact.Rules.Where(rule => rule.IsMatch(relative)))
                {
                    yield return new SyncItem(relative, full, rule.Rule.Dest, rule.Rule.Strip) { Rule = rule.Rule };
                }
            }
        }
    }

    /// <summary>Each rule's literal leading folders ("" for the whole context), without one below another.</summary>
    private List<string> Roots()
    {
        var roots = new List<string>();
        foreach (string prefix in artifact.Rules.Select(rule => LiteralFolder(rule.Src.Pattern)).Distinct().Order(StringComparer.Ordinal))
        {
            // A path relative to the context never starts with '/' nor holds '.' or '..': such a rule matches nothing
            // (in Skaffold too), and its folder is never listed, so nothing outside the context is ever a candidate.
            if (prefix.StartsWith('/') || prefix.Split('/').Any(segment => segment is "." or ".."))
            {
                continue;
            }

            if (!roots.Any(root => root.Length == 0 || prefix == root || prefix.StartsWith(root + "/", StringComparison.Ordinal)))
            {
                roots.Add(prefix);
            }
        }

        return roots;
    }

    /// <summary>The folders of <paramref name="pattern"/> before its first wildcard, escape or brace: all it can match is below them.</summary>
    internal static string LiteralFolder(string pattern)
    {
        int wild = pattern.AsSpan().IndexOfAny("*?[{\\");
        string literal = wild < 0 ? pattern : pattern[..wild];
        int slash = literal.LastIndexOf('/');
        return slash < 0 ? "" : slash == 0 ? "/" : literal[..slash];
    }

    /// <summary>Whether <paramref name="relative"/> is below an excluded folder (the project's bin/ and obj/): never a candidate, even when named.</summary>
    internal bool IsExcluded(string relative)
    {
        for (int slash = relative.IndexOf('/'); slash > 0; slash = relative.IndexOf('/', slash + 1))
        {
            if (_excluded.Contains(Path.Combine(_context, relative[..slash])))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Paths ('/'-separated, relative to the context) of everything below <paramref name="root"/> that is not a folder and not .dockerignored.</summary>
    internal IEnumerable<string> Walk(string root)
    {
        var pending = new Stack<string>();
        pending.Push(root);
        while (pending.TryPop(out string? folder))
        {
            string full = folder.Length == 0 ? _context : Path.Combine(_context, folder);
            if (_excluded.Contains(full))
            {
                continue;
            }

            List<FileSystemInfo> entries;
            try
            {
                var info = new DirectoryInfo(full);
                if ((int)info.Attributes == -1 || (info.Attributes & FileAttributes.Directory) == 0 || (folder.Length > 0 && (info.Attributes & FileAttributes.ReparsePoint) != 0))
                {
                    continue; // missing, a file, or a link (only the context itself may be reached through one)
                }

                entries = [.. info.EnumerateFileSystemInfos("*", Listing)];
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // unlistable: the planner's probe keeps what was synced from it
            }

            foreach (FileSystemInfo entry in entries.OrderByDescending(entry => entry.Name, StringComparer.Ordinal))
            {
                string relative = folder.Length == 0 ? entry.Name : folder + "/" + entry.Name;
                if ((entry.Attributes & FileAttributes.Directory) != 0 && (entry.Attributes & FileAttributes.ReparsePoint) == 0)
                {
                    if (!_ignore.SkipsFolder(relative))
                    {
                        pending.Push(relative);
                    }
                }
                else if (!_ignore.IsIgnored(relative))
                {
                    yield return relative;
                }
            }
        }
    }
}
