using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Faults;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Server;

/// <summary>The server exits by itself after FileSyncServerIdleMinutes without a request, and CI builds never start one.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ServerLifetimeTests(PackageFixture package)
{
    [Fact]
    public async Task The_server_exits_after_its_idle_minutes_leaving_no_socket()
    {
        await using var sandbox = new ServerSandbox();
        using var project = new ConsumerProject(package, "server-idle")
            .Rule("site/**/*", dest: "site", strip: "site/")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", "$(MSBuildProjectDirectory)/root")
            .Property("FileSyncServerIdleMinutes", "0.05");
        project.WriteFile("site/a.txt", "one\n");
        Directory.CreateDirectory(project.PathOf("root"));

        var result = (await sandbox.SyncAsync(project)).Succeeded();
        Assert.Contains("exits after 0.05 minutes without a request", result.Output, StringComparison.Ordinal);
        int pid = Assert.IsType<int>(sandbox.PidFromFile());

        Assert.True(await ServerSandbox.ExitedAsync(pid, TimeSpan.FromSeconds(60)), "The server exits 3 s after its last request.");
        Assert.Null(sandbox.PidFromFile());
        Assert.Empty(Directory.EnumerateFiles(sandbox.Folder, "*.sock"));
        Assert.Contains("stopping: no request for 0.05 minutes", sandbox.LogText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kill_ends_the_server_as_shutdown_does_leaving_no_socket()
    {
        await using var sandbox = new ServerSandbox();
        using var project = new ConsumerProject(package, "server-term")
            .Rule("site/**/*", dest: "site", strip: "site/")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", "$(MSBuildProjectDirectory)/root");
        project.WriteFile("site/a.txt", "one\n");
        Directory.CreateDirectory(project.PathOf("root"));
        (await sandbox.SyncAsync(project)).Succeeded();
        int pid = Assert.IsType<int>(sandbox.PidFromFile());

        ServerSandbox.Signal(pid, "TERM");

        Assert.True(await ServerSandbox.ExitedAsync(pid, TimeSpan.FromSeconds(30)));
        Assert.Null(sandbox.PidFromFile());
        Assert.Empty(Directory.EnumerateFiles(sandbox.Folder, "*.sock"));
        Assert.Contains("stopping: SIGTERM", sandbox.LogText, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("CI", "true")]
    [InlineData("GITHUB_ACTIONS", "true")]
    [InlineData("TF_BUILD", "True")]
    public async Task A_CI_build_syncs_in_process_and_starts_no_server(string variable, string value)
    {
        await using var sandbox = new ServerSandbox();
        await using var container = await CustomContainer.StartAsync();
        using var project = new ConsumerProject(package, "server-ci")
            .Rule("site/**/*", dest: "site", strip: "site/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("site/a.txt", "one\n");

        // No -p:FileSyncServer: the default decides (the test environment's own FileSyncServer=false removed).
        var result = sandbox.Tracked((await project.BuildAsync(["-t:SyncToContainer", "-v:d"], sandbox.Environment(("FileSyncServer", null), (variable, value)))).Succeeded());

        Assert.Contains("FSYNC7031", result.Output, StringComparison.Ordinal);
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/site", project.PathOf("site"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(sandbox.Folder));
    }
}
