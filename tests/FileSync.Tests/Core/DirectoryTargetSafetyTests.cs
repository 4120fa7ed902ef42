using System.Formats.Tar;
using System.Runtime.Versioning;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>
/// What the folder that stands for a container's '/' already holds is not ours: links in it are never followed,
/// existing folders keep their mode, owner and kind, and a file never replaces a folder (or the reverse).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DirectoryTargetSafetyTests : IDisposable
{
    private static readonly DateTime Mtime = new(2022, 2, 3, 4, 5, 6, DateTimeKind.Utc);
    private static readonly DateTime Earlier = new(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private const UnixFileMode Private = (UnixFileMode)0b111_000_000;
    private const UnixFileMode Open = (UnixFileMode)0b111_101_101;

    private readonly TempFolder _temp = new();
    private readonly string _root;
    private readonly string _victim;

    public DirectoryTargetSafetyTests()
    {
        _root = _temp.Folder("root");
        _victim = _temp.Folder("victim");
        _temp.Write("victim/secret.txt", "keep", Earlier);
        File.SetUnixFileMode(_victim, Private);
        Directory.SetLastWriteTimeUtc(_victim, Earlier);
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DirectoryTarget Target(FileOwner? owner = null) => new(_root, "/app", owner);

    private string Under(string relative) => _temp.Combine("root/" + relative);

    private static Task Upload(DirectoryTarget target, params TarEntry[] entries) => target.UploadAsync("/", TestArchive.Of(entries), Ct);

    /// <summary>The victim folder outside the target is exactly as the constructor left it.</summary>
    private async Task AssertVictimUntouchedAsync()
    {
        Assert.Equal(Private, File.GetUnixFileMode(_victim));
        Assert.Equal(Earlier, Directory.GetLastWriteTimeUtc(_victim));
        Assert.Equal("0:0", await Stat.OwnerAsync(_victim, Ct));
        Assert.Equal(["secret.txt"], Directory.GetFileSystemEntries(_victim).Select(Path.GetFileName));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(_victim, "secret.txt")));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_folder_entry_for_a_linked_folder_changes_nothing_outside()
    {
        _temp.Link("root/app/wwwroot/css", _victim);

        var error = await Assert.ThrowsAsync<FileSyncException>(() => Upload(
            Target(new FileOwner(1234, 5678)),
            TestArchive.Folder("app", Open),
            TestArchive.Folder("app/wwwroot", Open),
            TestArchive.Folder("app/wwwroot/css", Open),
            TestArchive.File("app/wwwroot/css/site.css", "pwned")));

        Assert.True(error.Diagnostic.Code == "FSYNC4005", error.Diagnostic.ToString());
        Assert.Contains("/app/wwwroot/css", error.Diagnostic.Message, StringComparison.Ordinal);
        await AssertVictimUntouchedAsync();
    }

    // sentence, link in the target folder (relative to it), entry written below it
    public static TheoryData<string, string, string> LinkedParents => new()
    {
        { "a link to outside as the parent", "app/out", "app/out/new.txt" },
        { "a link to outside higher up", "app/out", "app/out/sub/deeper/new.txt" },
        { "a link that stays inside is not followed either", "app/alias", "app/alias/new.txt" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(LinkedParents))]
    public async Task A_link_met_where_a_folder_is_needed_is_refused_naming_it(string sentence, string link, string entry)
    {
        _temp.Folder("root/app/real");
        _temp.Link("root/" + link, link.EndsWith("alias", StringComparison.Ordinal) ? "real" : _victim);

        var error = await Assert.ThrowsAsync<FileSyncException>(() => Upload(Target(), TestArchive.File(entry, "x")));

        Assert.True(error.Diagnostic.Code == "FSYNC4005", sentence + ": " + error.Diagnostic);
        Assert.Contains("'/" + link + "'", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Under("app/real")));
        await AssertVictimUntouchedAsync();
    }

    [Fact(Timeout = 60_000)]
    public async Task A_parent_swapped_for_a_link_during_extraction_is_never_followed()
    {
        _temp.Folder("root/app/a");
        DirectoryTarget target = Target();
        target.EntryResolved = name =>
        {
            if (name == "app/a/one.txt")
            {
                // Between the entry's check and its write, the parent becomes a link to outside.
                Directory.Move(Under("app/a"), Under("app/moved"));
                Directory.CreateSymbolicLink(Under("app/a"), _victim);
            }
        };

        var error = await Record.ExceptionAsync(() => Upload(target, TestArchive.File("app/a/one.txt", "one"), TestArchive.File("app/a/two.txt", "two")));

        await AssertVictimUntouchedAsync();
        Assert.True(error is FileSyncException { Diagnostic.Code: "FSYNC4005" }, error?.ToString());
        Assert.Equal("one", File.ReadAllText(Under("app/moved/one.txt"))); // the folder it resolved, wherever it went
        Assert.False(File.Exists(Under("app/moved/two.txt")));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_link_swapped_in_at_the_file_itself_is_replaced_never_written_through()
    {
        DirectoryTarget target = Target(new FileOwner(1234, 5678));
        target.EntryResolved = _ => File.CreateSymbolicLink(Under("app/one.txt"), Path.Combine(_victim, "secret.txt"));

        await Upload(target, TestArchive.File("app/one.txt", "one"));

        await AssertVictimUntouchedAsync();
        Assert.Null(new FileInfo(Under("app/one.txt")).LinkTarget);
        Assert.Equal("one", File.ReadAllText(Under("app/one.txt")));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_created_folder_swapped_for_a_link_before_its_mode_is_set_is_left_alone()
    {
        DirectoryTarget target = Target(new FileOwner(1234, 5678));
        target.EntryResolved = name =>
        {
            if (name == "app/later.txt")
            {
                // The folder this extraction made becomes a link before the end, when folders get their mode and time.
                Directory.Move(Under("app/made"), Under("app/moved"));
                Directory.CreateSymbolicLink(Under("app/made"), _victim);
            }
        };

        await Upload(target, TestArchive.Folder("app/made", Open), TestArchive.File("app/later.txt", "later"));

        await AssertVictimUntouchedAsync();
        Assert.Equal(_victim, new FileInfo(Under("app/made")).LinkTarget);
    }

    [Fact(Timeout = 60_000)]
    public async Task An_existing_folder_keeps_its_mode_owner_and_time()
    {
        _temp.Folder("root/app/data");
        File.SetUnixFileMode(Under("app/data"), Private);
        Directory.SetLastWriteTimeUtc(Under("app/data"), Earlier);

        await Upload(Target(new FileOwner(1234, 5678)), TestArchive.Folder("app", Open), TestArchive.Folder("app/data", Open), TestArchive.File("app/new.txt", "new"));

        Assert.Equal(Private, File.GetUnixFileMode(Under("app/data")));
        Assert.Equal(Earlier, Directory.GetLastWriteTimeUtc(Under("app/data")));
        Assert.Equal("0:0", await Stat.OwnerAsync(Under("app/data"), Ct));
        Assert.Equal("1234:5678", await Stat.OwnerAsync(Under("app/new.txt"), Ct));
    }

    [Fact(Timeout = 60_000)]
    public async Task Folders_the_extraction_creates_get_the_entry_mode_or_0755_and_the_owner()
    {
        await Upload(Target(new FileOwner(1234, 5678)), TestArchive.Folder("app/data", Private), TestArchive.File("app/data/deep/er/a.txt", "a"));

        Assert.Equal(Private, File.GetUnixFileMode(Under("app/data")));
        Assert.Equal(Mtime, Directory.GetLastWriteTimeUtc(Under("app/data")));
        Assert.Equal(Open, File.GetUnixFileMode(Under("app/data/deep/er")));
        Assert.Equal("1234:5678", await Stat.OwnerAsync(Under("app/data"), Ct));
        Assert.Equal("1234:5678", await Stat.OwnerAsync(Under("app/data/deep"), Ct));
        Assert.Equal("a", File.ReadAllText(Under("app/data/deep/er/a.txt")));
    }

    [Fact(Timeout = 60_000)]
    public async Task An_explicit_owner_and_time_are_given_to_a_link_itself()
    {
        await Upload(Target(new FileOwner(1234, 5678)), TestArchive.Link("app/alias", _victim));

        Assert.Equal(_victim, new FileInfo(Under("app/alias")).LinkTarget);
        Assert.Equal("1234:5678", await Stat.OwnerAsync(Under("app/alias"), Ct));
        Assert.Equal(new DateTimeOffset(Mtime).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), await Stat.FormatAsync("%Y", Under("app/alias"), Ct));
        await AssertVictimUntouchedAsync();
    }

    // sentence, what the target holds (folders end with '/', "a -> b" is a link), entry, path named in the error
    public static TheoryData<string, string, TarEntry, string> KindChanges => new()
    {
        { "a file where the target holds a folder", "app/cfg/sub/keep.db", TestArchive.File("app/cfg", "file"), "/app/cfg" },
        { "a link where the target holds a folder", "app/cfg/sub/keep.db", TestArchive.Link("app/cfg", "elsewhere"), "/app/cfg" },
        { "a folder where the target holds a file", "app/cfg", TestArchive.Folder("app/cfg", Open), "/app/cfg" },
        { "a file below a file", "app/cfg", TestArchive.File("app/cfg/inner.txt", "inner"), "/app/cfg" },
        { "a file below a file deeper down", "app/cfg", TestArchive.File("app/cfg/sub/inner.txt", "inner"), "/app/cfg" },
    };

    [Theory(Timeout = 60_000)]
    [MemberData(nameof(KindChanges))]
    public async Task A_folder_is_never_replaced_by_a_file_nor_the_reverse(string sentence, string existing, TarEntry entry, string named)
    {
        string existingPath = _temp.Write("root/" + existing, "theirs");

        var error = await Assert.ThrowsAsync<FileSyncException>(() => Upload(Target(), entry));

        Assert.True(error.Diagnostic.Code == "FSYNC4004", sentence + ": " + error.Diagnostic);
        Assert.Contains("'" + named + "'", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal("theirs", File.ReadAllText(existingPath));
        Assert.DoesNotContain(Directory.GetFileSystemEntries(Under("app"), "*", SearchOption.AllDirectories), e => Path.GetFileName(e).StartsWith(".fsync-", StringComparison.Ordinal));
    }

    [Fact(Timeout = 60_000)]
    public async Task A_file_the_target_folder_cannot_take_fails_with_FSYNC4003_naming_it()
    {
        string name = "app/" + new string('n', 300) + ".txt"; // longer than a file name may be (255 bytes)

        var error = await Assert.ThrowsAsync<FileSyncException>(() => Upload(Target(), TestArchive.File(name, "x")));

        Assert.True(error.Diagnostic.Code == "FSYNC4003", error.Diagnostic.ToString());
        Assert.Contains(new string('n', 300), error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFileSystemEntries(Under("app")));
    }
}
