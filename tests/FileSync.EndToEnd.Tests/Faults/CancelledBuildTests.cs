using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// Ctrl+C while a build streams its archive: the build reaches the engine through a proxy that holds the upload once its
/// body has started (part of the archive is in the engine, the rest is not), and the cancel lands then, every time. The
/// build fails, nothing of that sync is recorded as synced, and the next sync sends all of it again and leaves the container exactly matching the sources.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class CancelledBuildTests(PackageFixture package)
{
    private const int BigFiles = 3;

    [Fact]
    public async Task After_ctrl_c_mid_upload_nothing_is_recorded_and_the_next_sync_sends_everything_again()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        await using var proxy = EngineProxy.StartNew();
        using var project = new ConsumerProject(package, "cancelled")
            .Rule("data/**/*", dest: "data", strip: "data/")
            .Property("FileSyncContainer", container.Name)
            .Property("FileSyncDockerHost", proxy.Endpoint);
        project.WriteFile("data/small.txt", "small\n");
        (await project.SyncAsync()).Succeeded();
        IReadOnlyList<string> big = FaultKit.WriteBigFiles(project, "data/big", BigFiles, seed: 4);

        EngineProxy.UploadHold upload = proxy.HoldNextUpload();
        ProcessResult cancelled;
        await using (var build = BackgroundBuild.StartSync(package, project))
        {
            await build.WaitForAsync(upload.Started, "upload body started", TimeSpan.FromMinutes(2));
            build.Interrupt();
            cancelled = await build.WaitAsync(TimeSpan.FromMinutes(4));
        }

        // What the build wrote before it stopped, and its close, reach the engine; the engine is done with it on return.
        await upload.ReleaseAsync();

        cancelled.Failed();
        Assert.Contains("Attempting to cancel the build", cancelled.Output, StringComparison.Ordinal);
        Assert.Empty(SyncSummary.All(cancelled.Output));

        // Nothing of it is recorded as synced (the state only noted, before the upload, where it was going).

        IReadOnlySet<string> toSend = await FaultKit.AssertStateTellsTheTruthAsync(project, container.Id, project.PathOf("data"), "data/", "/app/data");
        Assert.Equal(big.Order(StringComparer.Ordinal), toSend.Order(StringComparer.Ordinal));

        var next = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((BigFiles, 0), (next.Changed, next.Deleted));
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/data", project.PathOf("data"));
    }

    [Fact]
    public async Task A_file_cut_off_by_ctrl_c_and_then_deleted_from_the_project_is_deleted_in_the_container()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        await using var proxy = EngineProxy.StartNew();
        using var project = new ConsumerProject(package, "cancelled-then-deleted")
            .Rule("data/**/*", dest: "data", strip: "data/")
            .Property("FileSyncContainer", container.Name)
            .Property("FileSyncDockerHost", proxy.Endpoint);
        project.WriteFile("data/small.txt", "small\n");
        (await project.SyncAsync()).Succeeded();
        IReadOnlyList<string> big = FaultKit.WriteBigFiles(project, "data/big", BigFiles, seed: 7);

        EngineProxy.UploadHold upload = proxy.HoldNextUpload();
        await using (var build = BackgroundBuild.StartSync(package, project))
        {
            await build.WaitForAsync(upload.Started, "upload body started", TimeSpan.FromMinutes(2));
            build.Interrupt();
            (await build.WaitAsync(TimeSpan.FromMinutes(4))).Failed();
        }

        await upload.ReleaseAsync();

        // The first file of the archive was being written when the build stopped: a truncated copy is in the container.
        Assert.True(await InContainer.ExistsAsync(container.Id, "/app/data/big/f00.bin"));

        // The user gives up on it: the next sync deletes it there, though no sync ever recorded it, and sends the rest.
        project.DeleteFile(big[0]);
        var next = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((BigFiles - 1, 1), (next.Changed, next.Deleted));
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/data", project.PathOf("data"));
        Assert.True(SyncSummary.Single((await project.SyncAsync()).Succeeded()).UpToDate);
    }
}
