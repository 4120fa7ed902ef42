using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Faults;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Server;

/// <summary>
/// The server's watcher journal: after its first (full) scan of a context, a warm sync stats only what its watcher
/// noted, and still lands every change, whether made just before the build or after an in-process sync wrote the state.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ServerJournalTests(PackageFixture package)
{
    [Fact]
    public async Task Warm_syncs_use_the_journal_and_land_every_change_around_an_in_process_sync()
    {
        await using var sandbox = new ServerSandbox();
        await using var container = await CustomContainer.StartAsync();
        using var project = new ConsumerProject(package, "server-journal")
            .Rule("site/**/*", dest: "site", strip: "site/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("site/a.txt", "one\n");
        project.WriteFile("site/d/b.txt", "two\n");
        (await sandbox.SyncAsync(project)).Succeeded(); // in-process; starts the server

        var full = (await sandbox.SyncAsync(project)).Succeeded();
        Assert.Contains("a full scan (its first scan)", full.Output, StringComparison.Ordinal);

        project.WriteFile("site/a.txt", "one, edited\n");
        var journal = (await sandbox.SyncAsync(project)).Succeeded();
        Assert.Contains("path(s) named since the last sync", journal.Output, StringComparison.Ordinal);
        Assert.Equal(1, SyncSummary.Single(journal).Changed);
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/site", project.PathOf("site"));

        // Another writer of the state (a cold in-process sync): the server reads the state again, so nothing is resent.
        project.WriteFile("site/d/b.txt", "two, edited in between\n");
        (await project.BuildAsync(["-t:SyncToContainer", "-p:FileSyncServer=false"], sandbox.Environment())).Succeeded();
        Assert.True(SyncSummary.Single((await sandbox.SyncAsync(project)).Succeeded()).UpToDate, "The in-process sync's state is the server's.");

        // A folder deleted whole: every file the journal knew below it is gone.
        Directory.Delete(project.PathOf("site/d"), recursive: true);
        var after = (await sandbox.SyncAsync(project)).Succeeded();
        Assert.Contains("path(s) named since the last sync", after.Output, StringComparison.Ordinal);
        Assert.Equal((0, 1), (SyncSummary.Single(after).Changed, SyncSummary.Single(after).Deleted));
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/site", project.PathOf("site"));

        Assert.True(SyncSummary.Single((await sandbox.SyncAsync(project)).Succeeded()).UpToDate);
    }
}
