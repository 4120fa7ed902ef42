using System.Globalization;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.State;

namespace FileSync.Targets;

/// <summary>What a sync does about the things along its destinations' paths, decided before anything is sent.</summary>
internal sealed class FolderPlan(ArchiveLayout layout)
{
    /// <summary>Where the archive is extracted and which folders it carries.</summary>
    public ArchiveLayout Layout { get; } = layout;

    /// <summary>The copies that can be sent (none goes through a link or a file in the target).</summary>
    public List<CopyOperation> Copies { get; } = [];

    /// <summary>Old files and links that stand where a new folder or file goes: deleted before the upload.</summary>
    public SortedSet<string> DeletesFirst { get; } = new(StringComparer.Ordinal);

    /// <summary>Folders FileSync created that a file replaces (rmdir before the upload, deepest first), and that file's source.</summary>
    public List<(string Folder, string Source)> FoldersToRemove { get; } = [];

    /// <summary>The copies left once the paths in <paramref name="failed"/> (not deleted, not removed) could not be cleared.</summary>
    public List<CopyOperation> CopiesClearOf(IReadOnlyCollection<string> failed) => failed.Count == 0
        ? Copies
        : Copies.Where(copy => !copy.Destinations.Any(d => failed.Any(f => d.Path == f || d.Path.StartsWith(f + "/", StringComparison.Ordinal)))).ToList();
}

/// <summary>
/// Decides, per destination, which of its parent folders the target already has (they keep their mode, owner and
/// kind: no entry is sent for them), which FileSync creates (sent with the owner), and which are in the way (a link or a
/// file: the copy is skipped with FSYNC2010, nothing is written through it). Folders are known without asking the
/// target when the state says so (parents of confirmed files, folders FileSync created); the others are stat'ed once
/// per sync, from the top down, and not below the first missing one.
/// </summary>
internal static class FolderPlanner
{
    private enum Status
    {
        Existing,
        Ours,
        Missing,
    }

    public static async Task<FolderPlan> PlanAsync(SyncPlan plan, SyncState state, ISyncTarget target, FileOwner owner, string label, ILog log, CancellationToken cancellationToken)
    {
        // The parents of every confirmed file, built only when a copy's own entry does not vouch for its folders (a
        // warm one-change sync of a big tree then never walks the whole state).
        HashSet<string>? knownFolders = null;
        HashSet<string> Known()
        {
            if (knownFolders is null)
            {
                knownFolders = new HashSet<string>(state.CreatedFolders, StringComparer.Ordinal);
                foreach (StateEntry entry in state.Entries.Values)
                {
                    foreach (string destination in entry.Destinations)
                    {
                        knownFolders.Add(Parent(destination));
                    }
                }
            }

            return knownFolders;
        }

        var deletes = new HashSet<string>(plan.Deletes, StringComparer.Ordinal);
        var stats = new Dictionary<string, PathKind>(StringComparer.Ordinal);
        var blocked = new SortedDictionary<string, (PathKind Kind, List<string> Sources)>(StringComparer.Ordinal);
        var deletesFirst = new SortedSet<string>(StringComparer.Ordinal);
        var removals = new List<(string Folder, string Source)>();
        var folders = new Dictionary<string, FileOwner>(StringComparer.Ordinal);
        var copies = new List<CopyOperation>();
        string? root = null;
        foreach (CopyOperation copy in plan.Copies)
        {
            var copyFolders = new Dictionary<string, FileOwner>(StringComparer.Ordinal);
            var copyDeletes = new List<string>();
            var copyRemovals = new List<(string, string)>();
            string? copyRoot = root;
            (string Path, PathKind Kind)? obstacle = null;
            foreach (Destination destination in copy.Destinations)
            {
                if (state.CreatedFolders.Contains(destination.Path))
                {
                    // A folder FileSync created becomes a file: what FileSync put in it goes first, then the folder itself.
                    string inside = destination.Path + "/";
                    copyDeletes.AddRange(deletes.Where(path => path.StartsWith(inside, StringComparison.Ordinal)));
                    copyRemovals.AddRange(state.CreatedFolders.Where(folder => folder.StartsWith(inside, StringComparison.Ordinal))
                        .Append(destination.Path).Select(folder => (folder, copy.Source.RelativePath)));
                }

                List<string> chain = Ancestors(destination.Path);
                bool confirmedHere = state.Entries.TryGetValue(copy.Source.RelativePath, out StateEntry? own) && own.Destinations.Contains(destination.Path);
                int deepestKnown = confirmedHere ? chain.Count - 1 : chain.FindLastIndex(Known().Contains);
                string deepestExisting = "/";
                bool allExisting = true;
                Status previous = Status.Existing;
                for (int i = 0; i < chain.Count && obstacle is null; i++)
                {
                    string folder = chain[i];
                    Status status;
                    if (i <= deepestKnown)
                    {
                        status = state.CreatedFolders.Contains(folder) ? Status.Ours : Status.Existing;
                    }
                    else if (previous == Status.Missing)
                    {
                        status = Status.Missing;
                    }
                    else if (deletes.Contains(folder))
                    {
                        copyDeletes.Add(folder); // a file FileSync put there, now a folder: deleted first
                        status = Status.Missing;
                    }
                    else
                    {
                        PathKind kind = await StatAsync(target, folder, stats, cancellationToken).ConfigureAwait(false);
                        if (kind is not (PathKind.Folder or PathKind.Missing))
                        {
                            obstacle = (folder, kind); // a link or a file: never written through, never replaced
                            break;
                        }

                        status = kind == PathKind.Folder ? Status.Existing : Status.Missing;
                    }

                    if (status != Status.Existing)
                    {
                        allExisting = false;
                        copyFolders[folder] = BelowRuleRoot(folder, destination.Root) ? owner : FileOwner.Root;
                    }
                    else if (allExisting)
                    {
                        deepestExisting = folder; // the archive can be extracted here
                    }

                    previous = status;
                }

                copyRoot = copyRoot is null ? deepestExisting : CommonFolder(copyRoot, deepestExisting);
            }

            if (obstacle is { } found)
            {
                if (!blocked.TryGetValue(found.Path, out var entry))
                {
                    blocked[found.Path] = entry = (found.Kind, []);
                }

                entry.Sources.Add(copy.Source.RelativePath);
                continue;
            }

            copies.Add(copy);
            root = copyRoot;
            deletesFirst.UnionWith(copyDeletes);
            removals.AddRange(copyRemovals);
            foreach ((string folder, FileOwner folderOwner) in copyFolders)
            {
                folders.TryAdd(folder, folderOwner);
            }
        }

        foreach ((string path, (PathKind kind, List<string> sources)) in blocked)
        {
            log.Error(Diag.ParentNotFolder(path, label, kind.ToString().ToLowerInvariant(), sources.Count, Describe(sources)));
        }

        var result = new FolderPlan(new ArchiveLayout(root ?? "/"));
        result.Copies.AddRange(copies);
        result.DeletesFirst.UnionWith(deletesFirst);
        result.FoldersToRemove.AddRange(removals.Distinct().OrderByDescending(removal => removal.Folder.Length));
        foreach ((string folder, FileOwner folderOwner) in folders)
        {
            result.Layout.Folders[folder] = folderOwner;
        }

        return result;
    }

    private static async Task<PathKind> StatAsync(ISyncTarget target, string path, Dictionary<string, PathKind> cache, CancellationToken cancellationToken)
    {
        if (!cache.TryGetValue(path, out PathKind kind))
        {
            cache[path] = kind = await target.StatAsync(path, cancellationToken).ConfigureAwait(false);
        }

        return kind;
    }

    /// <summary>"/a/b/c.txt" -> ["/a", "/a/b"]: the folders above a path, top down, without '/'.</summary>
    internal static List<string> Ancestors(string path)
    {
        var folders = new List<string>();
        for (int slash = path.IndexOf('/', 1); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            folders.Add(path[..slash]);
        }

        return folders;
    }

    internal static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>The deepest folder both are in (or are).</summary>
    internal static string CommonFolder(string a, string b)
    {
        while (!(a == b || b.StartsWith(a == "/" ? "/" : a + "/", StringComparison.Ordinal)))
        {
            a = Parent(a);
        }

        return a;
    }

    /// <summary>The rule's Dest and what is below it are FileSync's to create with the owner; above it, root's (as the runtime would).</summary>
    private static bool BelowRuleRoot(string folder, string ruleRoot) =>
        ruleRoot == "/" || folder == ruleRoot || folder.StartsWith(ruleRoot.TrimEnd('/') + "/", StringComparison.Ordinal);

    private static string Describe(List<string> files) =>
        files.Count <= 10 ? string.Join(", ", files) : string.Join(", ", files.Take(10)) + string.Format(CultureInfo.InvariantCulture, " and {0} more", files.Count - 10);
}
