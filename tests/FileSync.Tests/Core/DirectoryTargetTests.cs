using System.Formats.Tar;
using System.Runtime.Versioning;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>The folder that stands for a container's '/': what it writes, where, and what it refuses.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class DirectoryTargetTests : IDisposable
{
    private static readonly DateTime Mtime = new(2022, 2, 3, 4, 5, 6, DateTimeKind.Utc);

    private readonly TempFolder _temp = new();
    private readonly string _root;

    public DirectoryTargetTests()
    {
        _root = _temp.Folder("root");
        _temp.Write("outside/victim.txt", "keep");
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DirectoryTarget Target(FileOwner? owner = null) => new(_root, "/app", owner);

    private string Under(string relative) => _temp.Combine("root/" + relative);

    [Fact]
    public void A_missing_folder_is_an_error()
    {
        var error = Assert.Throws<FileSyncException>(() => new DirectoryTarget(_temp.Combine("nowhere"), null, null));

        Assert.Equal("FSYNC4001", error.Diagnostic.Code);
    }

    [Fact]
    public void It_describes_itself()
    {
        DirectoryTarget target = Target();

        Assert.Equal("directory", target.Kind);
        Assert.Equal(_root, target.DisplayName);
        Assert.Equal("/app", target.WorkingDirectory);
        Assert.StartsWith("dir:", target.InstanceId, StringComparison.Ordinal);
    }

    // sentence, entry name, expected path relative to the root
    public static TheoryData<string, string, string> SafeNames => new()
    {
        { "a relative name lands below the root", "app/a.txt", "app/a.txt" },
        { "an absolute name is re-rooted", "/etc/passwd", "etc/passwd" },
        { "doubled slashes are folded", "//app//a.txt", "app/a.txt" },
        { "a name that merely starts with dots is fine", "app/..hidden", "app/..hidden" },
        { "a '.' name is dropped", "./app/./a.txt", "app/a.txt" },
        { "a backslash is a name's own byte, as in the container", "app\\..\\x.txt", "app\\..\\x.txt" },
        { "a newline is a name's own byte (its PAX record is cut by length, not at the newline)", "app/new\nline.txt", "app/new\nline.txt" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(SafeNames))]
    public async Task An_entry_name_lands_below_the_root(string sentence, string entry, string expected)
    {
        await Target().UploadAsync("/", TestArchive.Of(TestArchive.File(entry, "x")), Ct);

        Assert.True(File.Exists(Under(expected)), sentence);
        Assert.Equal("x", File.ReadAllText(Under(expected)));
    }

    // sentence, entry name
    public static TheoryData<string, string> UnsafeNames => new()
    {
        { "'..' at the start", "../outside/victim.txt" },
        { "'..' climbing out from inside", "app/../../outside/victim.txt" },
        { "'..' at the end", "app/.." },
        { "an absolute name climbing out", "/../outside/victim.txt" },
        { "the root itself as a file", "/" },
        { "'.' as a file", "./" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(UnsafeNames))]
    public async Task An_entry_name_that_climbs_out_is_refused(string sentence, string entry)
    {
        var error = await Assert.ThrowsAsync<FileSyncException>(() => Target().UploadAsync("/", TestArchive.Of(TestArchive.File(entry, "pwned")), Ct));

        Assert.True(error.Diagnostic.Code == "FSYNC4002", sentence + ": " + error.Diagnostic);
        Assert.Equal("keep", File.ReadAllText(_temp.Combine("outside/victim.txt")));
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    // sentence, linked folder below the root, the link's text ("{temp}" is the temp folder), entry written through it
    public static TheoryData<string, string, string, string> OutsideLinks => new()
    {
        { "an absolute link to a folder outside", "evil", "{temp}/outside", "evil/victim.txt" },
        { "a relative link that climbs out", "app/evil", "../../outside", "app/evil/victim.txt" },
        { "a link to the host's '/'", "app/slash", "/", "app/slash/tmp/x.txt" },
        { "a link deeper in the path", "app/evil", "{temp}/outside", "app/evil/sub/deeper/x.txt" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(OutsideLinks))]
    public async Task A_linked_parent_folder_leading_outside_is_refused_naming_it(string sentence, string link, string text, string entry)
    {
        _temp.Folder("outside/sub");
        _temp.Folder("root/app");
        Directory.CreateSymbolicLink(Under(link), text.Replace("{temp}", _temp.Path, StringComparison.Ordinal));

        var error = await Assert.ThrowsAsync<FileSyncException>(() => Target().UploadAsync("/", TestArchive.Of(TestArchive.File(entry, "pwned"u8.ToArray())), Ct));

        Assert.True(error.Diagnostic.Code == "FSYNC4005", sentence + ": " + error.Diagnostic);
        Assert.Contains("'/" + entry + "'", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("'/" + link + "'", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal("keep", File.ReadAllText(_temp.Combine("outside/victim.txt")));
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Combine("outside/sub")));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_uploaded_archive_lands_byte_exact_with_modes_and_times()
    {
        byte[] big = new byte[3 * 1024 * 1024 + 17];
        new Random(7).NextBytes(big);
        var folder = new PaxTarEntry(TarEntryType.Directory, "app/private") { Mode = (UnixFileMode)0b111_000_000, ModificationTime = Mtime };

        await Target().UploadAsync("/", 
            TestArchive.Of(
                folder,
                TestArchive.File("app/private/big.bin", big),
                TestArchive.File("app/run.sh", "#!/bin/sh\n"u8.ToArray(), (UnixFileMode)0b111_101_000),
                TestArchive.File("/app/empty.txt", []),
                TestArchive.Link("app/alias.sh", "run.sh")),
            Ct);

        Assert.True(big.AsSpan().SequenceEqual(File.ReadAllBytes(Under("app/private/big.bin"))));
        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Under("app/private/big.bin")));
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(Under("app/private")));
        Assert.Equal((UnixFileMode)0b111_101_000, File.GetUnixFileMode(Under("app/run.sh")));
        Assert.Equal(Mtime, File.GetLastWriteTimeUtc(Under("app/run.sh")));
        Assert.Empty(File.ReadAllBytes(Under("app/empty.txt")));
        Assert.Equal("run.sh", new FileInfo(Under("app/alias.sh")).LinkTarget);
        Assert.Equal(["alias.sh", "empty.txt", "private", "run.sh"], Directory.GetFileSystemEntries(Under("app")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_existing_link_at_a_destination_is_replaced_not_written_through()
    {
        _temp.Link("root/app/config.json", _temp.Combine("outside/victim.txt"));
        _temp.Link("root/app/other.json", _temp.Combine("outside/victim.txt"));
        _temp.Write("root/app/plain.txt", "old");

        await Target().UploadAsync("/", TestArchive.Of(TestArchive.File("app/config.json", "new"u8.ToArray()), TestArchive.Link("app/other.json", "config.json"), TestArchive.Link("app/plain.txt", "config.json")), Ct);

        Assert.Equal("keep", File.ReadAllText(_temp.Combine("outside/victim.txt")));
        Assert.Null(new FileInfo(Under("app/config.json")).LinkTarget);
        Assert.Equal("new", File.ReadAllText(Under("app/config.json")));
        Assert.Equal("config.json", new FileInfo(Under("app/other.json")).LinkTarget);
        Assert.Equal("config.json", new FileInfo(Under("app/plain.txt")).LinkTarget);
        Assert.Equal(["config.json", "other.json", "plain.txt"], Directory.GetFileSystemEntries(Under("app")).Select(Path.GetFileName).Order(StringComparer.Ordinal));
    }

    // sentence, link name, link text (as it will read inside the container)
    public static TheoryData<string, string, string> LinkEntries => new()
    {
        { "a link to a file that is already there", "app/alias.txt", "real.txt" },
        { "a link to a folder that is already there", "app/alias", "data" },
        { "a link to a file not there yet (later in the archive, or not synced)", "app/alias.txt", "later.txt" },
        { "an absolute link, meaningful inside the container", "app/hosts", "/etc/hosts" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LinkEntries))]
    public async Task A_link_entry_is_created_whatever_it_points_at(string sentence, string name, string text)
    {
        _temp.Write("root/app/real.txt", "real");
        _temp.Folder("root/app/data");

        var failure = await Record.ExceptionAsync(() => Target().UploadAsync("/", TestArchive.Of(TestArchive.Link(name, text)), Ct));

        Assert.Multiple(
            () => Assert.True(failure is null, $"{sentence}: {failure}"),
            () => Assert.Equal(text, new FileInfo(Under(name)).LinkTarget),
            () => Assert.DoesNotContain(Directory.GetFileSystemEntries(Under("app")), entry => Path.GetFileName(entry).StartsWith(".fsync-", StringComparison.Ordinal)));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_link_from_the_archive_cannot_carry_a_later_entry_outside()
    {
        var error = await Assert.ThrowsAsync<FileSyncException>(() => Target().UploadAsync("/", 
            TestArchive.Of(TestArchive.Link("app/out", _temp.Combine("outside")), TestArchive.File("app/out/victim.txt", "pwned"u8.ToArray())), Ct));

        Assert.True(error.Diagnostic.Code == "FSYNC4005", error.Diagnostic + " " + error.InnerException);
        Assert.Equal("keep", File.ReadAllText(_temp.Combine("outside/victim.txt")));
    }

    // sentence, entry type, name
    public static TheoryData<string, TarEntryType, string> RefusedEntries => new()
    {
        { "a file climbing out with '..'", TarEntryType.RegularFile, "../outside/victim.txt" },
        { "a hard link", TarEntryType.HardLink, "app/hard" },
        { "a character device", TarEntryType.CharacterDevice, "app/null" },
        { "a fifo", TarEntryType.Fifo, "app/fifo" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(RefusedEntries))]
    public async Task An_unsafe_entry_fails_the_upload_without_hanging(string sentence, TarEntryType type, string name)
    {
        var entry = new PaxTarEntry(type, name) { ModificationTime = Mtime };
        if (type == TarEntryType.RegularFile)
        {
            entry.DataStream = new MemoryStream("pwned"u8.ToArray());
        }
        else if (type == TarEntryType.HardLink)
        {
            entry.LinkName = "../outside/victim.txt";
        }

        byte[] padding = new byte[1024 * 1024]; // more than a pipe buffer after the bad entry: the writer must be unblocked
        var error = await Assert.ThrowsAsync<FileSyncException>(() => Target().UploadAsync("/", TestArchive.Of(entry, TestArchive.File("app/after.bin", padding)), Ct));

        Assert.True(error.Diagnostic.Code == "FSYNC4002", sentence + ": " + error.Diagnostic);
        Assert.Equal("keep", File.ReadAllText(_temp.Combine("outside/victim.txt")));
        Assert.False(File.Exists(Under("app/after.bin")));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_failing_archive_writer_fails_the_upload()
    {
        Func<Stream, CancellationToken, Task> failing = async (stream, ct) =>
        {
            await TestArchive.Of(TestArchive.File("app/first.txt", "first"u8.ToArray()))(stream, ct);
            throw new InvalidOperationException("writer broke");
        };

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Target().UploadAsync("/", failing, Ct));

        Assert.Equal("writer broke", error.Message);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_explicit_owner_is_given_to_files_folders_and_links()
    {
        var folder = new PaxTarEntry(TarEntryType.Directory, "app/data") { Mode = (UnixFileMode)0b111_101_101, ModificationTime = Mtime };

        await Target(new FileOwner(1234, 5678)).UploadAsync("/", TestArchive.Of(folder, TestArchive.File("app/data/a.txt", "a"u8.ToArray()), TestArchive.Link("app/data/alias", "a.txt")), Ct);

        Assert.Equal("1234:5678", await Stat.OwnerAsync(Under("app/data"), Ct));
        Assert.Equal("1234:5678", await Stat.OwnerAsync(Under("app/data/a.txt"), Ct));
        Assert.Equal("1234:5678", await Stat.OwnerAsync(Under("app/data/alias"), Ct));
    }

    [Fact]
    public async Task DeleteAsync_deletes_files_and_links_and_tolerates_missing_ones()
    {
        _temp.Write("root/app/a.txt", "a");
        _temp.Write("root/app/b.txt", "b");
        _temp.Link("root/app/link", _temp.Combine("outside/victim.txt"));

        var failed = await Target().DeleteAsync(["/app/a.txt", "/app/missing.txt", "/nowhere/at/all.txt", "/app/link"], Ct);

        Assert.Empty(failed);
        Assert.False(File.Exists(Under("app/a.txt")));
        Assert.False(File.Exists(Under("app/link")) || new FileInfo(Under("app/link")).LinkTarget is not null);
        Assert.True(File.Exists(Under("app/b.txt")));
        Assert.Equal("keep", File.ReadAllText(_temp.Combine("outside/victim.txt")));
    }

    [Fact]
    public async Task DeleteAsync_reports_what_it_could_not_delete()
    {
        string tooLong = "/app/" + new string('n', 300); // ENAMETOOLONG: a genuine failure even for root
        _temp.Write("root/app/a.txt", "a");

        var failed = await Target().DeleteAsync([tooLong, "/app/a.txt"], Ct);

        Assert.Equal([tooLong], failed);
        Assert.False(File.Exists(Under("app/a.txt")));
    }

    [Fact]
    public async Task The_default_owner_is_the_explicit_one_else_root()
    {
        var state = FileSync.State.SyncState.Empty("x");

        Assert.Equal(FileOwner.Root, await Target().ResolveDefaultOwnerAsync(state, Ct));
        Assert.Equal(new FileOwner(7, 8), await Target(new FileOwner(7, 8)).ResolveDefaultOwnerAsync(state, Ct));
    }
}
