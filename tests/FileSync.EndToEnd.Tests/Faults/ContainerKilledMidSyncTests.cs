using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// The container is killed while a build's upload is under way, and the upload breaks off: the build reaches the engine
/// through a proxy that holds the upload once its body has started, the test kills the container and cuts the upload's
/// connection. The build fails with FSYNC2005 (the engine broke off the upload), records nothing as
/// synced (the state only notes, before the upload, where it was going), and once the container is started again the next sync sends everything again, does the
/// pending delete, and leaves the container exactly matching the sources.
/// </summary>
/// <remarks>
/// The proxy holds both directions of the upload's connection, so whether <c>docker kill</c> waits for the extraction
/// (Docker 20.10 holds the container's lock while it extracts) or the engine answers early, the build only sees its
/// connection break: one outcome, every time.
/// </remarks>
[UnsupportedOSPlatform("windows")]
public sealed class ContainerKilledMidSyncTests(PackageFixture package)
{
    private const int BigFiles = 3;

    [Fact]
    public async Task A_kill_with_the_upload_cut_is_FSYNC2005_records_nothing_and_the_next_sync_sends_everything()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var container = await TestContainer.StartAsync(ct: ct);
        await using var proxy = EngineProxy.StartNew();
        using var project = new ConsumerProject(package, "killed")
            .Rule("data/**/*", dest: "data", strip: "data/")
            .Property("FileSyncContainer", container.Name)
            .Property("FileSyncDockerHost", proxy.Endpoint);
        project.WriteFile("data/small.txt", "small\n");
        project.WriteFile("data/old.txt", "deleted before the killed sync\n");
        (await project.SyncAsync()).Succeeded();
        project.DeleteFile("data/old.txt"); // a delete after the upload: pending until a sync gets past its upload
        IReadOnlyList<string> big = FaultKit.WriteBigFiles(project, "data/big", BigFiles, seed: 1);

        EngineProxy.UploadHold upload = proxy.HoldNextUpload();
        ProcessResult killed;
        await using (var build = BackgroundBuild.StartSync(package, project))
        {
            await build.WaitForAsync(upload.Started, "upload body started", TimeSpan.FromMinutes(2));
            Task<DockerCli.Result> kill = DockerCli.RunAsync(["kill", container.Id], ct);
            await upload.CutAsync();
            Assert.Equal(0, (await kill).ExitCode);
            killed = await build.WaitAsync(TimeSpan.FromMinutes(4));
        }

        killed.Failed();
        string error = Assert.Single(FaultKit.Diagnostics(killed, "error", "FSYNC2005"));
        Assert.Contains(container.Name, error, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"error FSYNC(?!2005)\d{4}:", killed.Output);
        Assert.Empty(SyncSummary.All(killed.Output));

        await DockerCli.RunCheckedAsync(["start", container.Id], ct);
        IReadOnlySet<string> toSend = await FaultKit.AssertStateTellsTheTruthAsync(project, container.Id, project.PathOf("data"), "data/", "/app/data");
        Assert.Equal(big.Order(StringComparer.Ordinal), toSend.Order(StringComparer.Ordinal));

        var next = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((BigFiles, 1, container.Id[..12]), (next.Changed, next.Deleted, next.ShortId));
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/data", project.PathOf("data"));
    }
}
