using System.Runtime.Versioning;
using FileSync.Archive;
using FileSync.Planning;
using FileSync.State;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>
/// Which parent folders a sync asks the target about, which it sends, where the archive is extracted, and how kind
/// changes in the sources are carried out: on a fake target whose contents a test decides, and on a folder target.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class FolderPlanningTests : IDisposable
{
    private static readonly DateTime Then = new(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);

    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;
    private readonly SyncOptions _options;

    public FolderPlanningTests()
    {
        _context = _temp.Folder("ctx");
        _options = new SyncOptions(_temp.Combine("obj/filesync"));
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IReadOnlyList<SourceFile> Sources(string dest)
    {
        var items = Directory.EnumerateFiles(_context, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(_context, path).Replace('\\', '/'))
            .Select(relative => new SyncItem(relative, Path.Combine(_context, relative), dest, null));
        return new SourceScanner(_context, _log).Scan(items);
    }

    private Task<SyncOutcome> SyncAsync(ISyncTarget target, string dest = "/app/site", SyncOptions? options = null) =>
        new Syncer(_log).SyncOneAsync(Sources(dest), target, options ?? _options, Ct);

    private SyncState State(ISyncTarget target) => StateStore.Load(Syncer.StatePath(_options.StateDirectory, target), target.InstanceId, new RecordingLog());

    [Fact]
    public async Task Unknown_folders_are_stated_once_top_down_and_not_below_a_missing_one_and_known_ones_never()
    {
        var target = new FakeTarget();
        target.Paths["/app"] = PathKind.Folder;
        _temp.Write("ctx/css/site.css", "a", Then);
        _temp.Write("ctx/css/more/x.css", "b", Then);
        _temp.Write("ctx/index.html", "c", Then);

        await SyncAsync(target);

        Assert.Equal(["/app", "/app/site"], target.Stats);
        Assert.Equal("/app", Assert.Single(target.UploadRoots));
        Assert.Equal(["/app/site", "/app/site/css", "/app/site/css/more"], target.UploadFolders[0]);
        Assert.Equal(["/app/site", "/app/site/css", "/app/site/css/more"], State(target).CreatedFolders);

        // One changed file in known folders: no engine call beyond the upload.
        _temp.Write("ctx/css/site.css", "a, changed", Then.AddMinutes(1));
        await SyncAsync(target);

        Assert.Equal(2, target.Stats.Count);
        Assert.Equal(["/app/site/css/site.css"], target.Uploads[1]);
    }

    [Fact]
    public async Task Existing_folders_get_no_entry_and_the_archive_is_extracted_at_the_deepest_one_they_share()
    {
        var target = new FakeTarget();
        target.Paths["/app"] = PathKind.Folder;
        target.Paths["/app/site"] = PathKind.Folder;
        target.Paths["/app/site/data"] = PathKind.Folder;
        _temp.Write("ctx/data/a.txt", "a", Then);
        _temp.Write("ctx/data/new/b.txt", "b", Then);

        await SyncAsync(target, options: _options with { Owner = new FileOwner(1000, 1000) });

        Assert.Equal("/app/site/data", Assert.Single(target.UploadRoots));
        Assert.Equal(["/app/site/data/new"], target.UploadFolders[0]);
        Assert.Equal(["/app/site/data/a.txt", "/app/site/data/new/b.txt"], target.Uploads[0]);
    }

    [Fact]
    public async Task A_link_or_a_file_where_a_parent_folder_goes_skips_those_files_with_FSYNC2010_and_records_only_the_others()
    {
        var target = new FakeTarget();
        target.Paths["/app"] = PathKind.Folder;
        target.Paths["/app/site"] = PathKind.Folder;
        target.Paths["/app/site/linked"] = PathKind.Link;
        target.Paths["/app/site/plain"] = PathKind.File;
        _temp.Write("ctx/linked/a.txt", "a", Then);
        _temp.Write("ctx/linked/deeper/b.txt", "b", Then);
        _temp.Write("ctx/plain/c.txt", "c", Then);
        _temp.Write("ctx/ok.txt", "ok", Then);

        SyncOutcome outcome = await SyncAsync(target);

        Assert.Equal(1, outcome.Copied);
        Assert.Equal(["/app/site/ok.txt"], Assert.Single(target.Uploads));
        Assert.Equal(["FSYNC2010", "FSYNC2010"], _log.Codes);
        Assert.Contains("'/app/site/linked' in fake fake", _log.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("is a link", _log.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("2 file(s)", _log.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("is a file", _log.Errors[1].Message, StringComparison.Ordinal);
        Assert.Equal(["ok.txt"], State(target).Entries.Keys);
        Assert.DoesNotContain(target.Stats, path => path.StartsWith("/app/site/linked/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_folder_created_above_the_rules_dest_belongs_to_root_and_the_dest_and_below_to_the_owner()
    {
        var target = new FakeTarget();
        _temp.Write("ctx/sub/a.txt", "a", Then);
        var owner = new FileOwner(1000, 1000);
        byte[]? archive = null;
        var recorder = new RecordingTarget(target, bytes => archive = bytes);

        await SyncAsync(recorder, "/srv/web", _options with { Owner = owner });

        Assert.Equal("/", Assert.Single(target.UploadRoots));
        Assert.Equal(["/srv", "/srv/web", "/srv/web/sub"], target.UploadFolders[0]);
        Assert.NotNull(archive);
        var owners = ReadFolderOwners(archive!);
        Assert.Equal(new Dictionary<string, (int, int)> { ["srv"] = (0, 0), ["srv/web"] = (1000, 1000), ["srv/web/sub"] = (1000, 1000) }, owners);
    }

    [Fact]
    public async Task A_file_that_becomes_a_folder_and_back_converges_in_a_folder_target()
    {
        string root = _temp.Folder("root");
        var target = new DirectoryTarget(root, "/app", null);
        _temp.Write("ctx/a.txt", "a file", Then);
        await SyncAsync(target, "/app");

        File.Delete(_temp.Combine("ctx/a.txt"));
        _temp.Write("ctx/a.txt/inner", "inside", Then);
        SyncOutcome toFolder = await SyncAsync(target, "/app");

        Assert.Equal((1, 1), (toFolder.Copied, toFolder.Deleted));
        Assert.Equal("inside", File.ReadAllText(_temp.Combine("root/app/a.txt/inner")));

        Directory.Delete(_temp.Combine("ctx/a.txt"), recursive: true);
        _temp.Write("ctx/a.txt", "a file again", Then);
        SyncOutcome toFile = await SyncAsync(target, "/app");

        Assert.Equal((1, 1), (toFile.Copied, toFile.Deleted));
        Assert.Equal("a file again", File.ReadAllText(_temp.Combine("root/app/a.txt")));
        Assert.Empty(_log.Codes);
        SyncOutcome again = await SyncAsync(target, "/app");
        Assert.Equal((0, 0), (again.Copied, again.Deleted));
        Assert.DoesNotContain("/app/a.txt", State(target).CreatedFolders);
    }

    [Fact]
    public async Task Deletes_in_the_way_run_before_the_upload_and_a_folder_that_cannot_be_removed_is_FSYNC2013()
    {
        var target = new FakeTarget();
        target.Paths["/app"] = PathKind.Folder;
        _temp.Write("ctx/x/a/inner.txt", "inner", Then);
        _temp.Write("ctx/x/b", "b, a file", Then);
        await SyncAsync(target);

        File.Delete(_temp.Combine("ctx/x/b"));
        _temp.Write("ctx/x/b/now.txt", "b is a folder", Then);
        Directory.Delete(_temp.Combine("ctx/x/a"), recursive: true);
        _temp.Write("ctx/x/a", "a is a file", Then);
        target.KeepFolders.Add("/app/site/x/a");

        SyncOutcome outcome = await SyncAsync(target);

        Assert.Equal(["/app/site/x/a/inner.txt", "/app/site/x/b"], target.DeleteRequests[0].Order(StringComparer.Ordinal));
        Assert.Equal(["/app/site/x/a"], target.RemoveFolderRequests[0]);
        Assert.Equal(["/app/site/x/b/now.txt"], target.Uploads[1]);
        Assert.Equal(1, outcome.Copied);
        Assert.Equal("FSYNC2013", Assert.Single(_log.Errors).Code);
        Assert.Contains("/app/site/x/a", State(target).CreatedFolders);
        Assert.DoesNotContain("x/a", State(target).Entries.Keys);
    }

    private static Dictionary<string, (int, int)> ReadFolderOwners(byte[] archive)
    {
        var owners = new Dictionary<string, (int, int)>();
        using var reader = new System.Formats.Tar.TarReader(new MemoryStream(archive));
        while (reader.GetNextEntry() is { } entry)
        {
            if (entry.EntryType == System.Formats.Tar.TarEntryType.Directory)
            {
                owners[entry.Name.TrimEnd('/')] = (((System.Formats.Tar.PosixTarEntry)entry).Uid, ((System.Formats.Tar.PosixTarEntry)entry).Gid);
            }
        }

        return owners;
    }

    /// <summary>Passes everything to a fake target, keeping the bytes of the archive too.</summary>
    private sealed class RecordingTarget(FakeTarget inner, Action<byte[]> archive) : ISyncTarget
    {
        public string Kind => inner.Kind;

        public string DisplayName => inner.DisplayName;

        public string InstanceId => inner.InstanceId;

        public string? WorkingDirectory => inner.WorkingDirectory;

        public Task<FileOwner> ResolveDefaultOwnerAsync(SyncState state, CancellationToken cancellationToken) => inner.ResolveDefaultOwnerAsync(state, cancellationToken);

        public Task<PathKind> StatAsync(string path, CancellationToken cancellationToken) => inner.StatAsync(path, cancellationToken);

        public Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken) =>
            inner.UploadAsync(root, async (stream, token) =>
            {
                using var copy = new MemoryStream();
                await writeArchive(copy, token);
                archive(copy.ToArray());
                copy.Position = 0;
                await copy.CopyToAsync(stream, token);
            }, cancellationToken);

        public Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken) => inner.DeleteAsync(paths, cancellationToken);

        public Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken) => inner.RemoveFoldersAsync(folders, cancellationToken);
    }
}
