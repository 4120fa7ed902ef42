using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Endpoints;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Server;

/// <summary>An ssh:// endpoint on the warm sync server: the ssh that runs is the build's (its PATH, its ssh-agent), as
/// the docker CLI beside the build would run it, not the one of the build that happened to start the server.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class SshServerTests(PackageFixture package)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_server_started_by_another_build_syncs_over_ssh_with_the_builds_own_ssh()
    {
        await using var sshd = await LocalSshd.StartAsync(Ct);
        await using var sandbox = new ServerSandbox(); // ended first: the server keeps its ssh connection (and sshd's session) open
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var project = new ConsumerProject(package, "ssh-server").WithTree().Property("FileSyncContainer", container.Name);
        (await sandbox.SyncAsync(project)).Succeeded(); // starts the server, PATH without the test's ssh
        int pid = Assert.IsType<int>(sandbox.PidFromFile());
        project.WriteFile("site/new.txt", "new\n");

        string host = $"ssh://root@127.0.0.1:{sshd.Port}";
        var result = (await sandbox.SyncAsync(project, ("DOCKER_HOST", host), ("PATH", sshd.BinFolder + ":" + System.Environment.GetEnvironmentVariable("PATH")))).Succeeded();

        Assert.Contains($"FSYNC7020: Synced by the FileSync sync server (pid {pid},", result.Output, StringComparison.Ordinal);
        Assert.Contains($"FileSync: Docker endpoint {host}, from DOCKER_HOST", result.Output, StringComparison.Ordinal);
        Assert.Equal("new\n", await InContainer.CatAsync(container.Id, "/app/www/new.txt"));
        Assert.True(sshd.AcceptedLogins == 1, "one ssh connection expected; sshd said:\n" + sshd.Log);
    }
}
