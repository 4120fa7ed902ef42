using FileSync.Rules;

namespace FileSync.Planning;

/// <summary>
/// A warm scanner handed the same item list again (the sync server's rule items of an unchanged set) does not go
/// through every item: the result of its last scan stays, and only the paths it could not take as they were are
/// statted again: those an event named since (<see cref="Forget"/>) and those it never takes as they were (links,
/// files read through a folder link, missing, refused or warned-about items). 100,000 items with one change cost
/// a few look-ups instead of 100,000 and a sort.
/// </summary>
internal sealed partial class SourceScanner
{
    /// <summary>The last full scan of the item list it was given (warm scanners only); null: the next scan is a full one.</summary>
    private ScanMemory? _last;

    /// <summary>The item paths <see cref="Forget"/> took out of the warm memory since the last scan.</summary>
    private readonly HashSet<string> _forgotten = new(StringComparer.Ordinal);

    /// <summary>The last scan's result with the paths to stat again statted again, in the same order.</summary>
    private List<SourceFile> Rescan(ScanMemory last)
    {
        _last = null; // until this scan has finished: one that throws leaves a full scan for the next
        var again = new HashSet<string>(last.Volatile, StringComparer.Ordinal);
        again.UnionWith(_forgotten);
        _forgotten.Clear();
        var stillVolatile = new HashSet<string>(StringComparer.Ordinal);
        foreach (string path in again)
        {
            if (!last.Paths.TryGetValue(path, out ScanMemory.PathScan? scan))
            {
                continue; // a file no item names (obj/, an editor's temporary file)
            }

            SourceFile? file = Remember(path, Stat(scan.First));
            if (file is not null)
            {
                file.Rules.AddRange(scan.Rules);
                if (last.AnyMode)
                {
                    ApplyRuleMode(file);
                }
            }

            last.Replace(scan.File, file);
            scan.File = file;
            if (file is not null)
            {
                scan.Rules = file.Rules;
            }

            if (!IsRemembered(path, file))
            {
                stillVolatile.Add(path);
            }
        }

        last.Volatile = stillVolatile;
        _last = last;
        return [.. last.Ordered];
    }

    /// <summary>What a full scan of one item list found, per item path, to rescan it in part.</summary>
    private sealed class ScanMemory(IReadOnlyList<SyncItem> items)
    {
        public static readonly Comparison<SourceFile> ByRelativePath = (a, b) => string.CompareOrdinal(a.RelativePath, b.RelativePath);

        public IReadOnlyList<SyncItem> Items { get; } = items;

        public Dictionary<string, PathScan> Paths { get; } = new(StringComparer.Ordinal);

        public List<SourceFile> Ordered { get; private set; } = [];

        public bool AnyMode { get; private set; }

        /// <summary>The item paths statted on every scan: not in the warm memory.</summary>
        public HashSet<string> Volatile { get; set; } = new(StringComparer.Ordinal);

        /// <summary>Notes an item and the file found at its path; returns the list its rule goes in.</summary>
        public List<SyncRule> Note(SyncItem item, SourceFile? file)
        {
            if (!Paths.TryGetValue(item.FullPath, out PathScan? scan))
            {
                Paths[item.FullPath] = scan = new PathScan(item) { File = file, Rules = file?.Rules ?? [] };
            }

            return scan.Rules;
        }

        public ScanMemory Keep(List<SourceFile> ordered, bool anyMode, Func<string, SourceFile?, bool> remembered)
        {
            (Ordered, AnyMode) = (ordered, anyMode);
            foreach ((string path, PathScan scan) in Paths)
            {
                if (!remembered(path, scan.File))
                {
                    Volatile.Add(path);
                }
            }

            return this;
        }

        /// <summary>Puts <paramref name="now"/> where <paramref name="was"/> was, keeping the order (either may be null).</summary>
        public void Replace(SourceFile? was, SourceFile? now)
        {
            if (ReferenceEquals(was, now))
            {
                return;
            }

            if (was is not null)
            {
                int at = First(was.RelativePath);
                while (at < Ordered.Count && !ReferenceEquals(Ordered[at], was))
                {
                    at++;
                }

                if (at < Ordered.Count)
                {
                    Ordered.RemoveAt(at);
                }
            }

            if (now is not null)
            {
                Ordered.Insert(First(now.RelativePath), now);
            }
        }

        /// <summary>The index of the first file whose relative path is not below <paramref name="relativePath"/>.</summary>
        private int First(string relativePath)
        {
            int low = 0, high = Ordered.Count;
            while (low < high)
            {
                int middle = low + (high - low) / 2;
                if (string.CompareOrdinal(Ordered[middle].RelativePath, relativePath) < 0)
                {
                    low = middle + 1;
                }
                else
                {
                    high = middle;
                }
            }

            return low;
        }

        /// <summary>One item path: the first item that named it (the one statted), its rules, the file found there.</summary>
        public sealed class PathScan(SyncItem first)
        {
            public SyncItem First { get; } = first;

            public SourceFile? File { get; set; }

            public List<SyncRule> Rules { get; set; } = [];
        }
    }
}
