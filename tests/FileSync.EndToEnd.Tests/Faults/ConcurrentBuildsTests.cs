using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// Two builds sync the same project into the same container at once. The state lock makes them take turns: both succeed,
/// exactly one sends the change (the other then finds it recorded, so no update is lost or sent twice), and the state is
/// sound: a third sync is up to date and the container matches the sources.
/// </summary>
/// <remarks>
/// Docker 20.10 also makes an inspect wait while an archive is being extracted into the container, so the second build
/// often reaches the state lock only once the first one's upload is over; the delete in the change keeps the first one
/// syncing (and holding the lock) after that, which is when a missing lock would let the second plan from a stale state.
/// </remarks>
[UnsupportedOSPlatform("windows")]
public sealed class ConcurrentBuildsTests(PackageFixture package)
{
    private const int BigFiles = 6;

    /// <summary>The detailed line the task prints after reading its sources, just before it takes the state lock.</summary>
    private const string ScannedLine = "source file(s) from";

    [Fact]
    public async Task Two_builds_at_once_take_turns_and_leave_a_sound_state()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "concurrent")
            .Rule("data/**/*", dest: "data", strip: "data/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("data/a.txt", "a\n");
        project.WriteFile("data/b.txt", "b\n");
        (await project.SyncAsync()).Succeeded();

        // The change both builds see: one file changed, one deleted, and enough bytes that the sync takes a while.
        project.WriteFile("data/a.txt", "a, changed\n");
        project.DeleteFile("data/b.txt");
        FaultKit.WriteBigFiles(project, "data/big", BigFiles, seed: 3);

        // The test holds the state lock until both builds are past their scan, so they reach the lock together and
        // contend for it, whatever their start-up times.
        ProcessResult[] both;
        await using (var first = BackgroundBuild.StartSync(package, project, "-v:detailed"))
        await using (var second = BackgroundBuild.StartSync(package, project, "-v:detailed"))
        {
            await using (new FileStream(FaultKit.StateFile(project) + ".lock", FileMode.Open, FileAccess.ReadWrite, FileShare.None))
            {
                await first.WaitForOutputAsync(ScannedLine, TimeSpan.FromMinutes(2));
                await second.WaitForOutputAsync(ScannedLine, TimeSpan.FromMinutes(2));
            }

            both = [await first.WaitAsync(TimeSpan.FromMinutes(4)), await second.WaitAsync(TimeSpan.FromMinutes(4))];
        }

        SyncSummary[] summaries = [.. both.Select(result => SyncSummary.Single(result.Succeeded()))];
        SyncSummary sender = Assert.Single(summaries, summary => !summary.UpToDate);
        Assert.Equal((BigFiles + 1, 1), (sender.Changed, sender.Deleted));
        Assert.Single(summaries, summary => summary.UpToDate);

        var third = (await project.SyncAsync()).Succeeded();

        Assert.True(SyncSummary.Single(third).UpToDate, "A third sync after the two concurrent ones has nothing to do. " + third);
        Assert.Empty(FaultKit.Diagnostics(third, "warning", "FSYNC3001"));
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/data", project.PathOf("data"));
    }
}
