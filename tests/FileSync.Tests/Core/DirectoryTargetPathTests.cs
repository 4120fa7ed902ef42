using System.Runtime.Versioning;
using FileSync.Diagnostics;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>
/// The directory target's answers about paths (lstat, rm -f, rmdir) and rooted uploads: links are never
/// followed, and a path whose kind changed converges instead of failing forever.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DirectoryTargetPathTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _root;

    public DirectoryTargetPathTests()
    {
        _root = _temp.Folder("root");
        _temp.Write("outside/victim.txt", "keep");
        _temp.Write("root/app/a.txt", "a");
        _temp.Folder("root/app/data/inner");
        _temp.Link("root/app/to-file", "a.txt");
        _temp.Link("root/app/to-data", "data");
        _temp.Link("root/app/out", _temp.Combine("outside"));
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DirectoryTarget Target() => new(_root, "/app", null);

    private string Under(string relative) => _temp.Combine("root/" + relative);

    // sentence, path, what lstat finds
    public static TheoryData<string, string, string> Kinds => new()
    {
        { "the root", "/", nameof(PathKind.Folder) },
        { "a file", "/app/a.txt", nameof(PathKind.File) },
        { "a folder", "/app/data", nameof(PathKind.Folder) },
        { "a link to a file is a link", "/app/to-file", nameof(PathKind.Link) },
        { "a link to a folder is a link", "/app/to-data", nameof(PathKind.Link) },
        { "nothing", "/app/missing.txt", nameof(PathKind.Missing) },
        { "below nothing", "/nowhere/at/all.txt", nameof(PathKind.Missing) },
        { "below a file", "/app/a.txt/inner", nameof(PathKind.Missing) },
        { "through a link inside is not inside", "/app/to-data/inner", nameof(PathKind.Missing) },
        { "through a link to outside is not inside", "/app/out/victim.txt", nameof(PathKind.Missing) },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task StatAsync_reports_what_is_there_without_following_links(string sentence, string path, string expected)
    {
        Assert.True(expected == (await Target().StatAsync(path, Ct)).ToString(), sentence);
    }

    [Fact]
    public async Task StatAsync_tells_a_fifo_from_a_file()
    {
        Assert.True(MkFifo(Under("app/fifo")));

        Assert.Equal(PathKind.Other, await Target().StatAsync("/app/fifo", Ct));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int mkfifo(string path, int mode);

    private static bool MkFifo(string path) => mkfifo(path, 0b110_000_000) == 0;

    [Fact]
    public async Task StatAsync_fails_with_FSYNC4007_naming_a_path_it_cannot_examine()
    {
        string tooLong = "/app/" + new string('n', 300); // ENAMETOOLONG: a genuine failure even for root

        var error = await Assert.ThrowsAsync<FileSyncException>(() => Target().StatAsync(tooLong, Ct));

        Assert.True(error.Diagnostic.Code == "FSYNC4007", error.Diagnostic.ToString());
        Assert.Contains(new string('n', 300), error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteAsync_deletes_links_themselves_and_never_through_them()
    {
        var failed = await Target().DeleteAsync(["/app/to-file", "/app/out/victim.txt", "/app/to-data/inner"], Ct);

        Assert.Empty(failed);
        Assert.Equal(PathKind.Missing, await Target().StatAsync("/app/to-file", Ct));
        Assert.Equal("a", File.ReadAllText(Under("app/a.txt")));
        Assert.Equal("keep", File.ReadAllText(_temp.Combine("outside/victim.txt")));
        Assert.True(Directory.Exists(Under("app/data/inner")));
    }

    [Fact]
    public async Task DeleteAsync_converges_when_the_file_became_a_folder_or_its_folder_a_file()
    {
        // Synced as files before: app/data (now a folder holding someone's things), app/a.txt/old (now below a file).
        var failed = await Target().DeleteAsync(["/app/data", "/app/a.txt/old"], Ct);

        Assert.Empty(failed); // nothing of ours is left at either path: not pending forever
        Assert.True(Directory.Exists(Under("app/data/inner"))); // a folder is never deleted by a file's delete
        Assert.Equal("a", File.ReadAllText(Under("app/a.txt")));
    }

    [Fact]
    public async Task RemoveFoldersAsync_removes_empty_folders_only_and_returns_the_others()
    {
        _temp.Folder("root/app/empty/deeper");
        _temp.Write("root/app/full/theirs.txt", "theirs");

        var kept = await Target().RemoveFoldersAsync(["/app/empty/deeper", "/app/empty", "/app/full", "/app/gone", "/app/to-data", "/app/out/sub"], Ct);

        Assert.Equal(["/app/full"], kept);
        Assert.False(Directory.Exists(Under("app/empty")));
        Assert.Equal("theirs", File.ReadAllText(Under("app/full/theirs.txt")));
        Assert.Equal("data", new FileInfo(Under("app/to-data")).LinkTarget); // a link is not a folder to remove
        Assert.True(Directory.Exists(Under("app/data/inner")));
    }

    [Fact(Timeout = 60_000)]
    public async Task UploadAsync_names_entries_relative_to_its_root()
    {
        await Target().UploadAsync("/app/data", TestArchive.Of(TestArchive.File("inner/new.txt", "new"), TestArchive.Folder("./", (UnixFileMode)0b111_111_111)), Ct);

        Assert.Equal("new", File.ReadAllText(Under("app/data/inner/new.txt")));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Under("app/data"))); // the root's own entry changes nothing
    }

    // sentence, upload root, code
    public static TheoryData<string, string, string> BadRoots => new()
    {
        { "a missing root", "/app/missing", "FSYNC4006" },
        { "a file as the root", "/app/a.txt", "FSYNC4006" },
        { "a link as the root", "/app/out", "FSYNC4005" },
        { "a root climbing out", "/app/../..", "FSYNC4002" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(BadRoots))]
    public async Task UploadAsync_refuses_a_root_that_is_no_folder_inside(string sentence, string root, string code)
    {
        var error = await Assert.ThrowsAsync<FileSyncException>(() => Target().UploadAsync(root, TestArchive.Of(TestArchive.File("victim.txt", "pwned")), Ct));

        Assert.True(error.Diagnostic.Code == code, sentence + ": " + error.Diagnostic);
        Assert.Equal("keep", File.ReadAllText(_temp.Combine("outside/victim.txt")));
        Assert.False(Directory.Exists(Under("app/missing")));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_file_replaced_by_a_folder_and_back_converges_in_the_order_the_planner_sends()
    {
        DirectoryTarget target = Target();

        // a.txt was a synced file; the sources now hold a folder a.txt/inner: delete first, then send.
        Assert.Empty(await target.DeleteAsync(["/app/a.txt"], Ct));
        await target.UploadAsync("/app", TestArchive.Of(TestArchive.Folder("a.txt", (UnixFileMode)0b111_101_101), TestArchive.File("a.txt/inner", "inner")), Ct);
        Assert.Equal(nameof(PathKind.Folder), (await target.StatAsync("/app/a.txt", Ct)).ToString());
        Assert.Equal("inner", File.ReadAllText(Under("app/a.txt/inner")));

        // and back: the file below goes, then the folder FileSync made, then the file is sent.
        Assert.Empty(await target.DeleteAsync(["/app/a.txt/inner"], Ct));
        Assert.Empty(await target.RemoveFoldersAsync(["/app/a.txt"], Ct));
        await target.UploadAsync("/app", TestArchive.Of(TestArchive.File("a.txt", "file again")), Ct);
        Assert.Equal("file again", File.ReadAllText(Under("app/a.txt")));
    }
}
