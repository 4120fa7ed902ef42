using FileSync.Planning;

namespace FileSync.Watching;

/// <summary>
/// The rule items of a running watch: MSBuild's own expansion at the start (exact), and for every path an event
/// names since, the items <see cref="WatchRules"/> makes of it. A path that is gone keeps its start items: the scanner
/// finds it missing and the planner deletes its copy, as a cold build whose glob no longer lists it would.
/// </summary>
internal sealed class SourceSet(IReadOnlyList<SyncItem> initial, WatchRules rules, string contextDirectory)
{
    private readonly Dictionary<string, SyncItem[]> _found = new(StringComparer.Ordinal);
    private readonly HashSet<string> _initial = new(initial.Select(item => item.FullPath), StringComparer.Ordinal);
    private readonly string _context = Path.TrimEndingDirectorySeparator(Path.GetFullPath(contextDirectory));

    private readonly HashSet<(string, string?, string?)> _initialItems = new(initial.Select(item => (item.FullPath, item.Dest, item.Strip)));

    /// <summary>
    /// Start items a wildcard rule made of a file that is a folder now: not sources (MSBuild's glob would not list the
    /// folder, and FSYNC1011 would name a path the user never wrote); their copies are deleted as for a deleted file.
    /// </summary>
    private readonly HashSet<string> _nowFolders = new(StringComparer.Ordinal);

    /// <summary>The items found that are not start items, by path: kept up to date path by path, so a burst in a big
    /// tree does not compare every item found with the start items again.</summary>
    private readonly Dictionary<string, SyncItem[]> _extra = new(StringComparer.Ordinal);

    /// <summary>The start items, then every item found since that is not one of them.</summary>
    public IReadOnlyList<SyncItem> Items =>
        [.. _nowFolders.Count == 0 ? initial : initial.Where(item => !_nowFolders.Contains(item.FullPath)), .. _extra.Values.SelectMany(items => items)];

    /// <summary>Takes in the paths an event named; returns whether any of them is (or was) a rule's file.</summary>
    public bool Apply(IEnumerable<string> paths)
    {
        bool relevant = false;
        foreach (string path in paths)
        {
            string full = Path.GetFullPath(path);
            var info = new FileInfo(full);
            if ((int)info.Attributes != -1 && (info.Attributes & FileAttributes.Directory) != 0 && info.LinkTarget is null)
            {
                // A folder created or moved in: its files may have been written before the watch on it was set up. A file
                // that was at its path is gone (the path is no rule's file now).
                relevant |= Set(full);
                if (_initial.Contains(full) && rules.Match(full).Any())
                {
                    relevant |= _nowFolders.Add(full); // a wildcard's file replaced by a folder
                }

                foreach (string file in Files(full))
                {
                    relevant |= Set(file);
                }

                continue;
            }

            relevant |= Set(full) || _initial.Contains(full);
            string below = full + "/";
            foreach (string gone in _found.Keys.Where(key => key.StartsWith(below, StringComparison.Ordinal)).ToList())
            {
                relevant |= Set(gone); // a folder deleted or moved out
            }
        }

        return relevant;
    }

    /// <summary>After an event queue overflow: every file of the context matched again, nothing assumed.</summary>
    public void Rescan()
    {
        _found.Clear();
        _nowFolders.Clear();
        foreach (string folder in _initial.Where(Directory.Exists).Where(path => rules.Match(path).Any()))
        {
            _nowFolders.Add(folder);
        }

        _extra.Clear();
        foreach (string file in Files(_context))
        {
            Set(file);
        }
    }

    private bool Set(string full)
    {
        bool had = _found.Remove(full) | _nowFolders.Remove(full);
        _extra.Remove(full);
        var info = new FileInfo(full);
        // A file, or a link to one; not a folder nor a link to one (MSBuild's globs list neither).
        bool exists = (int)info.Attributes != -1 && (info.Attributes & FileAttributes.Directory) == 0;
        SyncItem[] items = exists ? [.. rules.Match(full)] : [];
        if (items.Length > 0)
        {
            _found[full] = items;
            SyncItem[] extra = [.. items.Where(item => !_initialItems.Contains((item.FullPath, item.Dest, item.Strip)))];
            if (extra.Length > 0)
            {
                _extra[full] = extra;
            }
        }

        return had || items.Length > 0;
    }

    /// <summary>Every file and link below <paramref name="folder"/>, dotfiles included, links to folders not followed.</summary>
    internal static IEnumerable<string> Files(string folder)
    {
        try
        {
            return TreeListing.Files(folder).ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return []; // gone again, or unreadable: the scanner reports what it cannot read
        }
    }
}
