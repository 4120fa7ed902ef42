using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Faults;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Server;

/// <summary>
/// The sync server's normal life: the first sync runs in-process and starts it in the background (and the build
/// returns: the server holds none of its output pipes), later syncs, explicit and after a build, run on it with the
/// same summary, and -t:FileSyncShutdown ends it.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class WarmServerTests(PackageFixture package)
{
    [Fact]
    public async Task The_first_sync_starts_the_server_later_syncs_run_on_it_and_shutdown_ends_it()
    {
        await using var sandbox = new ServerSandbox();
        await using var container = await CustomContainer.StartAsync();
        using var project = new ConsumerProject(package, "server-warm")
            .Rule("site/**/*", dest: "site", strip: "site/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("site/a.txt", "one\n");
        project.WriteFile("site/b.txt", "two\n");

        var first = (await sandbox.SyncAsync(project)).Succeeded();
        Assert.Contains("FSYNC7021", first.Output, StringComparison.Ordinal);
        Assert.Equal(2, SyncSummary.Single(first).Changed);
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/site", project.PathOf("site"));
        int pid = Assert.IsType<int>(sandbox.PidFromFile());
        Assert.True(ServerSandbox.IsServer(pid), "The build returned and the server it started runs on.");

        project.WriteFile("site/a.txt", "one, edited\n");
        project.DeleteFile("site/b.txt");
        project.WriteFile("site/c/d.txt", "new\n");
        var warm = (await sandbox.SyncAsync(project)).Succeeded();
        Assert.Contains($"FSYNC7020: Synced by the FileSync sync server (pid {pid},", warm.Output, StringComparison.Ordinal);
        Assert.Equal((2, 1), (SyncSummary.Single(warm).Changed, SyncSummary.Single(warm).Deleted));
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/site", project.PathOf("site"));

        // The after-build sync goes to the server too.
        project.WriteFile("site/a.txt", "one, edited again\n");
        var built = sandbox.Tracked((await project.BuildAsync(["-v:d", "-p:FileSyncServer=true"], sandbox.Environment())).Succeeded());
        Assert.Contains($"FSYNC7020: Synced by the FileSync sync server (pid {pid},", built.Output, StringComparison.Ordinal);
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/site", project.PathOf("site"));

        var upToDate = (await sandbox.SyncAsync(project)).Succeeded();
        Assert.True(SyncSummary.Single(upToDate).UpToDate, "The server recorded what it sent, in the same state the in-process path reads.");

        var shutdown = (await project.BuildAsync(["-t:FileSyncShutdown"], sandbox.Environment())).Succeeded();
        Assert.Contains($"FSYNC7029: Stopped the FileSync sync server (pid {pid},", shutdown.Output, StringComparison.Ordinal);
        Assert.True(await ServerSandbox.ExitedAsync(pid, TimeSpan.FromSeconds(30)), "The server exits once asked to.");
        Assert.Null(sandbox.PidFromFile());

        var none = (await project.BuildAsync(["-t:FileSyncShutdown"], sandbox.Environment())).Succeeded();
        Assert.Contains("FSYNC7030", none.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_uses_the_builds_environment_and_its_errors_fail_the_build_with_their_code()
    {
        await using var sandbox = new ServerSandbox();
        await using var container = await CustomContainer.StartAsync();
        using var project = new ConsumerProject(package, "server-env")
            .Rule("site/**/*", dest: "site", strip: "site/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("site/a.txt", "one\n");
        (await sandbox.SyncAsync(project)).Succeeded();
        int pid = Assert.IsType<int>(sandbox.PidFromFile());

        // The server was started from a build without DOCKER_HOST; this build names an engine that is not there.
        project.WriteFile("site/a.txt", "one, edited\n");
        var result = (await sandbox.SyncAsync(project, ("DOCKER_HOST", "unix:///nonexistent/docker.sock"))).Failed();

        Assert.Contains($"FSYNC7020: Synced by the FileSync sync server (pid {pid},", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"error FSYNC2001: [^\n]*unix:///nonexistent/docker\.sock", result.Output);
        Assert.Equal("one\n", await InContainer.CatAsync(container.Id, "/app/site/a.txt"));

        var next = (await sandbox.SyncAsync(project)).Succeeded();
        Assert.Contains($"FSYNC7020: Synced by the FileSync sync server (pid {pid},", next.Output, StringComparison.Ordinal);
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/site", project.PathOf("site"));
    }
}
