using System.Runtime.Versioning;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.State;
using FileSync.Targets;
using FileSync.Tests.Core;
using FileSync.Tests.Docker;
using FileSync.Tests.Infrastructure;

namespace FileSync.Tests.Settings;

/// <summary>
/// Against the real engine: a paused container is refused before anything is sent ("docker unpause", FSYNC2030), also
/// as one match of a selector; and when replicas fail, each one's error is reported while the others sync and record.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class PausedAndFailingReplicasTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;
    private readonly SyncOptions _options;

    public PausedAndFailingReplicasTests()
    {
        _context = _temp.Folder("ctx");
        _temp.Write("ctx/hello.txt", "hello from the host\n");
        _options = new SyncOptions(_temp.Combine("obj/filesync")) { LockTimeout = TimeSpan.FromSeconds(30) };
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_paused_container_is_refused_with_docker_unpause_and_nothing_is_sent()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        await DockerCli.RunCheckedAsync(["pause", container.Id], Ct);

        await SyncLikeTheTaskAsync(new TargetSettings("docker") { Container = container.Name });

        Diagnostic error = Assert.Single(_log.Errors);
        Assert.Equal("FSYNC2030", error.Code);
        Assert.Contains($"'{container.Name}' is paused", error.Message, StringComparison.Ordinal);
        Assert.Contains($"docker unpause {container.Name}", error.Message, StringComparison.Ordinal);
        await DockerCli.RunCheckedAsync(["unpause", container.Id], Ct);
        Assert.Equal(1, (await container.TryExecAsync("test", "-e", "/app/hello.txt")).ExitCode);
        Assert.Empty(Directory.Exists(_options.StateDirectory) ? Directory.GetFiles(_options.StateDirectory, "*.state") : []);
    }

    [Fact]
    public async Task Of_three_replicas_the_running_one_syncs_and_the_paused_and_the_read_only_ones_are_each_reported()
    {
        string value = Guid.NewGuid().ToString("N");
        var labels = new Dictionary<string, string> { ["filesync.replicas"] = value };
        await using var running = await TestContainer.StartAsync(labels, ct: Ct);
        await using var paused = await TestContainer.StartAsync(labels, ct: Ct);
        await using var readOnly = await ReadOnlyContainer.StartAsync(value);
        await DockerCli.RunCheckedAsync(["pause", paused.Id], Ct);

        IReadOnlyList<SyncOutcome> outcomes = await SyncLikeTheTaskAsync(new TargetSettings("docker") { Selector = "filesync.replicas=" + value });

        Assert.Equal(1, Assert.Single(outcomes).Copied);
        Assert.Equal("hello from the host\n", await running.ExecAsync("cat", "/app/hello.txt"));
        Assert.Equal(2, _log.Errors.Count);
        Diagnostic pausedError = Assert.Single(_log.Errors, e => e.Code == "FSYNC2030");
        Assert.Contains($"'{paused.Name}'", pausedError.Message, StringComparison.Ordinal);
        Diagnostic readOnlyError = Assert.Single(_log.Errors, e => e.Code == "FSYNC2012");
        Assert.Contains($"'{readOnly.Name}'", readOnlyError.Message, StringComparison.Ordinal);
        Assert.Contains(_log.Summaries, line => line.StartsWith("FileSync: 1 changed, 0 deleted", StringComparison.Ordinal) && line.Contains($"docker {running.Name} (", StringComparison.Ordinal));
        Assert.Contains(_log.Summaries, line => line.StartsWith("FileSync: failed (FSYNC2012) -> docker " + readOnly.Name, StringComparison.Ordinal));
        Assert.Equal(1, (await readOnly.TryExecAsync("test", "-e", "/app/hello.txt")).ExitCode);
        await DockerCli.RunCheckedAsync(["unpause", paused.Id], Ct);
        Assert.Equal(1, (await paused.TryExecAsync("test", "-e", "/app/hello.txt")).ExitCode);

        // The running replica recorded its sync: the next one is up to date for it.
        // The read-only one refused before writing anything: its state records nothing, not even a pending delete.
        string[] states = Directory.GetFiles(_options.StateDirectory, "*.state");
        SyncState state = Assert.Single(states.Select(path => StateStore.Load(path, running.Id, _log)), loaded => loaded.Entries.Count > 0);
        Assert.Equal(["hello.txt"], state.Entries.Keys);
        Assert.All(states.Select(path => StateStore.Load(path, readOnly.Id, _log)), refused => Assert.Empty(refused.Entries.Keys.Concat(refused.PendingDeletes)));
    }

    [Fact]
    public async Task A_container_paused_after_the_resolve_gets_FSYNC2030_from_the_delete_not_docker_start()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = DockerClientTests.NewClient();
        // The engine's path (a paused container's root can still be written directly: only the exec is refused).
        ISyncTarget target = Assert.Single(await TargetFactory.ResolveAsync(new TargetSettings("docker") { Container = container.Id, DirectWrite = false }, _ => client, _log, Ct));
        await DockerCli.RunCheckedAsync(["pause", container.Id], Ct);
        try
        {
            var error = await Assert.ThrowsAsync<FileSyncException>(() => target.DeleteAsync(["/app/old.txt"], Ct));

            Assert.Equal("FSYNC2030", error.Diagnostic.Code);
            Assert.Contains($"docker unpause {container.Name}", error.Diagnostic.Message, StringComparison.Ordinal);
        }
        finally
        {
            await DockerCli.RunCheckedAsync(["unpause", container.Id], Ct);
        }
    }

    /// <summary>What the task does: decide, resolve (errors of single matches are logged there), sync every instance.</summary>
    private async Task<IReadOnlyList<SyncOutcome>> SyncLikeTheTaskAsync(TargetSettings settings)
    {
        IReadOnlyList<SourceFile> sources = new SourceScanner(_context, _log).Scan([new SyncItem("hello.txt", Path.Combine(_context, "hello.txt"), "/app", null)]);
        try
        {
            using var client = DockerClientTests.NewClient();
            IReadOnlyList<ISyncTarget> targets = await TargetFactory.ResolveAsync(settings, _ => client, _log, Ct);
            return await new Syncer(_log).SyncAsync(sources, targets, _options, Ct);
        }
        catch (FileSyncException e)
        {
            _log.Error(e.Diagnostic);
            return [];
        }
    }

    /// <summary>A running container whose root file system is read-only (<c>docker run --read-only</c>): uploads are refused.</summary>
    private sealed class ReadOnlyContainer : IAsyncDisposable
    {
        private ReadOnlyContainer(string id, string name)
        {
            Id = id;
            Name = name;
        }

        public string Id { get; }

        public string Name { get; }

        public static async Task<ReadOnlyContainer> StartAsync(string replicasLabel)
        {
            string name = "filesync-test-ro-" + Guid.NewGuid().ToString("N")[..12];
            string id = (await DockerCli.RunCheckedAsync(["run", "-d", "--read-only", "--network", "none", "--name", name, "--label", "filesync.test=1", "--label", "filesync.replicas=" + replicasLabel, DockerCli.Image], Ct)).Trim();
            return new ReadOnlyContainer(id, name);
        }

        public Task<DockerCli.Result> TryExecAsync(params string[] argv) => DockerCli.RunAsync(["exec", Id, .. argv]);

        public async ValueTask DisposeAsync() => await DockerCli.RunAsync(["rm", "-f", "-v", Id]);
    }
}
