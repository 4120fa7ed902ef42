using FileSync.Targets;
using System.Formats.Tar;
using System.Runtime.Versioning;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.State;

namespace FileSync.Tests.Core;

/// <summary>
/// One archive of awkward sources, written once: to '/app' (plain, exec bit, long names, unicode, spaces, shell
/// characters, a link, 5 MB of random bytes), to '/srv/site' (nested parents) and to '/-dash' (a leading '-').
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class RichArchive : IAsyncLifetime
{
    internal static readonly FileOwner Owner = new(1234, 5678);
    internal static readonly string LongName = new string('n', 196) + ".txt"; // 200 characters
    internal static readonly string DeepPath = string.Join('/', Enumerable.Range(1, 3).Select(i => new string((char)('a' + i), 40))) + "/f.txt";
    internal static readonly DateTime Mtime = new(2023, 11, 12, 13, 14, 15, DateTimeKind.Utc);

    // relative path in the context -> rule Dest
    internal static readonly (string Relative, string Dest)[] Files =
    [
        ("a.txt", "/app"),
        ("run.sh", "/app"),
        ("long/" + LongName, "/app"),
        ("deep/" + DeepPath, "/app"),
        ("données/ünïcødé-文件.txt", "/app"),
        ("with space/file name.txt", "/app"),
        ("odd/$(x);echo pwned.txt", "/app"),
        ("big.bin", "/app"),
        ("web/css/deep/x.css", "/srv/site"),
        ("-n", "/-dash"),
        ("alias.txt", "/app"),
    ];

    internal static readonly string[] RuleRoots = ["app", "srv", "srv/site", "-dash"];

    internal TempFolder Temp { get; } = new();

    internal RecordingLog Log { get; } = new();

    internal IReadOnlyList<SourceFile> Sources { get; private set; } = [];

    internal SyncPlan Plan { get; private set; } = new();

    internal ArchiveResult Result { get; private set; } = new();

    internal byte[] Archive { get; private set; } = [];

    internal string ArchivePath => Temp.Combine("archive.tar");

    internal string Context => Temp.Combine("ctx");

    public async ValueTask InitializeAsync()
    {
        var random = new Random(20240601);
        foreach ((string relative, _) in Files)
        {
            if (relative == "alias.txt")
            {
                Temp.Link("ctx/alias.txt", "a.txt");
                continue;
            }

            byte[] content = System.Text.Encoding.UTF8.GetBytes("content of " + relative + "\n");
            if (relative == "big.bin")
            {
                content = new byte[5 * 1024 * 1024];
                random.NextBytes(content);
            }

            Temp.Write("ctx/" + relative, content, Mtime);
        }

        File.SetUnixFileMode(Temp.Combine("ctx/run.sh"), (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Temp.Combine("ctx/a.txt"), (UnixFileMode)0b110_100_000);
        Sources = new SourceScanner(Context, Log).Scan(Files.Select(f => new SyncItem(f.Relative, Temp.Combine("ctx/" + f.Relative), f.Dest, null)));
        Plan = Planner.Plan(Sources, SyncState.Empty("test"), "/", resendAll: false, Log);
        using var output = new MemoryStream();
        Result = await ArchiveWriter.WriteAsync(output, Plan.Copies, NewFolders(Plan, Owner), Owner, Log, TestContext.Current.CancellationToken);
        Archive = output.ToArray();
        await File.WriteAllBytesAsync(ArchivePath, Archive, TestContext.Current.CancellationToken);
    }

    /// <summary>A layout at '/' carrying the folders below each rule's root, as for a target that has none of them.</summary>
    internal static ArchiveLayout NewFolders(SyncPlan plan, FileOwner owner)
    {
        var layout = new ArchiveLayout("/");
        foreach (Destination destination in plan.Copies.SelectMany(copy => copy.Destinations))
        {
            foreach (string folder in FolderPlanner.Ancestors(destination.Path).Where(f => f.StartsWith(destination.Root.TrimEnd('/') + "/", StringComparison.Ordinal)))
            {
                layout.Folders[folder] = owner;
            }
        }

        return layout;
    }

    public ValueTask DisposeAsync()
    {
        Temp.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Every entry read back with System.Formats.Tar, with its data.</summary>
    internal List<(TarEntry Entry, byte[] Data)> ReadBack()
    {
        var entries = new List<(TarEntry, byte[])>();
        using var reader = new TarReader(new MemoryStream(Archive));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            entries.Add((entry, data.ToArray()));
        }

        return entries;
    }
}

[UnsupportedOSPlatform("windows")]
public sealed class ArchiveWriterTests(RichArchive archive) : IClassFixture<RichArchive>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string EntryName(string relative, string dest) => (dest == "/" ? "" : dest[1..] + "/") + relative;

    [Fact]
    public void Every_source_is_sent_with_the_hash_of_its_content()
    {
        Assert.Empty(archive.Log.Codes);
        Assert.Equal(RichArchive.Files.Length, archive.Sources.Count);
        Assert.Empty(archive.Result.Skipped);
        Assert.Equal(archive.Sources.Count, archive.Result.Sent.Count);
        foreach (SourceFile source in archive.Sources)
        {
            FileSync.Planning.Hash128 expected = source.Kind == SourceKind.Symlink ? ContentHash.OfText(source.LinkTarget!) : ContentHash.Of(source.FullPath);
            Assert.True(expected == archive.Result.Sent[source], source.RelativePath);
        }

        Assert.Equal(archive.Sources.Where(s => s.Kind == SourceKind.File).Sum(s => s.Size), archive.Result.Bytes);
    }

    [Fact]
    public void TarReader_reads_names_relative_to_root_with_modes_owner_and_exact_content()
    {
        var entries = archive.ReadBack();
        var files = entries.Where(e => e.Entry.EntryType != TarEntryType.Directory).ToDictionary(e => e.Entry.Name, StringComparer.Ordinal);

        Assert.Equal(
            RichArchive.Files.Select(f => EntryName(f.Relative, f.Dest)).Order(StringComparer.Ordinal),
            files.Keys.Order(StringComparer.Ordinal));
        Assert.All(entries, e => Assert.False(e.Entry.Name.StartsWith('/'), e.Entry.Name));
        Assert.All(entries, e => Assert.Equal((RichArchive.Owner.Uid, RichArchive.Owner.Gid), (e.Entry.Uid, e.Entry.Gid)));
        // ustar headers, with a PAX extended header where ustar cannot hold a name (long, non-ASCII).
        Assert.All(entries, e => Assert.True(e.Entry.Format is TarEntryFormat.Ustar or TarEntryFormat.Pax, e.Entry.Name));
        Assert.Contains(entries, e => e.Entry.Format == TarEntryFormat.Pax);
        foreach ((string relative, string dest) in RichArchive.Files.Where(f => f.Relative != "alias.txt"))
        {
            (TarEntry entry, byte[] data) = files[EntryName(relative, dest)];
            Assert.Equal(TarEntryType.RegularFile, entry.EntryType);
            Assert.True(File.ReadAllBytes(archive.Temp.Combine("ctx/" + relative)).AsSpan().SequenceEqual(data), relative);
            Assert.Equal(File.GetUnixFileMode(archive.Temp.Combine("ctx/" + relative)), entry.Mode);
            Assert.Equal(RichArchive.Mtime, entry.ModificationTime.UtcDateTime);
        }

        Assert.Equal((UnixFileMode)0b111_101_101, files["app/run.sh"].Entry.Mode);
        Assert.Equal((UnixFileMode)0b110_100_000, files["app/a.txt"].Entry.Mode);
        Assert.Equal(5 * 1024 * 1024, files["app/big.bin"].Data.Length);
        Assert.True(files["app/long/" + RichArchive.LongName].Entry.Name.Length > 100);
        Assert.True(files["app/deep/" + RichArchive.DeepPath].Entry.Name.Length > 100);
        var link = files["app/alias.txt"].Entry;
        Assert.Equal(TarEntryType.SymbolicLink, link.EntryType);
        Assert.Equal("a.txt", link.LinkName);
    }

    [Fact]
    public void The_layouts_folders_are_entries_with_their_owner_once_each_and_nothing_else_is()
    {
        var folders = archive.ReadBack().Where(e => e.Entry.EntryType == TarEntryType.Directory).Select(e => e.Entry).ToList();
        var names = folders.Select(f => f.Name.TrimEnd('/')).ToList();

        Assert.Equal(names.Distinct(StringComparer.Ordinal).Count(), names.Count);
        Assert.Equal(
            ["app/deep", "app/deep/" + DeepFolders(1), "app/deep/" + DeepFolders(2), "app/deep/" + DeepFolders(3), "app/données", "app/long", "app/odd", "app/with space", "srv/site/web", "srv/site/web/css", "srv/site/web/css/deep"],
            names.Order(StringComparer.Ordinal));
        Assert.All(names, name => Assert.DoesNotContain(name, RichArchive.RuleRoots));
        Assert.All(folders, f => Assert.Equal((RichArchive.Owner.Uid, RichArchive.Owner.Gid), (f.Uid, f.Gid)));
        Assert.All(folders, f => Assert.Equal((UnixFileMode)0b111_101_101, f.Mode));

        // A folder comes before anything inside it, so the extractor creates it with its owner first.
        var order = archive.ReadBack().Select(e => e.Entry.Name.TrimEnd('/')).ToList();
        Assert.All(names, name => Assert.True(order.IndexOf(name) < order.FindIndex(n => n.StartsWith(name + "/", StringComparison.Ordinal)), name));
    }

    private static string DeepFolders(int count) => string.Join('/', RichArchive.DeepPath.Split('/').Take(count));

    [Fact]
    public async Task GNU_tar_lists_every_name_literally()
    {
        string[] names = await GnuTar.ListAsync(archive.ArchivePath, Ct);

        var expected = archive.ReadBack().Select(e => e.Entry.Name);
        Assert.Equal(expected, names.Select(n => n));
        Assert.Contains("app/odd/$(x);echo pwned.txt", names);
        Assert.Contains("app/données/ünïcødé-文件.txt", names);
        Assert.Contains("-dash/-n", names);
        Assert.Contains("app/long/" + RichArchive.LongName, names);
    }

    [Fact]
    public async Task GNU_tar_sees_the_numeric_owner_and_modes()
    {
        string listing = await GnuTar.RunCheckedAsync(["--quoting-style=literal", "--numeric-owner", "-tvf", archive.ArchivePath], Ct);
        string[] lines = listing.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(archive.ReadBack().Count, lines.Length);
        Assert.All(lines, line => Assert.Contains(" 1234/5678 ", line, StringComparison.Ordinal));
        Assert.StartsWith("-rwxr-xr-x ", Assert.Single(lines, l => l.EndsWith(" app/run.sh", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.StartsWith("-rw-r----- ", Assert.Single(lines, l => l.EndsWith(" app/a.txt", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.StartsWith("l", Assert.Single(lines, l => l.EndsWith(" app/alias.txt -> a.txt", StringComparison.Ordinal)), StringComparison.Ordinal);
        Assert.StartsWith("d", Assert.Single(lines, l => l.TrimEnd('/').EndsWith(" srv/site/web/css", StringComparison.Ordinal)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GNU_tar_extracts_byte_exact_content_modes_and_links()
    {
        string root = archive.Temp.Folder("extract-" + Guid.NewGuid().ToString("N")[..8]);

        await GnuTar.RunCheckedAsync(["-xf", archive.ArchivePath, "-C", root], Ct);

        foreach ((string relative, string dest) in RichArchive.Files.Where(f => f.Relative != "alias.txt"))
        {
            string source = archive.Temp.Combine("ctx/" + relative);
            string extracted = Path.Combine(root, EntryName(relative, dest));
            Assert.True(File.ReadAllBytes(source).AsSpan().SequenceEqual(File.ReadAllBytes(extracted)), relative);
            Assert.Equal(File.GetUnixFileMode(source), File.GetUnixFileMode(extracted));
            Assert.Equal(RichArchive.Mtime, File.GetLastWriteTimeUtc(extracted));
        }

        Assert.Equal("a.txt", new FileInfo(Path.Combine(root, "app/alias.txt")).LinkTarget);
        Assert.Equal("content of a.txt\n", File.ReadAllText(Path.Combine(root, "app/alias.txt")));
    }
}

/// <summary>Sources that change between the plan and the archive: the archive stays well-formed and the state learns the truth.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ArchiveWriterChangeTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SyncPlan PlanOf(params string[] relatives)
    {
        var sources = new SourceScanner(_temp.Combine("ctx"), _log).Scan(relatives.Select(r => new SyncItem(r, _temp.Combine("ctx/" + r), "/app", null)));
        return Planner.Plan(sources, SyncState.Empty("test"), "/", resendAll: false, _log);
    }

    private async Task<(ArchiveResult Result, string Path)> WriteAsync(SyncPlan plan)
    {
        using var output = new MemoryStream();
        ArchiveResult result = await ArchiveWriter.WriteAsync(output, plan.Copies, RichArchive.NewFolders(plan, FileOwner.Root), FileOwner.Root, _log, Ct);
        string path = _temp.Combine("archive.tar");
        await File.WriteAllBytesAsync(path, output.ToArray(), Ct);
        return (result, path);
    }

    private static Dictionary<string, byte[]> Read(string path)
    {
        var files = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        using var reader = new TarReader(File.OpenRead(path));
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            using var data = new MemoryStream();
            entry.DataStream?.CopyTo(data);
            files[entry.Name] = data.ToArray();
        }

        return files;
    }

    public enum Breakage
    {
        Deleted,
        ReplacedByFolder,
    }

    public static TheoryData<string, Breakage, string, bool> Breakages => new()
    {
        { "a file deleted after the plan vanished: a warning, the next sync treats it as deleted", Breakage.Deleted, "FSYNC1008", false },
        { "a file replaced by a folder is not what was planned: a warning naming it, retried next sync", Breakage.ReplacedByFolder, "FSYNC1012", false },
    };

    [Theory]
    [MemberData(nameof(Breakages))]
    public async Task A_source_that_cannot_be_opened_is_skipped_and_reported(string sentence, Breakage breakage, string code, bool isError)
    {
        _temp.Write("ctx/a-broken.txt", "soon gone");
        _temp.Write("ctx/b-fine.txt", "fine");
        SyncPlan plan = PlanOf("a-broken.txt", "b-fine.txt");
        File.Delete(_temp.Combine("ctx/a-broken.txt"));
        if (breakage == Breakage.ReplacedByFolder)
        {
            _temp.Folder("ctx/a-broken.txt");
        }

        (ArchiveResult result, string path) = await WriteAsync(plan);

        Assert.Equal(["a-broken.txt"], result.Skipped.Select(s => s.RelativePath));
        Assert.Equal(["b-fine.txt"], result.Sent.Keys.Select(s => s.RelativePath));
        Diagnostic reported = Assert.Single(isError ? _log.Errors : _log.Warnings);
        Assert.True(reported.Code == code, sentence + ": " + reported);
        Assert.Equal(_temp.Combine("ctx/a-broken.txt"), reported.File);
        Assert.Empty(isError ? _log.Warnings : _log.Errors);
        Assert.Equal(["app/b-fine.txt"], Read(path).Keys);
        Assert.Equal(["app/b-fine.txt"], await GnuTar.ListAsync(path, Ct));
    }

    public static TheoryData<string, int> Resizes => new()
    {
        { "a file that shrank", 600 },
        { "a file that grew", 1500 },
        { "a file emptied after the plan", 0 },
    };

    [Theory]
    [MemberData(nameof(Resizes))]
    public async Task A_file_resized_between_the_plan_and_the_read_is_not_sent_and_is_reported(string sentence, int newSize)
    {
        _temp.Write("ctx/a-changing.bin", Enumerable.Repeat((byte)'A', 1000).ToArray());
        _temp.Write("ctx/b-after.txt", "after");
        SyncPlan plan = PlanOf("a-changing.bin", "b-after.txt");
        _temp.Write("ctx/a-changing.bin", Enumerable.Repeat((byte)'B', newSize).ToArray());

        (ArchiveResult result, string path) = await WriteAsync(plan);

        Assert.Equal(["app/b-after.txt"], Read(path).Keys);
        Assert.Equal(["app/b-after.txt"], await GnuTar.ListAsync(path, Ct));
        Assert.True(result.Skipped.Select(s => s.RelativePath).SequenceEqual(["a-changing.bin"]), sentence);
        Assert.Equal(ContentHash.Of(_temp.Combine("ctx/b-after.txt")), Assert.Single(result.Sent).Value);
        Assert.Equal(["FSYNC1012"], _log.Codes);
    }

    public static TheoryData<string, int, bool> ReadResizes => new()
    {
        { "a file that shrank while read is padded to the size in its header", 600, true },
        { "a file that grew while read is cut to the size in its header", 1500, true },
        { "a file that kept its size is read whole", 1000, false },
    };

    [Theory]
    [MemberData(nameof(ReadResizes))]
    public void A_file_resized_while_read_gives_exactly_the_header_size_and_is_marked_changed(string sentence, int actualSize, bool changed)
    {
        using var file = new MemoryStream(Enumerable.Repeat((byte)'B', actualSize).ToArray());
        var data = new SourceReadStream(file, 1000);
        using var copy = new MemoryStream();

        data.CopyTo(copy);
        data.CheckForGrowth();

        byte[] expected = [.. Enumerable.Repeat((byte)'B', Math.Min(actualSize, 1000)), .. new byte[Math.Max(0, 1000 - actualSize)]];
        Assert.True(expected.AsSpan().SequenceEqual(copy.ToArray()), sentence);
        Assert.Equal(changed, data.Changed);
    }

    [Fact]
    public async Task A_file_with_several_destinations_is_written_to_each()
    {
        _temp.Write("ctx/wwwroot/site.css", "body{}");
        var sources = new SourceScanner(_temp.Combine("ctx"), _log).Scan(
            [new SyncItem("wwwroot/site.css", _temp.Combine("ctx/wwwroot/site.css"), "/app", null), new SyncItem("wwwroot/site.css", _temp.Combine("ctx/wwwroot/site.css"), "/srv", "wwwroot/")]);
        SyncPlan plan = Planner.Plan(sources, SyncState.Empty("test"), "/", resendAll: false, _log);

        (ArchiveResult result, string path) = await WriteAsync(plan);

        var files = Read(path);
        Assert.Equal("body{}"u8.ToArray(), files["app/wwwroot/site.css"]);
        Assert.Equal("body{}"u8.ToArray(), files["srv/site.css"]);
        Assert.Equal(12, result.Bytes);
        Assert.Equal(ContentHash.Of(_temp.Combine("ctx/wwwroot/site.css")), Assert.Single(result.Sent).Value);
    }
}
