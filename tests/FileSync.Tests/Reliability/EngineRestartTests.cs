using System.Runtime.Versioning;
using FileSync.Diagnostics;
using FileSync.Docker;
using FileSync.Planning;
using FileSync.Targets;
using FileSync.Tests.Core;
using FileSync.Tests.Infrastructure;

namespace FileSync.Tests.Reliability;

/// <summary>
/// The Docker engine restarts between syncs (a proxy in front of its socket is stopped, its connections cut, and started
/// again): the same client reconnects, and while the engine is down a sync fails fast with FSYNC2001 and records nothing.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class EngineRestartTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _socket = Path.Combine(Path.GetTempPath(), "filesync-engine-" + Guid.NewGuid().ToString("N")[..12] + ".sock");

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_same_client_reconnects_after_a_restart_and_a_sync_while_the_engine_is_down_is_FSYNC2001_with_the_state_unchanged()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        var proxy = EngineProxy.Start(_socket);
        try
        {
            using var client = DockerClient.Create("unix://" + _socket);
            ContainerInfo info = Assert.IsType<ContainerInfo>(await client.InspectContainerAsync(container.Id, Ct));
            var target = new DockerTarget(client, info, _log);
            var syncer = new Syncer(_log);
            var options = new SyncOptions(_temp.Combine("obj/filesync"));
            string statePath = Syncer.StatePath(options.StateDirectory, target);
            _temp.Write("ctx/a.txt", "one\n");
            _temp.Write("ctx/b.txt", "b\n");

            Assert.Equal(2, (await syncer.SyncOneAsync(Sources(), target, options, Ct)).Copied);

            // A restart with the client's pooled connection cut under it: the next call goes through on a new one.
            await proxy.DisposeAsync();
            proxy = EngineProxy.Start(_socket);
            _temp.Write("ctx/a.txt", "two, after the first restart\n");

            Assert.Equal(1, (await syncer.SyncOneAsync(Sources(), target, options, Ct)).Copied);
            Assert.Equal("two, after the first restart\n", await container.ExecAsync("cat", "/data/a.txt"));

            // The engine goes down: a call fails fast as unreachable, a sync with FSYNC2001, and the state stays as it was.
            await proxy.DisposeAsync();
            var down = await Assert.ThrowsAsync<DockerException>(() => client.ListContainersAsync([], Ct));
            Assert.True(down.Unreachable, down.Message);
            // Fast by its cause: the pooled connection is dropped and the new connect fails on the missing socket at once
            // (no connect timeout running out, no retry).
            Assert.Contains("does not exist", down.Message, StringComparison.Ordinal);
            Assert.IsType<System.Net.Sockets.SocketException>(down.InnerException);

            _temp.Write("ctx/a.txt", "three, while the engine is down\n");
            byte[] stateBefore = File.ReadAllBytes(statePath);
            var failure = await Assert.ThrowsAsync<FileSyncException>(() => syncer.SyncOneAsync(Sources(), target, options, Ct));

            Assert.Equal("FSYNC2001", failure.Diagnostic.Code);
            Assert.Contains("unix://" + _socket, failure.Diagnostic.Message, StringComparison.Ordinal);
            Assert.Equal(stateBefore, File.ReadAllBytes(statePath));
            Assert.Equal("two, after the first restart\n", await container.ExecAsync("cat", "/data/a.txt"));

            // Back up on the same socket: the same client and target bring the container up to date.
            proxy = EngineProxy.Start(_socket);
            Assert.NotNull(await client.ListContainersAsync([], Ct));

            Assert.Equal(1, (await syncer.SyncOneAsync(Sources(), target, options, Ct)).Copied);
            Assert.Equal("three, while the engine is down\n", await container.ExecAsync("cat", "/data/a.txt"));
            Assert.Equal("b\n", await container.ExecAsync("cat", "/data/b.txt"));
        }
        finally
        {
            await proxy.DisposeAsync();
        }
    }

    /// <summary>Every file under ctx/, synced to /data.</summary>
    private IReadOnlyList<SourceFile> Sources()
    {
        string context = _temp.Combine("ctx");
        return new SourceScanner(context, _log).Scan(Directory.EnumerateFiles(context)
            .Select(path => new SyncItem(Path.GetFileName(path), path, "/data", null)));
    }
}
