using System.Runtime.Versioning;
using FileSync.Diagnostics;
using FileSync.Planning;

namespace FileSync.Tests.Core;

/// <summary>The scanner against real folders: what it maps, what it refuses, and the codes it reports.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class SourceScannerTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;

    public SourceScannerTests()
    {
        _context = _temp.Folder("ctx");
    }

    public void Dispose() => _temp.Dispose();

    private SyncItem Item(string relativeToTemp, string dest = "/app", string? strip = null, string? itemSpec = null) =>
        new(itemSpec ?? relativeToTemp, _temp.Combine(relativeToTemp), dest, strip);

    private IReadOnlyList<SourceFile> Scan(params SyncItem[] items) => new SourceScanner(_context, _log).Scan(items);

    [Fact]
    public void Files_map_to_slash_separated_paths_relative_to_the_context_with_their_stat()
    {
        var mtime = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        _temp.Write("ctx/b.txt", "bb");
        _temp.Write("ctx/wwwroot/css/site.css", "body{}", mtime);
        File.SetUnixFileMode(_temp.Write("ctx/run.sh", "#!/bin/sh\n"), (UnixFileMode)0b111_101_101);

        var sources = Scan(Item("ctx/wwwroot/css/site.css"), Item("ctx/b.txt"), Item("ctx/run.sh"));

        Assert.Equal(["b.txt", "run.sh", "wwwroot/css/site.css"], sources.Select(s => s.RelativePath));
        SourceFile css = sources[2];
        Assert.Equal(SourceKind.File, css.Kind);
        Assert.Equal(_temp.Combine("ctx/wwwroot/css/site.css"), css.FullPath);
        Assert.Equal(6, css.Size);
        Assert.Equal(mtime.Ticks, css.MtimeTicks);
        Assert.Null(css.LinkTarget);
        Assert.Equal((UnixFileMode)0b111_101_101, sources[1].Mode);
        Assert.Empty(_log.Codes);
    }

    // sentence, path relative to the temp folder (the context is 'ctx')
    public static TheoryData<string, string> Outside => new()
    {
        { "a file beside the context", "other.txt" },
        { "a file in a sibling folder whose name starts like the context's", "ctx2/a.txt" },
        { "a path that climbs out with '..'", "ctx/sub/../../other.txt" },
        { "the context folder itself", "ctx" },
    };

    [Theory]
    [MemberData(nameof(Outside))]
    public void A_file_outside_the_context_is_an_error(string sentence, string path)
    {
        _temp.Write("other.txt", "x");
        _temp.Write("ctx2/a.txt", "x");

        var error = Assert.Throws<FileSyncException>(() => Scan(Item(path)));

        Assert.True(error.Diagnostic.Code == "FSYNC1005", sentence + ": " + error.Diagnostic);
    }

    [Fact]
    public void A_backslash_in_a_Linux_file_name_is_part_of_the_name()
    {
        _temp.Write("ctx/data/back\\slash.txt", "x");

        var source = Assert.Single(Scan(Item("ctx/data/back\\slash.txt")));

        Assert.Equal("data/back\\slash.txt", source.RelativePath);
    }

    [Fact]
    public void A_missing_file_is_simply_absent()
    {
        _temp.Write("ctx/here.txt", "x");

        var sources = Scan(Item("ctx/gone.txt"), Item("ctx/here.txt"), Item("ctx/no/such/folder/f.txt"));

        Assert.Equal(["here.txt"], sources.Select(s => s.RelativePath));
        Assert.Empty(_log.Codes);
    }

    // sentence, the item spec MSBuild left unexpanded
    public static TheoryData<string, string> Unexpanded => new()
    {
        { "a '**' pattern over a missing folder", "wwwroot/**/*.css" },
        { "a '*' pattern", "*.json" },
        { "a '?' pattern", "file?.txt" },
    };

    [Theory]
    [MemberData(nameof(Unexpanded))]
    public void An_item_still_holding_a_wildcard_is_a_glob_MSBuild_could_not_expand(string sentence, string spec)
    {
        var error = Assert.Throws<FileSyncException>(() => Scan(new SyncItem(spec, Path.Combine(_context, spec), "/app", null)));

        Assert.True(error.Diagnostic.Code == "FSYNC1004", sentence + ": " + error.Diagnostic);
        Assert.Contains(spec, error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_item_is_a_warning_and_absent()
    {
        _temp.Folder("ctx/wwwroot");

        var sources = Scan(Item("ctx/wwwroot", itemSpec: "wwwroot"));

        Assert.Empty(sources);
        Assert.Equal(["FSYNC1011"], _log.Codes);
        Assert.Contains("wwwroot", _log.Warnings[0].Message, StringComparison.Ordinal);
    }

    // sentence, where the link is (relative to temp), its text ("{ctx}" stands for the context's full path), expected LinkTarget
    public static TheoryData<string, string, string, string> InsideLinks => new()
    {
        { "a relative link in the same folder", "ctx/data/alias.txt", "real.txt", "real.txt" },
        { "a relative link to another folder", "ctx/links/alias.txt", "../data/real.txt", "../data/real.txt" },
        { "an absolute link is rewritten relative to its folder", "ctx/links/deep/alias.txt", "{ctx}/data/real.txt", "../../data/real.txt" },
        { "a link to a link inside ends at the real file", "ctx/links/second.txt", "../data/first.txt", "../data/real.txt" },
    };

    [Theory]
    [MemberData(nameof(InsideLinks))]
    public void A_link_to_a_file_inside_the_context_is_a_symlink_with_a_relative_target(string sentence, string link, string text, string expected)
    {
        _temp.Write("ctx/data/real.txt", "content");
        _temp.Link("ctx/data/first.txt", "real.txt");
        _temp.Link(link, text.Replace("{ctx}", _context, StringComparison.Ordinal));

        var source = Assert.Single(Scan(Item(link)));

        Assert.Equal(SourceKind.Symlink, source.Kind);
        Assert.Equal(link["ctx/".Length..], source.RelativePath);
        Assert.True(expected == source.LinkTarget, $"{sentence}: got {source.LinkTarget}");
        Assert.Empty(_log.Codes);
    }

    // sentence, the link's text ("{temp}" stands for the temp folder that holds the context)
    public static TheoryData<string, string> OutsideLinks => new()
    {
        { "a link to /etc/passwd", "/etc/passwd" },
        { "a relative link that climbs out of the context", "../../outside/secret.txt" },
        { "a link to a link that leads out", "hop.txt" },
        { "a link into a sibling folder whose name starts like the context's", "{temp}/ctx2/a.txt" },
    };

    [Theory]
    [MemberData(nameof(OutsideLinks))]
    public void A_link_leading_outside_the_context_is_refused(string sentence, string text)
    {
        _temp.Write("outside/secret.txt", "secret");
        _temp.Write("ctx2/a.txt", "secret");
        _temp.Link("ctx/data/hop.txt", "/etc/passwd");
        _temp.Link("ctx/data/link.txt", text.Replace("{temp}", _temp.Path, StringComparison.Ordinal));

        var sources = Scan(Item("ctx/data/link.txt"));

        Assert.True(sources.Count == 0, sentence);
        Assert.Equal(["FSYNC1006"], _log.Codes);
        Assert.Equal(_temp.Combine("ctx/data/link.txt"), _log.Warnings[0].File);
    }

    [Fact]
    public void A_file_below_a_linked_folder_that_leads_outside_is_refused()
    {
        _temp.Write("outside/secret.txt", "secret");
        _temp.Write("ctx/fine.txt", "fine");
        Directory.CreateSymbolicLink(_temp.Combine("ctx/out"), _temp.Combine("outside"));

        var sources = Scan(Item("ctx/out/secret.txt"), Item("ctx/fine.txt"));

        Assert.Equal(["fine.txt"], sources.Select(s => s.RelativePath));
        Assert.Equal(["FSYNC1006"], _log.Codes);
    }

    [Fact]
    public void A_file_below_a_deeper_linked_folder_that_leads_outside_is_refused()
    {
        _temp.Write("outside/nested/secret.txt", "secret");
        _temp.Folder("ctx/a");
        Directory.CreateSymbolicLink(_temp.Combine("ctx/a/b"), _temp.Combine("outside"));

        var sources = Scan(Item("ctx/a/b/nested/secret.txt"));

        Assert.Empty(sources);
        Assert.Equal(["FSYNC1006"], _log.Codes);
    }

    [Fact]
    public void A_file_below_a_linked_folder_that_stays_inside_is_a_file()
    {
        _temp.Write("ctx/real/page.html", "<p/>");
        Directory.CreateSymbolicLink(_temp.Combine("ctx/alias"), "real");

        var source = Assert.Single(Scan(Item("ctx/alias/page.html")));

        Assert.Equal("alias/page.html", source.RelativePath);
        Assert.Equal(SourceKind.File, source.Kind);
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public void A_context_reached_through_a_link_still_takes_inside_links()
    {
        _temp.Write("ctx/data/real.txt", "content");
        _temp.Link("ctx/data/alias.txt", "real.txt");
        Directory.CreateSymbolicLink(_temp.Combine("ctxlink"), _context);

        var source = Assert.Single(new SourceScanner(_temp.Combine("ctxlink"), _log).Scan([new SyncItem("data/alias.txt", _temp.Combine("ctxlink/data/alias.txt"), "/app", null)]));

        Assert.Equal(SourceKind.Symlink, source.Kind);
        Assert.Equal("real.txt", source.LinkTarget);
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public void Several_items_with_different_rules_for_one_file_give_one_source_with_several_rules()
    {
        _temp.Write("ctx/wwwroot/index.html", "<html/>");
        _temp.Write("ctx/wwwroot/other.html", "<html/>");

        var sources = Scan(
            Item("ctx/wwwroot/index.html", "wwwroot", "wwwroot/"),
            Item("ctx/wwwroot/index.html", "/srv/site"),
            Item("ctx/wwwroot/other.html", "wwwroot", "wwwroot/"),
            Item("ctx/wwwroot/index.html", "wwwroot", "wwwroot/"));

        Assert.Equal(["wwwroot/index.html", "wwwroot/other.html"], sources.Select(s => s.RelativePath));
        Assert.Equal([("wwwroot", "wwwroot/"), ("/srv/site", "")], sources[0].Rules.Select(r => (r.Dest, r.Strip)));
        Assert.Same(sources[0].Rules[0], sources[1].Rules.Single());
    }

    [Fact]
    public void A_bad_rule_fails_the_scan_even_for_a_missing_file()
    {
        var error = Assert.Throws<FileSyncException>(() => Scan(Item("ctx/gone.txt", dest: "../etc")));

        Assert.Equal("FSYNC1002", error.Diagnostic.Code);
    }
}
