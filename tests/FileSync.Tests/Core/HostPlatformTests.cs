using System.Runtime.Versioning;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Rules;
using FileSync.Targets;
using FileSync.Watching;

namespace FileSync.Tests.Core;

/// <summary>
/// Windows and macOS semantics, on Linux: '\' separates names only on Windows (on Linux and macOS it is part of a
/// name); a Windows file has no Unix mode (0644, a rule's Mode overrides it); content, line endings included, is sent
/// byte for byte. The scanner is given the other host's <see cref="HostPaths"/>; files are real.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class HostPlatformTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;

    public HostPlatformTests()
    {
        _context = _temp.Folder("ctx");
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SyncItem Item(string relative, string dest = "t", string? strip = null, string? mode = null) =>
        new(relative, Path.Combine(_context, relative), dest, strip) { Mode = mode };

    private IReadOnlyList<SourceFile> Scan(HostPaths host, params SyncItem[] items) => new SourceScanner(_context, _log, host).Scan(items);

    private static string Destination(SourceFile source) => Assert.Single(source.Rules).MapDestination(source.RelativePath, "/app");

    [Fact]
    public void A_backslash_in_an_item_path_is_a_folder_on_Windows_and_a_name_elsewhere()
    {
        _temp.Write("ctx/css\\site.css", "body{}"); // on this Linux host one file, named with a backslash

        SourceFile windows = Assert.Single(Scan(HostPaths.Windows, Item("css\\site.css")));
        SourceFile unix = Assert.Single(Scan(HostPaths.Unix, Item("css\\site.css")));

        Assert.Equal(("css/site.css", "/app/t/css/site.css"), (windows.RelativePath, Destination(windows)));
        Assert.Equal(("css\\site.css", "/app/t/css\\site.css"), (unix.RelativePath, Destination(unix)));
    }

    [Fact]
    public void A_backslash_in_Dest_or_Strip_is_a_separator_on_Windows_and_a_name_elsewhere()
    {
        // %(RecursiveDir) on Windows ends in '\': Dest="www\%(RecursiveDir)", Strip="site\".
        SyncRule windows = SyncRule.Create("site\\css\\a.css", "www\\css\\", "site\\", HostPaths.Windows);
        SyncRule unix = SyncRule.Create("site/a\\b.css", "www\\x", null, HostPaths.Unix);

        Assert.Equal("/app/www/css/css/a.css", windows.MapDestination("site/css/a.css", "/app"));
        Assert.Equal("/app/www\\x/site/a\\b.css", unix.MapDestination("site/a\\b.css", "/app"));
        Assert.Equal("FSYNC1002", Assert.Throws<FileSyncException>(() => SyncRule.Create("a", "x\\..\\..\\etc", null, HostPaths.Windows)).Diagnostic.Code);
    }

    [Fact]
    public void Windows_files_get_0644_and_Unix_files_keep_their_mode_the_executable_bit_included()
    {
        File.SetUnixFileMode(_temp.Write("ctx/run.sh", "#!/bin/sh\n"), (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(_temp.Write("ctx/secret.txt", "s"), (UnixFileMode)0b110_000_000);

        Assert.Equal([(UnixFileMode)0b110_100_100, (UnixFileMode)0b110_100_100], Scan(HostPaths.Windows, Item("run.sh"), Item("secret.txt")).Select(s => s.Mode));
        Assert.Equal([(UnixFileMode)0b111_101_101, (UnixFileMode)0b110_000_000], Scan(HostPaths.Unix, Item("run.sh"), Item("secret.txt")).Select(s => s.Mode));
    }

    [Theory]
    [InlineData("0755", 0b111_101_101)]
    [InlineData("755", 0b111_101_101)]
    [InlineData(" 0600 ", 0b110_000_000)]
    [InlineData("000", 0)]
    public void A_rules_Mode_replaces_the_files_own_on_every_host(string mode, int expected)
    {
        _temp.Write("ctx/tool", "x");

        Assert.Equal((UnixFileMode)expected, Assert.Single(Scan(HostPaths.Windows, Item("tool", mode: mode))).Mode);
        Assert.Equal((UnixFileMode)expected, Assert.Single(Scan(HostPaths.Unix, Item("tool", mode: mode))).Mode);
    }

    [Theory]
    [InlineData("rwxr-xr-x")]
    [InlineData("0x1ed")]
    [InlineData("789")]
    [InlineData("75")]
    [InlineData("4755")]
    [InlineData("01755")]
    [InlineData("00755")]
    [InlineData("-644")]
    public void A_Mode_that_is_not_three_octal_permission_digits_is_FSYNC1050_naming_rule_and_value(string mode)
    {
        _temp.Write("ctx/tool", "x");

        var error = Assert.Throws<FileSyncException>(() => Scan(HostPaths.Unix, Item("tool", mode: mode)));

        Assert.Equal("FSYNC1050", error.Diagnostic.Code);
        Assert.Contains("FileSyncRule 'tool'", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains($"Mode '{mode}'", error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_giving_one_file_different_Modes_are_FSYNC1051_and_a_rule_without_Mode_does_not_count()
    {
        _temp.Write("ctx/tool", "x");

        var error = Assert.Throws<FileSyncException>(() => Scan(HostPaths.Unix, Item("tool", mode: "0755"), Item("tool", dest: "u", mode: "644")));
        SourceFile agreed = Assert.Single(Scan(HostPaths.Unix, Item("tool", mode: "0700"), Item("tool", dest: "u")));

        Assert.Equal("FSYNC1051", error.Diagnostic.Code);
        Assert.Contains(Path.Combine(_context, "tool"), error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("0755, 0644", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal(((UnixFileMode)0b111_000_000, 2), (agreed.Mode, agreed.Rules.Count));
    }

    [Fact]
    public void A_link_keeps_its_own_mode_whatever_the_rules_Mode()
    {
        _temp.Write("ctx/a.txt", "a");
        File.CreateSymbolicLink(Path.Combine(_context, "alias.txt"), "a.txt");

        SourceFile link = Assert.Single(Scan(HostPaths.Unix, Item("alias.txt", mode: "0600")));

        Assert.Equal((SourceKind.Symlink, (UnixFileMode)0b111_111_111), (link.Kind, link.Mode));
    }

    [Fact]
    public async Task Line_endings_and_a_rules_Mode_reach_the_target_as_they_are()
    {
        byte[] crlf = "line one\r\nline two\r\n\r\nno newline at the end\r"u8.ToArray();
        _temp.Write("ctx/win.txt", crlf);
        _temp.Write("ctx/lf.sh", "#!/bin/sh\necho hi\n");
        string root = _temp.Folder("root");
        var target = new DirectoryTarget(root, "/app", null);

        await new Syncer(_log).SyncOneAsync(Scan(HostPaths.Windows, Item("win.txt"), Item("lf.sh", mode: "0755")), target, new SyncOptions(_temp.Combine("state")), Ct);

        Assert.Equal(crlf, File.ReadAllBytes(Path.Combine(root, "app/t/win.txt")));
        Assert.Equal("#!/bin/sh\necho hi\n"u8.ToArray(), File.ReadAllBytes(Path.Combine(root, "app/t/lf.sh")));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Path.Combine(root, "app/t/win.txt")));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(root, "app/t/lf.sh")));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Combine(root, "app/t")));
    }

    [Fact]
    public void A_file_FileSyncWatch_sees_created_gets_its_rules_Mode()
    {
        var rules = new WatchRules([new WatchRule("tools/*", [], [], "/opt", null) { Mode = "0750" }, new WatchRule("**/*", [], [], "/all", null)], _context);

        SyncItem[] items = [.. rules.Match(Path.Combine(_context, "tools", "new"))];

        Assert.Equal([("/opt", "0750"), ("/all", null)], items.Select(item => (item.Dest, item.Mode)));
    }
}
