using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Faults;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Server;

/// <summary>
/// Ctrl+C in a build whose sync runs on the server, while the server streams the archive (held by a proxy once its body
/// started): the build fails as cancelled, the server drops that job (it sees the build hang up), nothing of it is
/// recorded, and the next sync, on the same server, leaves the container exactly matching the sources.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ServerCancelTests(PackageFixture package)
{
    private const int BigFiles = 3;

    [Fact]
    public async Task Ctrl_c_in_the_build_cancels_the_servers_upload_and_the_next_sync_converges()
    {
        await using var sandbox = new ServerSandbox();
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        await using var proxy = EngineProxy.StartNew();
        using var project = new ConsumerProject(package, "server-cancel")
            .Rule("data/**/*", dest: "data", strip: "data/")
            .Property("FileSyncContainer", container.Name)
            .Property("FileSyncDockerHost", proxy.Endpoint);
        project.WriteFile("data/small.txt", "small\n");
        (await sandbox.SyncAsync(project)).Succeeded();
        int pid = Assert.IsType<int>(sandbox.PidFromFile());
        FaultKit.WriteBigFiles(project, "data/big", BigFiles, seed: 11);

        EngineProxy.UploadHold upload = proxy.HoldNextUpload();
        ProcessResult cancelled;
        await using (var build = BackgroundBuild.StartSync(package, project, sandbox.Environment(), "-p:FileSyncServer=true", "-v:d"))
        {
            await build.WaitForAsync(upload.Started, "upload body started", TimeSpan.FromMinutes(2));
            build.Interrupt();
            cancelled = await build.WaitAsync(TimeSpan.FromMinutes(4));
        }

        await upload.ReleaseAsync();

        cancelled.Failed();
        Assert.Contains("Attempting to cancel the build", cancelled.Output, StringComparison.Ordinal);
        Assert.Empty(SyncSummary.All(cancelled.Output));

        var next = (await sandbox.SyncAsync(project)).Succeeded();
        Assert.Contains($"FSYNC7020: Synced by the FileSync sync server (pid {pid},", next.Output, StringComparison.Ordinal);
        Assert.Equal((BigFiles, 0), (SyncSummary.Single(next).Changed, SyncSummary.Single(next).Deleted));
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/data", project.PathOf("data"));
    }

    [Fact]
    public async Task Two_builds_at_once_take_turns_on_the_server_and_both_succeed()
    {
        await using var sandbox = new ServerSandbox();
        await using var container = await CustomContainer.StartAsync();
        using var project = new ConsumerProject(package, "server-twice")
            .Rule("site/**/*", dest: "site", strip: "site/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("site/a.txt", "one\n");
        (await sandbox.SyncAsync(project)).Succeeded();
        int pid = Assert.IsType<int>(sandbox.PidFromFile());
        for (int i = 0; i < 20; i++)
        {
            project.WriteFile($"site/many/f{i:D2}.txt", new string('x', i + 1) + "\n");
        }

        ProcessResult[] both = await Task.WhenAll(sandbox.SyncAsync(project), sandbox.SyncAsync(project));

        Assert.All(both, result => Assert.Contains($"FSYNC7020: Synced by the FileSync sync server (pid {pid},", result.Succeeded().Output, StringComparison.Ordinal));
        Assert.Equal(20, both.Sum(result => SyncSummary.Single(result).Changed));
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/site", project.PathOf("site"));
    }
}
