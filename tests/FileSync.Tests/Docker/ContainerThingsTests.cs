using System.Runtime.Versioning;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Docker;
using FileSync.Planning;
using FileSync.State;
using FileSync.Targets;
using FileSync.Tests.Core;
using FileSync.Tests.Infrastructure;

namespace FileSync.Tests.Docker;

/// <summary>
/// What a sync does to what the container already holds, against the real engine, read back with the docker CLI: a
/// sync changes the files it syncs and nothing else (no folder's mode, owner or kind; nothing through a link; no folder
/// replaced by a file), and kind changes in the sources converge.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ContainerThingsTests : IDisposable
{
    private static readonly DateTime Then = new(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);

    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;
    private readonly SyncOptions _options;

    public ContainerThingsTests()
    {
        _context = _temp.Folder("ctx");
        _options = new SyncOptions(_temp.Combine("obj/filesync"));
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every file now under the context, through one rule.</summary>
    private IReadOnlyList<SourceFile> Sources(string dest, string? strip = null)
    {
        var items = Directory.EnumerateFiles(_context, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(_context, path).Replace('\\', '/'))
            .Select(relative => new SyncItem(relative, Path.Combine(_context, relative), dest, strip));
        return new SourceScanner(_context, _log).Scan(items);
    }

    private static async Task<DockerTarget> TargetAsync(DockerClient client, string id) =>
        new(client, Assert.IsType<ContainerInfo>(await client.InspectContainerAsync(id, Ct)), new RecordingLog());

    private Task<SyncOutcome> SyncAsync(ISyncTarget target, string dest, string? strip = null, SyncOptions? options = null) =>
        new Syncer(_log).SyncOneAsync(Sources(dest, strip), target, options ?? _options, Ct);

    private SyncState State(ISyncTarget target) => StateStore.Load(Syncer.StatePath(_options.StateDirectory, target), target.InstanceId, new RecordingLog());

    private static async Task<string> StatAsync(TestContainer container, string format, string path) =>
        (await container.ExecAsync("stat", "-c", format, path)).Trim();

    [Fact]
    public async Task Existing_parent_folders_keep_their_mode_and_owner_with_dest_at_the_root_and_an_owner()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = DockerClientTests.NewClient();
        DockerTarget target = await TargetAsync(client, container.Id);
        _temp.Write("ctx/root/tmp/hello.txt", "hello\n", Then);
        _temp.Write("ctx/root/etc/filesync-test.conf", "conf\n", Then);
        var options = _options with { Owner = new FileOwner(1000, 1000) };

        SyncOutcome outcome = await SyncAsync(target, "/", "root/", options);

        Assert.Equal(2, outcome.Copied);
        Assert.Equal("hello\n", await container.ExecAsync("cat", "/tmp/hello.txt"));
        Assert.Equal("1000:1000", await StatAsync(container, "%u:%g", "/tmp/hello.txt"));
        Assert.Equal("1777 0:0", await StatAsync(container, "%a %u:%g", "/tmp"));
        Assert.Equal("755 0:0", await StatAsync(container, "%a %u:%g", "/etc"));
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public async Task A_private_folder_of_the_container_keeps_its_mode_and_owner_and_a_new_folder_gets_the_owner()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        await container.ExecAsync("sh", "-c", "mkdir -p /app/data && chmod 700 /app/data");
        using var client = DockerClientTests.NewClient();
        DockerTarget target = await TargetAsync(client, container.Id);
        _temp.Write("ctx/data/x.txt", "x\n", Then);
        _temp.Write("ctx/fresh/y.txt", "y\n", Then);
        var options = _options with { Owner = new FileOwner(1000, 1000) };

        await SyncAsync(target, "/app", options: options);

        Assert.Equal("x\n", await container.ExecAsync("cat", "/app/data/x.txt"));
        Assert.Equal("700 0:0 directory", await StatAsync(container, "%a %u:%g %F", "/app/data"));
        Assert.Equal("755 1000:1000 directory", await StatAsync(container, "%a %u:%g %F", "/app/fresh"));
        Assert.Equal(["/app/fresh"], State(target).CreatedFolders);
    }

    [Fact]
    public async Task A_link_in_the_container_where_a_folder_goes_is_neither_followed_nor_replaced_FSYNC2010()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        await container.ExecAsync("sh", "-c", "mkdir -p /srv/data && ln -s /srv/data /app/sub2");
        using var client = DockerClientTests.NewClient();
        DockerTarget target = await TargetAsync(client, container.Id);
        _temp.Write("ctx/sub2/y.txt", "through the link?\n", Then);
        _temp.Write("ctx/ok.txt", "ok\n", Then);

        SyncOutcome outcome = await SyncAsync(target, "/app");

        Assert.Equal(1, outcome.Copied);
        Diagnostic error = Assert.Single(_log.Errors);
        Assert.Equal("FSYNC2010", error.Code);
        Assert.Contains("'/app/sub2'", error.Message, StringComparison.Ordinal);
        Assert.Contains("sub2/y.txt", error.Message, StringComparison.Ordinal);
        Assert.Equal("symbolic link", await StatAsync(container, "%F", "/app/sub2"));
        Assert.Equal(1, (await container.TryExecAsync("test", "-e", "/srv/data/y.txt")).ExitCode);
        Assert.Equal("ok\n", await container.ExecAsync("cat", "/app/ok.txt"));
        Assert.Equal(["ok.txt"], State(target).Entries.Keys);
    }

    [Fact]
    public async Task A_synced_file_never_replaces_a_folder_of_the_container_FSYNC2011_and_nothing_is_recorded()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        await container.ExecAsync("sh", "-c", "mkdir -p /app/cfg/sub && echo keep > /app/cfg/sub/keep.db");
        using var client = DockerClientTests.NewClient();
        DockerTarget target = await TargetAsync(client, container.Id);
        _temp.Write("ctx/cfg", "a file\n", Then);

        var error = await Assert.ThrowsAsync<FileSyncException>(() => SyncAsync(target, "/app"));

        Assert.Equal("FSYNC2011", error.Diagnostic.Code);
        Assert.Contains("'/app/cfg'", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("'cfg'", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal("keep\n", await container.ExecAsync("cat", "/app/cfg/sub/keep.db"));
        Assert.Empty(State(target).Entries);
    }

    [Fact]
    public async Task A_read_only_root_with_a_volume_at_app_takes_files_below_app_and_names_the_path_otherwise()
    {
        string id = (await DockerCli.RunCheckedAsync(["run", "-d", "--read-only", "--network", "none", "--label", "filesync.test=1", "-v", "/app", DockerCli.Image], Ct)).Trim();
        try
        {
            using var client = DockerClientTests.NewClient();
            DockerTarget target = await TargetAsync(client, id);
            _temp.Write("ctx/a.txt", "a\n", Then);
            _temp.Write("ctx/sub/b.txt", "b\n", Then);

            SyncOutcome outcome = await SyncAsync(target, "/app");

            Assert.Equal(2, outcome.Copied);
            Assert.Equal("b\n", await DockerCli.RunCheckedAsync(["exec", id, "cat", "/app/sub/b.txt"], Ct));

            _temp.Write("ctx/a.txt", "a, changed\n", Then.AddMinutes(1));
            var error = await Assert.ThrowsAsync<FileSyncException>(() => new Syncer(_log).SyncOneAsync(
                [.. Sources("/app"), .. new SourceScanner(_context, _log).Scan([new SyncItem("a.txt", Path.Combine(_context, "a.txt"), "/etc/app", null)])], target, _options, Ct));

            Assert.Equal("FSYNC2012", error.Diagnostic.Code);
            Assert.Contains("'/'", error.Diagnostic.Message, StringComparison.Ordinal);
        }
        finally
        {
            await DockerCli.RunAsync(["rm", "-f", "-v", id], CancellationToken.None);
        }
    }

    [Fact]
    public async Task Removing_FileSyncOwner_gives_the_files_back_to_the_container_user()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = DockerClientTests.NewClient();
        DockerTarget target = await TargetAsync(client, container.Id);
        _temp.Write("ctx/sub/a.txt", "a\n", Then);

        await SyncAsync(target, "/app", options: _options with { Owner = new FileOwner(1000, 1000) });
        Assert.Equal("1000:1000", await StatAsync(container, "%u:%g", "/app/sub/a.txt"));

        SyncOutcome outcome = await SyncAsync(target, "/app");

        Assert.Equal(1, outcome.Copied);
        Assert.Equal("0:0", await StatAsync(container, "%u:%g", "/app/sub/a.txt"));
        Assert.Equal("0:0", await StatAsync(container, "%u:%g", "/app/sub"));
        Assert.Equal("0:0", State(target).AppliedOwner);
    }

    [Fact]
    public async Task A_file_that_becomes_a_folder_and_back_converges_on_the_next_sync()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = DockerClientTests.NewClient();
        DockerTarget target = await TargetAsync(client, container.Id);
        _temp.Write("ctx/a.txt", "a file\n", Then);
        await SyncAsync(target, "/app");

        File.Delete(_temp.Combine("ctx/a.txt"));
        _temp.Write("ctx/a.txt/inner", "inside a folder\n", Then);
        SyncOutcome toFolder = await SyncAsync(target, "/app");

        Assert.Equal((1, 1), (toFolder.Copied, toFolder.Deleted));
        Assert.Equal("inside a folder\n", await container.ExecAsync("cat", "/app/a.txt/inner"));
        Assert.Empty(_log.Codes);

        Directory.Delete(_temp.Combine("ctx/a.txt"), recursive: true);
        _temp.Write("ctx/a.txt", "a file again\n", Then);
        SyncOutcome toFile = await SyncAsync(target, "/app");

        Assert.Equal((1, 1), (toFile.Copied, toFile.Deleted));
        Assert.Equal("a file again\n", await container.ExecAsync("cat", "/app/a.txt"));
        Assert.Empty(_log.Codes);
        Assert.Contains("up to date", (await SyncAsync(target, "/app")) is { Copied: 0, Deleted: 0 } ? _log.Summaries[^1] : "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_FileSync_created_that_holds_something_else_is_kept_when_a_file_takes_its_place_FSYNC2013()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = DockerClientTests.NewClient();
        DockerTarget target = await TargetAsync(client, container.Id);
        _temp.Write("ctx/a.txt/inner", "inside\n", Then);
        await SyncAsync(target, "/app");
        await container.ExecAsync("sh", "-c", "echo theirs > /app/a.txt/theirs.db");

        Directory.Delete(_temp.Combine("ctx/a.txt"), recursive: true);
        _temp.Write("ctx/a.txt", "a file\n", Then);
        SyncOutcome outcome = await SyncAsync(target, "/app");

        Assert.Equal(0, outcome.Copied);
        Diagnostic error = Assert.Single(_log.Errors);
        Assert.Equal("FSYNC2013", error.Code);
        Assert.Contains("'/app/a.txt'", error.Message, StringComparison.Ordinal);
        Assert.Equal("theirs\n", await container.ExecAsync("cat", "/app/a.txt/theirs.db"));
        Assert.Equal(1, (await container.TryExecAsync("test", "-e", "/app/a.txt/inner")).ExitCode);
        Assert.DoesNotContain("a.txt", State(target).Entries.Keys);
    }

    [Fact]
    public async Task Without_rmdir_a_folder_that_becomes_a_file_is_FSYNC2014_and_converges_once_rmdir_is_back()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = DockerClientTests.NewClient();
        var targetLog = new RecordingLog();
        var target = new DockerTarget(client, Assert.IsType<ContainerInfo>(await client.InspectContainerAsync(container.Id, Ct)), targetLog);
        _temp.Write("ctx/a.txt/inner", "inside\n", Then);
        await SyncAsync(target, "/app");
        await container.ExecAsync("rm", "/bin/rmdir");

        Directory.Delete(_temp.Combine("ctx/a.txt"), recursive: true);
        _temp.Write("ctx/a.txt", "a file\n", Then);
        SyncOutcome blocked = await SyncAsync(target, "/app");

        Assert.Equal(0, blocked.Copied);
        Assert.Equal("FSYNC2014", Assert.Single(targetLog.Warnings).Code);
        Assert.Contains("/app/a.txt", targetLog.Warnings[0].Message, StringComparison.Ordinal);
        Assert.Equal("FSYNC2013", Assert.Single(_log.Errors).Code);
        Assert.Equal("directory", await StatAsync(container, "%F", "/app/a.txt"));

        await container.ExecAsync("ln", "-s", "/bin/busybox", "/bin/rmdir");
        SyncOutcome converged = await SyncAsync(target, "/app");

        Assert.Equal(1, converged.Copied);
        Assert.Equal("a file\n", await container.ExecAsync("cat", "/app/a.txt"));
    }

    [Fact]
    public async Task The_container_user_is_resolved_into_its_own_cache_never_from_the_owner_applied()
    {
        // Created, not started: the test image's root folder is 0700, so it cannot run as a non-root user.
        await using var container = await TestContainer.CreateAsync(user: "app", ct: Ct);
        using var client = DockerClientTests.NewClient();
        DockerTarget target = await TargetAsync(client, container.Id);
        SyncState state = SyncState.Empty(container.Id);
        state.AppliedOwner = "7:7"; // what an earlier FileSyncOwner gave the files

        Assert.Equal(new FileOwner(1000, 1000), await target.ResolveDefaultOwnerAsync(state, Ct));
        Assert.Equal(new UserCache("app", "1000:1000"), state.ResolvedUser);
        Assert.Equal("7:7", state.AppliedOwner);

        state.ResolvedUser = new UserCache("app", "4242:4242");
        Assert.Equal(new FileOwner(4242, 4242), await target.ResolveDefaultOwnerAsync(state, Ct)); // cached: /etc/passwd not read

        state.ResolvedUser = new UserCache("someone-else", "4242:4242");
        Assert.Equal(new FileOwner(1000, 1000), await target.ResolveDefaultOwnerAsync(state, Ct));
    }
}
