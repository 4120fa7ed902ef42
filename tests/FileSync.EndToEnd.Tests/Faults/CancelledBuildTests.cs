using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// Ctrl+C while a build streams a big archive: the build fails, the container keeps whatever part arrived, nothing of that
/// sync is recorded, and the next sync sends it all again and leaves the container exactly matching the sources.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class CancelledBuildTests(PackageFixture package)
{
    private const int BigFiles = 16;

    [Fact]
    public async Task After_ctrl_c_mid_sync_the_next_sync_sends_everything_again_and_matches()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "cancelled")
            .Rule("data/**/*", dest: "data", strip: "data/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("data/small.txt", "small\n");
        (await project.SyncAsync()).Succeeded();
        IReadOnlyList<string> big = FaultKit.WriteBigFiles(project, "data/big", BigFiles, seed: 4);
        byte[] stateBefore = File.ReadAllBytes(FaultKit.StateFile(project));

        ProcessResult cancelled;
        await using (var build = BackgroundBuild.StartSync(package, project))
        {
            // Any file after the first: the archive is on its way and part of it may already be in the container.
            await build.WaitUntilSendingAsync([.. big.Skip(1).Select(project.PathOf)], TimeSpan.FromMinutes(2));
            build.Interrupt();
            cancelled = await build.WaitAsync(TimeSpan.FromMinutes(4));
        }

        cancelled.Failed();
        Assert.Contains("Attempting to cancel the build", cancelled.Output, StringComparison.Ordinal);
        // Cut mid-upload (the archive is big enough that the cancel practically always lands before its end): no summary,
        // and the state is byte for byte what it was. Should the engine have confirmed the whole upload first, the state
        // may hold it, and the dry run below checks that the container really has it.
        bool uploadConfirmed = SyncSummary.All(cancelled.Output).Count > 0;
        if (!uploadConfirmed)
        {
            Assert.Equal(stateBefore, File.ReadAllBytes(FaultKit.StateFile(project)));
        }

        IReadOnlySet<string> toSend = await FaultKit.AssertStateTellsTheTruthAsync(project, container.Id, project.PathOf("data"), "data/", "/app/data");
        if (!uploadConfirmed)
        {
            Assert.Equal(big.Order(StringComparer.Ordinal), toSend.Order(StringComparer.Ordinal));
        }

        var next = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((toSend.Count, 0), (next.Changed, next.Deleted));
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/data", project.PathOf("data"));
    }
}
