namespace FileSync.Planning;

/// <summary>
/// Decides whether a source that left the rule items is really gone. MSBuild's glob skips a folder it cannot list
/// without a word, so a file below an unreadable folder vanishes from the items although it still exists: that is not
/// a delete. Only sources that disappeared are probed (one listing per folder, cached), so a sync stays cheap.
/// </summary>
internal class SourceProbe(string contextDirectory)
{
    private readonly string _context = Path.TrimEndingDirectorySeparator(Path.GetFullPath(contextDirectory));
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string?> _unlistable = new(StringComparer.Ordinal); // replicas plan in parallel

    /// <summary>
    /// The folder (absolute) that hides <paramref name="relativePath"/> from the glob, with why, or null when every
    /// folder from the context down to it can be listed or one of them does not exist: then the source is gone.
    /// </summary>
    public (string Folder, string Reason)? FindUnlistableFolder(string relativePath)
    {
        if (OutputScanner.IsOutput(relativePath))
        {
            return null; // outputs come from the build's item lists, not a glob: one that left them is gone, even if stale in bin/
        }

        string folder = _context;
        string[] names = relativePath.Split('/');
        for (int i = 0; i < names.Length; i++)
        {
            if (!_unlistable.TryGetValue(folder, out string? reason))
            {
                reason = Listing(folder, out bool missing);
                _unlistable[folder] = reason;
                if (missing)
                {
                    return null;
                }
            }

            if (reason is not null)
            {
                return (folder, reason);
            }

            if (i < names.Length - 1)
            {
                folder = Path.Combine(folder, names[i]);
            }
        }

        return null;
    }

    /// <summary>Null when the folder can be listed (or <paramref name="missing"/>); otherwise why not.</summary>
    private string? Listing(string folder, out bool missing)
    {
        missing = false;
        try
        {
            ListFolder(folder);
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            missing = true; // gone, or a file where the folder was (ENOTDIR)
            return null;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return e.Message;
        }
    }

    /// <summary>Lists the folder as the glob would (opendir, readdir); throws what the file system says. A test seam.</summary>
    protected virtual void ListFolder(string folder)
    {
        using IEnumerator<string> entries = Directory.EnumerateFileSystemEntries(folder).GetEnumerator();
        _ = entries.MoveNext();
    }
}
