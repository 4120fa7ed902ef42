using System.Runtime.Versioning;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Rules;
using FileSync.State;

namespace FileSync.Tests.Core;

/// <summary>Change detection: size+mtime fast path, content hash to confirm, destinations and deletes.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class PlannerTests : IDisposable
{
    private const string Workdir = "/app";
    private static readonly DateTime Mtime = new(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc);

    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;

    /// <summary>What the state says the instance holds for a file, relative to the file as it is now.</summary>
    public enum Known
    {
        Nothing,
        Same,
        SameStatWrongHash,
        MtimeMovedSameContent,
        MtimeMovedOtherContentSameSize,
        OtherSize,
        OtherMode,
        UnknownHash,
        OtherDestination,
    }

    public enum Expected
    {
        Nothing,
        Touched,
        Copy,
    }

    public PlannerTests()
    {
        _context = _temp.Folder("ctx");
    }

    public void Dispose() => _temp.Dispose();

    private IReadOnlyList<SourceFile> Scan(params (string Relative, string Dest, string? Strip)[] items) =>
        new SourceScanner(_context, _log).Scan(items.Select(i => new SyncItem(i.Relative, Path.Combine(_context, i.Relative), i.Dest, i.Strip)));

    /// <summary>The entry a sync that sent <paramref name="source"/> to <paramref name="destinations"/> would have recorded.</summary>
    private static StateEntry Confirmed(SourceFile source, params string[] destinations) =>
        new(source.Size, source.MtimeTicks, ContentHash.Of(source.FullPath), source.Mode, source.LinkTarget, destinations);

    public static TheoryData<string, Known, Expected> Changes => new()
    {
        { "a file the instance never got is copied", Known.Nothing, Expected.Copy },
        { "a file whose size and mtime did not move is left alone", Known.Same, Expected.Nothing },
        { "size+mtime is the fast path: the content is not read when the stat did not move", Known.SameStatWrongHash, Expected.Nothing },
        { "a touched file (mtime moved, same content) is not copied", Known.MtimeMovedSameContent, Expected.Touched },
        { "same size but other content: the hash confirms a change", Known.MtimeMovedOtherContentSameSize, Expected.Copy },
        { "another size is a change without reading", Known.OtherSize, Expected.Copy },
        { "a mode change (chmod +x) is copied", Known.OtherMode, Expected.Copy },
        { "content that was never confirmed (unknown hash) is copied again", Known.UnknownHash, Expected.Copy },
        { "a file whose destination moved is copied", Known.OtherDestination, Expected.Copy },
    };

    [Theory]
    [MemberData(nameof(Changes))]
    public void A_file_is_planned_by_what_the_instance_holds(string sentence, Known known, Expected expected)
    {
        _temp.Write("ctx/page.html", "<p>new</p>", Mtime);
        var source = Assert.Single(Scan(("page.html", "site", null)));
        var state = SyncState.Empty("instance");
        StateEntry same = Confirmed(source, "/app/site/page.html");
        StateEntry? entry = known switch
        {
            Known.Nothing => null,
            Known.Same => same,
            Known.SameStatWrongHash => same with { Hash = ContentHash.OfText("something else") },
            Known.MtimeMovedSameContent => same with { MtimeTicks = Mtime.AddSeconds(-10).Ticks },
            Known.MtimeMovedOtherContentSameSize => same with { MtimeTicks = Mtime.AddSeconds(-10).Ticks, Hash = ContentHash.OfText("<p>old</p>") },
            Known.OtherSize => same with { Size = same.Size + 1 },
            Known.OtherMode => same with { Mode = same.Mode | UnixFileMode.UserExecute },
            Known.UnknownHash => same with { Hash = StateEntry.UnknownHash },
            Known.OtherDestination => same with { Destinations = ["/app/old/page.html"] },
            _ => throw new ArgumentOutOfRangeException(nameof(known)),
        };
        if (entry is not null)
        {
            state.Entries["page.html"] = entry;
        }

        var plan = Planner.Plan([source], state, Workdir, resendAll: false, _log);

        Expected actual = plan.Copies.Count > 0 ? Expected.Copy : plan.Touched.Count > 0 ? Expected.Touched : Expected.Nothing;
        Assert.True(expected == actual, $"{sentence}: planned {actual}");
        Assert.True(plan.Copies.Count + plan.Touched.Count <= 1, sentence);
        if (actual == Expected.Copy)
        {
            var copy = Assert.Single(plan.Copies);
            Assert.Same(source, copy.Source);
            Assert.Equal([new Destination("/app/site/page.html", "/app/site")], copy.Destinations);
        }

        Assert.Equal(known == Known.OtherDestination ? ["/app/old/page.html"] : [], plan.Deletes);
        Assert.Equal("page.html", plan.SourcesByDestination["/app/site/page.html"]);
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public void A_touched_link_with_the_same_target_is_not_copied()
    {
        _temp.Write("ctx/real.txt", "x", Mtime);
        _temp.Link("ctx/alias.txt", "real.txt");
        var source = Scan(("alias.txt", "/srv", null)).Single(s => s.Kind == SourceKind.Symlink);
        var state = SyncState.Empty("instance");
        state.Entries["alias.txt"] = new StateEntry(source.Size, source.MtimeTicks - 1, ContentHash.OfText("real.txt"), source.Mode, "real.txt", ["/srv/alias.txt"]);

        var plan = Planner.Plan([source], state, Workdir, resendAll: false, _log);

        Assert.Empty(plan.Copies);
        Assert.Same(source, Assert.Single(plan.Touched));
    }

    [Fact]
    public void A_link_whose_target_changed_is_copied()
    {
        _temp.Write("ctx/real.txt", "x", Mtime);
        _temp.Link("ctx/alias.txt", "real.txt");
        var source = Scan(("alias.txt", "/srv", null)).Single();
        var state = SyncState.Empty("instance");
        state.Entries["alias.txt"] = new StateEntry(source.Size, source.MtimeTicks, ContentHash.OfText("old.txt"), source.Mode, "old.txt", ["/srv/alias.txt"]);

        var plan = Planner.Plan([source], state, Workdir, resendAll: false, _log);

        Assert.Same(source, Assert.Single(plan.Copies).Source);
    }

    [Fact]
    public void A_deleted_source_has_every_destination_deleted()
    {
        _temp.Write("ctx/kept.txt", "kept", Mtime);
        var kept = Assert.Single(Scan(("kept.txt", "/srv", null)));
        var state = SyncState.Empty("instance");
        state.Entries["kept.txt"] = Confirmed(kept, "/srv/kept.txt");
        state.Entries["gone.txt"] = new StateEntry(4, Mtime.Ticks, ContentHash.OfText("gone"), (UnixFileMode)0b110_100_100, null, ["/app/gone.txt", "/srv/gone.txt"]);

        var plan = Planner.Plan([kept], state, Workdir, resendAll: false, _log);

        Assert.Empty(plan.Copies);
        Assert.Equal(["/app/gone.txt", "/srv/gone.txt"], plan.Deletes);
        Assert.True(plan.HasWork);
    }

    [Fact]
    public void A_changed_rule_dest_copies_to_the_new_destination_and_deletes_the_old()
    {
        _temp.Write("ctx/wwwroot/site.css", "body{}", Mtime);
        var before = Assert.Single(Scan(("wwwroot/site.css", "static", "wwwroot/")));
        var state = SyncState.Empty("instance");
        state.Entries["wwwroot/site.css"] = Confirmed(before, "/app/static/site.css");
        var after = Assert.Single(Scan(("wwwroot/site.css", "public", "wwwroot/")));

        var plan = Planner.Plan([after], state, Workdir, resendAll: false, _log);

        var copy = Assert.Single(plan.Copies);
        Assert.Equal(["/app/public/site.css"], copy.Destinations.Select(d => d.Path));
        Assert.Equal(["/app/static/site.css"], plan.Deletes);
    }

    [Fact]
    public void A_new_working_directory_moves_relative_destinations()
    {
        _temp.Write("ctx/a.txt", "a", Mtime);
        var source = Assert.Single(Scan(("a.txt", "data", null)));
        var state = SyncState.Empty("instance");
        state.Entries["a.txt"] = Confirmed(source, "/app/data/a.txt");

        var plan = Planner.Plan([source], state, "/srv", resendAll: false, _log);

        Assert.Equal(["/srv/data/a.txt"], Assert.Single(plan.Copies).Destinations.Select(d => d.Path));
        Assert.Equal(["/app/data/a.txt"], plan.Deletes);
    }

    [Fact]
    public void Several_rules_give_several_sorted_destinations_each_with_its_rule_root()
    {
        _temp.Write("ctx/wwwroot/css/site.css", "body{}", Mtime);
        var source = Assert.Single(Scan(("wwwroot/css/site.css", "wwwroot", "wwwroot/"), ("wwwroot/css/site.css", "/srv/site", null)));

        var plan = Planner.Plan([source], SyncState.Empty("instance"), Workdir, resendAll: false, _log);

        Assert.Equal(
            [new Destination("/app/wwwroot/css/site.css", "/app/wwwroot"), new Destination("/srv/site/wwwroot/css/site.css", "/srv/site")],
            Assert.Single(plan.Copies).Destinations);
        Assert.Equal(source.Size * 2, plan.Bytes);
    }

    [Fact]
    public void Two_sources_for_one_destination_warn_and_the_first_by_path_owns_it()
    {
        _temp.Write("ctx/a/x.txt", "from a", Mtime);
        _temp.Write("ctx/b/x.txt", "from b", Mtime);
        _temp.Write("ctx/b/y.txt", "only b", Mtime);
        var sources = Scan(("b/x.txt", ".", "b/"), ("b/y.txt", ".", "b/"), ("a/x.txt", ".", "a/"));

        var plan = Planner.Plan(sources, SyncState.Empty("instance"), Workdir, resendAll: false, _log);

        Assert.Equal(["a/x.txt", "b/y.txt"], plan.Copies.Select(c => c.Source.RelativePath));
        Assert.Equal(["/app/x.txt"], plan.Copies[0].Destinations.Select(d => d.Path));
        Assert.Equal("a/x.txt", plan.SourcesByDestination["/app/x.txt"]);
        var warning = Assert.Single(_log.Warnings);
        Assert.Equal("FSYNC1010", warning.Code);
        Assert.Contains("'a/x.txt' and 'b/x.txt' both map to '/app/x.txt'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_losing_source_of_a_conflict_does_not_delete_the_winner()
    {
        _temp.Write("ctx/a/x.txt", "from a", Mtime);
        _temp.Write("ctx/b/x.txt", "from b", Mtime);
        var sources = Scan(("a/x.txt", ".", "a/"), ("b/x.txt", ".", "b/"));
        var state = SyncState.Empty("instance");
        state.Entries["a/x.txt"] = Confirmed(sources[0], "/app/x.txt");

        var plan = Planner.Plan(sources, state, Workdir, resendAll: false, _log);

        Assert.Empty(plan.Copies);
        Assert.Empty(plan.Deletes);
    }

    [Fact]
    public void Pending_deletes_are_retried_unless_a_source_owns_the_path_again()
    {
        _temp.Write("ctx/back.txt", "back", Mtime);
        var source = Assert.Single(Scan(("back.txt", "/srv", null)));
        var state = SyncState.Empty("instance");
        state.PendingDeletes.UnionWith(["/srv/old.txt", "/srv/back.txt", "/app/older.txt"]);

        var plan = Planner.Plan([source], state, Workdir, resendAll: false, _log);

        Assert.Equal(["/app/older.txt", "/srv/old.txt"], plan.Deletes);
        Assert.Same(source, Assert.Single(plan.Copies).Source);
    }

    [Fact]
    public void ResendAll_copies_everything_even_when_nothing_changed()
    {
        _temp.Write("ctx/a.txt", "a", Mtime);
        _temp.Write("ctx/b.txt", "b", Mtime);
        var sources = Scan(("a.txt", "/srv", null), ("b.txt", "/srv", null));
        var state = SyncState.Empty("instance");
        state.Entries["a.txt"] = Confirmed(sources[0], "/srv/a.txt");
        state.Entries["b.txt"] = Confirmed(sources[1], "/srv/b.txt");

        Assert.False(Planner.Plan(sources, state, Workdir, resendAll: false, _log).HasWork);
        var plan = Planner.Plan(sources, state, Workdir, resendAll: true, _log);

        Assert.Equal(["a.txt", "b.txt"], plan.Copies.Select(c => c.Source.RelativePath));
        Assert.Empty(plan.Deletes);
    }

    // sentence, rule Dest
    public static TheoryData<string, string> TooLong => new()
    {
        { "a destination of more than 4,096 bytes", "/" + string.Join('/', Enumerable.Repeat(new string('d', 200), 21)) },
        { "a destination folder name of 256 bytes", "/" + new string('d', 256) },
        { "a folder name of 128 two-byte characters (256 bytes)", "/" + string.Concat(Enumerable.Repeat("é", 128)) },
    };

    [Theory]
    [MemberData(nameof(TooLong))]
    public void A_destination_over_Linux_limits_is_an_error(string sentence, string dest)
    {
        var source = new SourceFile("a.txt", _temp.Combine("ctx/a.txt"), SourceKind.File) { Size = 1, MtimeTicks = Mtime.Ticks };
        source.Rules.Add(SyncRule.Create("a.txt", dest, null));

        var error = Assert.Throws<FileSyncException>(() => Planner.Plan([source], SyncState.Empty("instance"), Workdir, resendAll: false, _log));

        Assert.True(error.Diagnostic.Code == "FSYNC1009", sentence + ": " + error.Diagnostic);
    }

    [Fact]
    public void A_file_that_cannot_be_read_for_the_hash_is_copied_and_left_to_the_writer_to_report()
    {
        _temp.Write("ctx/a.txt", "a", Mtime);
        var source = Assert.Single(Scan(("a.txt", "/srv", null)));
        var state = SyncState.Empty("instance");
        state.Entries["a.txt"] = Confirmed(source, "/srv/a.txt") with { MtimeTicks = Mtime.AddSeconds(-1).Ticks };
        File.Delete(source.FullPath);

        var plan = Planner.Plan([source], state, Workdir, resendAll: false, _log);

        Assert.Same(source, Assert.Single(plan.Copies).Source);
        Assert.Empty(_log.Codes);
    }
}
