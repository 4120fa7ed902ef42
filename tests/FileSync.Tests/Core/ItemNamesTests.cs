using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Tests.Infrastructure;

namespace FileSync.Tests.Core;

/// <summary>
/// Names MSBuild's wildcards mangle on Unix, as the scanner receives them: a '\' turned into '/', invalid UTF-8
/// decoded to U+FFFD, a glob left unexpanded because a folder below it has a '\' or a path is past 4,096 bytes.
/// (What MSBuild does was checked with dotnet msbuild; BackslashNamesTests runs it for real.)
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ItemNamesTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;

    public ItemNamesTests()
    {
        _context = _temp.Folder("ctx");
    }

    public void Dispose()
    {
        _temp.Dispose();
    }

    /// <summary>The item MSBuild makes of a globbed file: every '\' of its name turned into '/'.</summary>
    private SyncItem AsMSBuildGlobsIt(string relative)
    {
        string spec = relative.Replace('\\', '/');
        return new SyncItem(spec, Path.Combine(_context, spec), "/app", null);
    }

    private IReadOnlyList<SourceFile> Scan(params SyncItem[] items) => new SourceScanner(_context, _log).Scan(items);

    [Fact]
    public void Backslashes_that_MSBuild_turned_into_slashes_are_found_again_byte_exact()
    {
        _temp.Write("ctx/tree/a\\b.txt", "one");
        _temp.Write("ctx/tree/c/d\\e.txt", "two");
        _temp.Write("ctx/tree/x\\y\\z.txt", "three");
        _temp.Write("ctx/tree/plain.txt", "four");

        var sources = Scan(AsMSBuildGlobsIt("tree/a\\b.txt"), AsMSBuildGlobsIt("tree/c/d\\e.txt"), AsMSBuildGlobsIt("tree/x\\y\\z.txt"), AsMSBuildGlobsIt("tree/plain.txt"));

        Assert.Equal(["tree/a\\b.txt", "tree/c/d\\e.txt", "tree/plain.txt", "tree/x\\y\\z.txt"], sources.Select(s => s.RelativePath));
        Assert.Equal(_temp.Combine("ctx/tree/a\\b.txt"), sources[0].FullPath);
        Assert.Equal(3, sources[0].Size);
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public void A_name_that_is_not_valid_UTF8_is_named_in_a_warning_not_dropped_silently()
    {
        byte[] name = [.. Encoding.UTF8.GetBytes(_temp.Combine("ctx/bad")), 0xFF, .. ".txt"u8, 0];
        int fd = creat(name, 0b110_100_100);
        Assert.True(fd >= 0, "could not create the test file");
        _ = close(fd);
        string decoded = Assert.Single(Directory.GetFiles(_context)); // .NET decodes it as MSBuild does: U+FFFD

        try
        {
            var sources = Scan(new SyncItem("bad\uFFFD.txt", decoded, "/app", null));

            Assert.Empty(sources);
            Assert.Equal(["FSYNC1015"], _log.Codes);
            Assert.Equal(decoded, _log.Warnings[0].File);
        }
        finally
        {
            _ = unlink(name); // .NET cannot name it to delete it
        }
    }

    [Fact]
    public void A_glob_left_unexpanded_because_of_a_folder_with_a_backslash_names_the_folder()
    {
        _temp.Write("ctx/tree/ok.txt", "ok");
        _temp.Write("ctx/tree/dir\\x/in.txt", "in");

        var error = Assert.Throws<FileSyncException>(() => Scan(new SyncItem("tree/**/*", Path.Combine(_context, "tree/**/*"), "/app", null)));

        Assert.Equal("FSYNC1016", error.Diagnostic.Code);
        Assert.Contains(_temp.Combine("ctx/tree/dir\\x"), error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_glob_left_unexpanded_because_of_a_path_past_the_host_limit_names_its_prefix_and_length()
    {
        _temp.Write("ctx/tree/ok.txt", "ok");
        string deep = DeepTree.Create(_temp.Combine("ctx/tree"), 4200);
        try
        {
            var error = Assert.Throws<FileSyncException>(() => Scan(new SyncItem("tree/**/*", Path.Combine(_context, "tree/**/*"), "/app", null)));

            Assert.Equal("FSYNC1017", error.Diagnostic.Code);
            Assert.Contains(_temp.Combine("ctx/tree/ddd"), error.Diagnostic.Message, StringComparison.Ordinal);
            Assert.Matches(@"is 4\d{3} bytes long", error.Diagnostic.Message);
        }
        finally
        {
            DeepTree.Remove(deep);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int creat(byte[] path, int mode);

    [DllImport("libc")]
    private static extern int close(int fd);

    [DllImport("libc")]
    private static extern int unlink(byte[] path);
}

/// <summary>An item (no wildcard) whose path is past the host's limit: a coded error naming it, never a stack trace.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class LongItemPathTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_file_whose_path_is_past_the_host_limit_is_named_with_its_length()
    {
        string deep = DeepTree.Create(_temp.Combine("ctx/tree"), 4200, out string file);
        try
        {
            var item = new SyncItem(Path.GetRelativePath(_temp.Combine("ctx"), file), file, "/app", null);

            var error = Assert.Throws<FileSyncException>(() => new SourceScanner(_temp.Combine("ctx"), _log).Scan([item]));

            Assert.Equal("FSYNC1018", error.Diagnostic.Code);
            Assert.Matches(@"is 4\d{3} bytes long", error.Diagnostic.Message);
        }
        finally
        {
            DeepTree.Remove(deep);
        }
    }
}
