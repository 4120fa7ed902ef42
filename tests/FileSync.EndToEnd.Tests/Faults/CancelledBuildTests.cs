using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// Ctrl+C while a build streams its archive: the build reaches the engine through a proxy that holds the upload once its
/// body has started (part of the archive is in the engine, the rest is not), and the cancel lands then, every time. The
/// build fails, nothing of that sync is recorded (the state file is byte for byte what it was), and the next sync sends
/// all of it again and leaves the container exactly matching the sources.
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
        byte[] stateBefore = File.ReadAllBytes(FaultKit.StateFile(project));

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
        Assert.Equal(stateBefore, File.ReadAllBytes(FaultKit.StateFile(project)));

        IReadOnlySet<string> toSend = await FaultKit.AssertStateTellsTheTruthAsync(project, container.Id, project.PathOf("data"), "data/", "/app/data");
        Assert.Equal(big.Order(StringComparer.Ordinal), toSend.Order(StringComparer.Ordinal));

        var next = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((BigFiles, 0), (next.Changed, next.Deleted));
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/data", project.PathOf("data"));
    }
}
