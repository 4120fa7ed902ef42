using System.Collections;
using System.Runtime.Versioning;
using FileSync.Planning;

namespace FileSync.Tests.Core;

/// <summary>
/// A warm scanner handed the same item list again (the sync server's rule items of an unchanged set) stats only what
/// events named and what it never takes as it was (links, missing files), without walking the items: its result is
/// still what a full scan of the same files gives.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class WarmRescanTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;

    public WarmRescanTests()
    {
        _context = _temp.Folder("ctx");
    }

    public void Dispose() => _temp.Dispose();

    private SyncItem Item(string relative, string dest = "/app", string? mode = null) => new(relative, _temp.Combine("ctx/" + relative), dest, null) { Mode = mode };

    /// <summary>What a scan found, in its order: path, kind, size, mode, link, destinations of each file.</summary>
    private static string[] Describe(IReadOnlyList<SourceFile> sources) =>
        [.. sources.Select(s => $"{s.RelativePath} {s.Kind} {s.Size} {Convert.ToString((int)s.Mode, 8)} {s.LinkTarget} [{string.Join(",", s.Rules.Select(r => r.Dest))}]")];

    [Fact]
    public void The_same_items_again_give_what_a_full_scan_gives_after_edits_deletes_creations_and_link_changes()
    {
        _temp.Write("ctx/a.txt", "a");
        _temp.Write("ctx/b.txt", "bb");
        _temp.Write("ctx/run.sh", "#!/bin/sh\n");
        _temp.Write("ctx/sub/c.txt", "ccc");
        _temp.Write("ctx/sub/d.txt", "dddd");
        _temp.Write("ctx/target1.txt", "1");
        _temp.Write("ctx/target2.txt", "22");
        File.CreateSymbolicLink(_temp.Combine("ctx/link"), "target1.txt");
        SyncItem[] items =
        [
            Item("a.txt"), Item("a.txt", "/web"), Item("b.txt"), Item("run.sh", mode: "0755"), Item("sub/c.txt"), Item("sub/d.txt"),
            Item("later.txt"), Item("link"), Item("target1.txt"), Item("target2.txt"),
        ];
        SourceScanner warm = SourceScanner.Warm(_context, _log);
        Assert.Equal(Describe(new SourceScanner(_context, _log).Scan(items)), Describe(warm.Scan(items)));

        _temp.Write("ctx/a.txt", "aaaaa");
        File.Delete(_temp.Combine("ctx/b.txt"));
        Directory.Delete(_temp.Combine("ctx/sub"), recursive: true);
        _temp.Write("ctx/sub/d.txt", "d");
        File.Delete(_temp.Combine("ctx/link"));
        File.CreateSymbolicLink(_temp.Combine("ctx/link"), "target2.txt");
        _temp.Write("ctx/later.txt", "created, with no event for it"); // missing before: statted again on every scan
        warm.Forget([_temp.Combine("ctx/a.txt"), _temp.Combine("ctx/b.txt"), _temp.Combine("ctx/sub")]);

        string[] full = Describe(new SourceScanner(_context, _log).Scan(items));
        Assert.Equal(full, Describe(warm.Scan(items)));
        Assert.Contains("later.txt File 29 644  [/app]", full);
        Assert.Contains("a.txt File 5 644  [/app,/web]", full);
        Assert.Contains("run.sh File 10 755  [/app]", full);
        Assert.DoesNotContain(full, line => line.StartsWith("b.txt", StringComparison.Ordinal) || line.StartsWith("sub/c.txt", StringComparison.Ordinal));

        // Nothing named and nothing changed: the same again; then everything forgotten: a full scan, the same.
        Assert.Equal(full, Describe(warm.Scan(items)));
        warm.ForgetAll();
        Assert.Equal(full, Describe(warm.Scan(items)));
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public void The_same_item_list_again_is_not_walked_and_another_list_is()
    {
        _temp.Write("ctx/a.txt", "a");
        _temp.Write("ctx/b.txt", "b");
        var items = new CountingList([Item("a.txt"), Item("b.txt")]);
        SourceScanner warm = SourceScanner.Warm(_context, _log);
        warm.Scan(items);
        Assert.Equal(1, items.Walks);

        _temp.Write("ctx/a.txt", "aaa");
        warm.Forget([_temp.Combine("ctx/a.txt")]);
        Assert.Equal(["a.txt File 3 644  [/app]", "b.txt File 1 644  [/app]"], Describe(warm.Scan(items)));
        Assert.Equal(1, items.Walks); // the one change was statted without going through the items

        var other = new CountingList([Item("b.txt")]);
        Assert.Equal(["b.txt File 1 644  [/app]"], Describe(warm.Scan(other)));
        Assert.Equal(1, other.Walks);
    }

    /// <summary>An item list that counts how often it is enumerated.</summary>
    private sealed class CountingList(SyncItem[] items) : IReadOnlyList<SyncItem>
    {
        public int Walks { get; private set; }

        public int Count => items.Length;

        public SyncItem this[int index] => items[index];

        public IEnumerator<SyncItem> GetEnumerator()
        {
            Walks++;
            return ((IEnumerable<SyncItem>)items).GetEnumerator();
        }

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
