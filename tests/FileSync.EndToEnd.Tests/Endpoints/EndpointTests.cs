using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Endpoints;

/// <summary>
/// The engine found and reached the way the docker CLI does it, through the packed package: a Docker context made by
/// the real <c>docker context create</c> (no DOCKER_HOST), a named pipe (Docker Desktop on Windows; here .NET's Unix
/// mapping of it, through a proxy to the engine), and ssh to a local sshd running this machine's docker CLI.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EndpointTests(PackageFixture package) : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "filesync-e2e-home-" + Guid.NewGuid().ToString("N")[..12]);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string DockerConfig => Path.Combine(_home, ".docker");

    public void Dispose()
    {
        if (Directory.Exists(_home))
        {
            Directory.Delete(_home, recursive: true);
        }
    }

    [Fact]
    public async Task The_current_Docker_context_is_used_without_DOCKER_HOST()
    {
        // Colima's layout: a socket under the home folder, a context pointing at it, made current with `docker context use`.
        string socket = Path.Combine(_home, ".colima", "default", "docker.sock");
        Directory.CreateDirectory(Path.GetDirectoryName(socket)!);
        File.CreateSymbolicLink(socket, "/var/run/docker.sock");
        await DockerCli.RunCheckedAsync(["--config", DockerConfig, "context", "create", "colima", "--description", "colima", "--docker", "host=unix://" + socket], Ct);
        await DockerCli.RunCheckedAsync(["--config", DockerConfig, "context", "use", "colima"], Ct);
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var project = new ConsumerProject(package, "endpoint-context").WithTree().Property("FileSyncContainer", container.Name);

        var result = (await project.BuildAsync(["-t:SyncToContainer", "-v:d"], Environment(("DOCKER_CONFIG", DockerConfig)))).Succeeded();

        Assert.Contains($"FileSync: Docker endpoint unix://{socket}, from Docker context 'colima' (currentContext in {Path.Combine(DockerConfig, "config.json")})", result.Output, StringComparison.Ordinal);
        Assert.Equal(4, SyncSummary.Single(result).Changed);
        await EndpointTree.AssertSyncedAsync(container.Id);
    }

    [Fact]
    public async Task A_DOCKER_CONTEXT_that_does_not_exist_fails_with_FSYNC2050_naming_it()
    {
        Directory.CreateDirectory(DockerConfig);
        using var project = new ConsumerProject(package, "endpoint-no-context").WithTree().Property("FileSyncContainer", "filesync-e2e-none");

        var result = (await project.BuildAsync(["-t:SyncToContainer"], Environment(("DOCKER_CONFIG", DockerConfig), ("DOCKER_CONTEXT", "colima-typo")))).Failed();

        Assert.Contains("error FSYNC2050: The Docker context 'colima-typo' (chosen by DOCKER_CONTEXT) does not exist", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_named_pipe_endpoint_syncs_through_the_pipe()
    {
        using var pipe = new PipeProxy();
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var project = new ConsumerProject(package, "endpoint-npipe").WithTree()
            .Property("FileSyncContainer", container.Name)
            .Property("FileSyncDockerHost", $"npipe:////./pipe/{pipe.Name}");

        var result = (await project.BuildAsync(["-t:SyncToContainer", "-v:d"], Environment())).Succeeded();

        Assert.Contains($"FileSync: Docker endpoint npipe:////./pipe/{pipe.Name}, from FileSyncDockerHost", result.Output, StringComparison.Ordinal);
        Assert.Equal(4, SyncSummary.Single(result).Changed);
        Assert.True(pipe.Connections > 0, "nothing came through the pipe");
        await EndpointTree.AssertSyncedAsync(container.Id);
    }

    [Fact]
    public async Task A_named_pipe_nobody_serves_fails_with_the_connect_timeout_naming_it()
    {
        using var project = new ConsumerProject(package, "endpoint-npipe-none").WithTree()
            .Property("FileSyncContainer", "filesync-e2e-none")
            .Property("FileSyncDockerTimeout", "1")
            .Property("FileSyncDockerHost", "npipe:////./pipe/filesync-e2e-nobody");

        var result = (await project.BuildAsync(["-t:SyncToContainer"], Environment())).Failed();

        Assert.Contains("error FSYNC2020: No connection to the Docker engine at 'npipe:////./pipe/filesync-e2e-nobody' within 1 s", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ssh_endpoint_syncs_through_one_ssh_connection_per_sync()
    {
        await using var sshd = await LocalSshd.StartAsync(Ct);
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var project = new ConsumerProject(package, "endpoint-ssh").WithTree().Property("FileSyncContainer", container.Name);
        string host = $"ssh://root@127.0.0.1:{sshd.Port}";

        var first = (await project.BuildAsync(["-t:SyncToContainer", "-v:d"], Environment(("DOCKER_HOST", host), ("PATH", SshPath(sshd))))).Succeeded();

        Assert.Contains($"FileSync: Docker endpoint {host}, from DOCKER_HOST", first.Output, StringComparison.Ordinal);
        Assert.Equal(4, SyncSummary.Single(first).Changed);
        await EndpointTree.AssertSyncedAsync(container.Id);
        Assert.True(sshd.AcceptedLogins == 1, "one ssh connection for the sync expected; sshd said:\n" + sshd.Log);

        project.WriteFile("site/new.txt", "new\n");
        var second = (await project.BuildAsync(["-t:SyncToContainer"], Environment(("DOCKER_HOST", host), ("PATH", SshPath(sshd))))).Succeeded();

        Assert.Equal(1, SyncSummary.Single(second).Changed);
        Assert.Equal("new\n", await InContainer.CatAsync(container.Id, "/app/www/new.txt"));
        Assert.True(sshd.AcceptedLogins == 2, "one more ssh connection for the second sync expected; sshd said:\n" + sshd.Log);
    }

    [Fact]
    public async Task A_refused_ssh_login_fails_with_FSYNC2053_quoting_ssh_and_no_key()
    {
        await using var sshd = await LocalSshd.StartAsync(Ct);
        File.WriteAllText(Path.Combine(sshd.Folder, "authorized_keys"), "");
        using var project = new ConsumerProject(package, "endpoint-ssh-refused").WithTree().Property("FileSyncContainer", "filesync-e2e-none");

        var result = (await project.BuildAsync(["-t:SyncToContainer"], Environment(("DOCKER_HOST", $"ssh://root@127.0.0.1:{sshd.Port}"), ("PATH", SshPath(sshd))))).Failed();

        Assert.Contains($"error FSYNC2053: ssh to the Docker engine at 'ssh://root@127.0.0.1:{sshd.Port}' ended with exit code 255; ssh said: ", result.Output, StringComparison.Ordinal);
        Assert.Contains("Permission denied (publickey)", result.Output, StringComparison.Ordinal);
        string keyLine = File.ReadAllLines(sshd.UserKey)[1];
        Assert.DoesNotContain(keyLine, result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_ssh_client_on_the_PATH_fails_with_FSYNC2054()
    {
        string emptyBin = Directory.CreateDirectory(Path.Combine(_home, "bin")).FullName;
        using var project = new ConsumerProject(package, "endpoint-no-ssh").WithTree().Property("FileSyncContainer", "filesync-e2e-none");

        var result = (await project.BuildAsync(["-t:SyncToContainer"], Environment(("DOCKER_HOST", "ssh://me@build-host.invalid"), ("PATH", emptyBin)))).Failed();

        Assert.Contains("error FSYNC2054: Cannot start 'ssh' for the Docker engine at 'ssh://me@build-host.invalid'", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_ssh_that_never_answers_fails_with_the_response_timeout_and_is_ended()
    {
        // An ssh stuck before the remote side answers (a prompt nobody sees, a hung remote docker): it says nothing.
        string bin = Directory.CreateDirectory(Path.Combine(_home, "bin")).FullName;
        string pidFile = Path.Combine(_home, "ssh.pid");
        string ssh = Path.Combine(bin, "ssh");
        File.WriteAllText(ssh, $"#!/bin/sh\necho $$ > '{pidFile}'\nexec sleep 300\n");
        File.SetUnixFileMode(ssh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        using var project = new ConsumerProject(package, "endpoint-ssh-silent").WithTree()
            .Property("FileSyncContainer", "filesync-e2e-none")
            .Property("FileSyncDockerTimeout", "1");

        var result = (await project.BuildAsync(["-t:SyncToContainer"], Environment(("DOCKER_HOST", "ssh://me@build-host.invalid"), ("PATH", bin + ":" + System.Environment.GetEnvironmentVariable("PATH"))))).Failed();

        Assert.Contains("error FSYNC2021: The Docker engine at 'ssh://me@build-host.invalid' did not answer 'GET /containers/filesync-e2e-none/json' within 1 s", result.Output, StringComparison.Ordinal);
        string pid = File.ReadAllText(pidFile).Trim();
        Assert.False(Directory.Exists("/proc/" + pid) && File.ReadAllText($"/proc/{pid}/cmdline").StartsWith("sleep", StringComparison.Ordinal), $"the silent ssh (pid {pid}) outlived the build");
    }

    private static string SshPath(LocalSshd sshd) => sshd.BinFolder + ":" + System.Environment.GetEnvironmentVariable("PATH");

    /// <summary>No endpoint from the test's own environment; the given variables set.</summary>
    private Dictionary<string, string?> Environment(params (string Name, string? Value)[] variables)
    {
        Directory.CreateDirectory(DockerConfig);
        var env = new Dictionary<string, string?> { ["DOCKER_HOST"] = null, ["DOCKER_CONTEXT"] = null, ["DOCKER_CONFIG"] = DockerConfig };
        foreach ((string name, string? value) in variables)
        {
            env[name] = value;
        }

        return env;
    }
}
