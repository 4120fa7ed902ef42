using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// The container is killed while a build streams a big archive into it; once it is started again, the next sync leaves it
/// exactly matching the sources, and nothing was recorded as synced that the container does not hold.
/// </summary>
/// <remarks>
/// Docker 20.10 holds the container's lock while it extracts an archive, so <c>docker kill</c> waits for the upload and
/// the kill lands between the upload and the deletes or after the sync: the build then fails (FSYNC2003 at the delete,
/// FSYNC2005 on engines that break the upload off) or succeeds with everything recorded. Each outcome is checked.
/// </remarks>
[UnsupportedOSPlatform("windows")]
public sealed class ContainerKilledMidSyncTests(PackageFixture package)
{
    private const int BigFiles = 16;

    /// <summary>What a sync cut off by a stopped container may report (README error table).</summary>
    private static readonly string[] StoppedContainerCodes = ["FSYNC2002", "FSYNC2003", "FSYNC2005", "FSYNC2007", "FSYNC2008"];

    [Fact]
    public async Task After_a_kill_mid_sync_and_a_start_the_next_sync_brings_the_container_exactly_up_to_date()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using var container = await TestContainer.StartAsync(ct: ct);
        using var project = new ConsumerProject(package, "killed")
            .Rule("data/**/*", dest: "data", strip: "data/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("data/small.txt", "small\n");
        project.WriteFile("data/old.txt", "deleted before the killed sync\n");
        (await project.SyncAsync()).Succeeded();
        project.DeleteFile("data/old.txt"); // a delete after the upload: one more step a kill can cut
        IReadOnlyList<string> big = FaultKit.WriteBigFiles(project, "data/big", BigFiles, seed: 1);
        byte[] stateBefore = File.ReadAllBytes(FaultKit.StateFile(project));

        ProcessResult killed;
        await using (var build = BackgroundBuild.StartSync(package, project))
        {
            // Any file after the first: the archive is on its way and part of it may already be in the container.
            await build.WaitUntilSendingAsync([.. big.Skip(1).Select(project.PathOf)], TimeSpan.FromMinutes(2));
            await DockerCli.RunCheckedAsync(["kill", container.Id], ct);
            killed = await build.WaitAsync(TimeSpan.FromMinutes(4));
        }

        if (killed.ExitCode == 0)
        {
            var summary = SyncSummary.Single(killed);
            Assert.Equal((BigFiles, 1), (summary.Changed, summary.Deleted));
        }
        else
        {
            Assert.True(StoppedContainerCodes.Any(code => FaultKit.Diagnostics(killed, "error", code).Count > 0), "The failed build gave none of " + string.Join(", ", StoppedContainerCodes) + ". " + killed);
        }

        // A sync that ended in an error before its summary recorded at most what the engine confirmed: nothing, or
        // the whole upload when only the deletes after it failed. Either way the state must tell the truth (below).
        bool brokenOff = killed.ExitCode != 0 && SyncSummary.All(killed.Output).Count == 0;
        bool stateUnchanged = File.ReadAllBytes(FaultKit.StateFile(project)).AsSpan().SequenceEqual(stateBefore);

        await DockerCli.RunCheckedAsync(["start", container.Id], ct);
        IReadOnlySet<string> toSend = await FaultKit.AssertStateTellsTheTruthAsync(project, container.Id, project.PathOf("data"), "data/", "/app/data");
        if (killed.ExitCode == 0)
        {
            Assert.Empty(toSend);
        }
        else if (brokenOff && stateUnchanged)
        {
            Assert.Equal(big.Order(StringComparer.Ordinal), toSend.Order(StringComparer.Ordinal));
        }
        else if (brokenOff)
        {
            Assert.Empty(toSend); // the upload was confirmed and recorded; only the delete is pending
        }

        var next = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((toSend.Count, container.Id[..12]), (next.Changed, next.ShortId));
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/data", project.PathOf("data"));
    }
}
