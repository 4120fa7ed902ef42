using System.Diagnostics;
using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Faults;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Server;

/// <summary>
/// Correctness never depends on the sync server: killed, stale (another build at its socket), hung, killed in the
/// middle of a request, or not in the package, the sync runs in-process, says so at detailed verbosity, and the
/// container matches the sources byte for byte after each.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ServerFaultTests(PackageFixture package)
{
    private sealed record Scene(ServerSandbox Sandbox, CustomContainer Container, ConsumerProject Project, int Pid) : IAsyncDisposable
    {
        public Task AssertMatchesAsync() => FaultKit.AssertContainerMatchesAsync(Container.Id, "/app/site", Project.PathOf("site"));

        public async ValueTask DisposeAsync()
        {
            Project.Dispose();
            await Container.DisposeAsync();
            await Sandbox.DisposeAsync();
        }
    }

    /// <summary>A project synced once, which started a server (pid known).</summary>
    private async Task<Scene> StartAsync(string name, params (string Name, string? Value)[] serverEnvironment)
    {
        var sandbox = new ServerSandbox();
        var container = await CustomContainer.StartAsync();
        var project = new ConsumerProject(package, name)
            .Rule("site/**/*", dest: "site", strip: "site/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("site/a.txt", "one\n");
        project.WriteFile("site/b.txt", "two\n");
        var first = (await sandbox.SyncAsync(project, serverEnvironment)).Succeeded();
        Assert.Contains("FSYNC7021", first.Output, StringComparison.Ordinal);
        var scene = new Scene(sandbox, container, project, Assert.IsType<int>(sandbox.PidFromFile()));
        await scene.AssertMatchesAsync();
        return scene;
    }

    [Fact]
    public async Task A_killed_server_is_replaced_and_the_sync_runs_in_process()
    {
        await using Scene scene = await StartAsync("server-killed");
        ServerSandbox.Signal(scene.Pid, "KILL");
        Assert.True(await ServerSandbox.ExitedAsync(scene.Pid, TimeSpan.FromSeconds(30)));

        scene.Project.WriteFile("site/a.txt", "one, edited\n");
        var result = (await scene.Sandbox.SyncAsync(scene.Project)).Succeeded();

        Assert.Contains("FSYNC7021: Synced in-process: no server was running.", result.Output, StringComparison.Ordinal);
        Assert.Equal(1, SyncSummary.Single(result).Changed);
        await scene.AssertMatchesAsync();
        int next = Assert.IsType<int>(scene.Sandbox.PidFromFile());
        Assert.NotEqual(scene.Pid, next);
    }

    [Fact]
    public async Task A_server_of_another_build_at_the_socket_is_not_used()
    {
        await using Scene scene = await StartAsync("server-stale");
        string socket = scene.Sandbox.SocketPath!;
        ServerSandbox.Signal(scene.Pid, "KILL");
        Assert.True(await ServerSandbox.ExitedAsync(scene.Pid, TimeSpan.FromSeconds(30)));

        // Another FileSync build (an older package) listening where this one's server goes.
        var start = new ProcessStartInfo(PackageFixture.DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])[ServerAssembly(), "--socket", socket, "--key", "0.0.1|00000000000000000000000000000000", "--idle-minutes", "5"])
        {
            start.ArgumentList.Add(argument);
        }

        using Process stale = Process.Start(start)!;
        scene.Sandbox.Track(stale.Id);
        Assert.True(await WaitForAsync(() => scene.Sandbox.PidFromFile() == stale.Id), "The stale server wrote its pid.");

        scene.Project.WriteFile("site/a.txt", "one, edited\n");
        scene.Project.DeleteFile("site/b.txt");
        var result = (await scene.Sandbox.SyncAsync(scene.Project)).Succeeded();

        Assert.Contains($"FSYNC7022: Synced in-process: the sync server at '{socket}' (pid {stale.Id}) is another FileSync build (0.0.1|", result.Output, StringComparison.Ordinal);
        Assert.Equal((1, 1), (SyncSummary.Single(result).Changed, SyncSummary.Single(result).Deleted));
        await scene.AssertMatchesAsync();

        // It was asked to make room: the next sync starts this build's server, and the one after runs on it.
        Assert.True(await ServerSandbox.ExitedAsync(stale.Id, TimeSpan.FromSeconds(30)), "The other build's server exits when asked.");
        scene.Project.WriteFile("site/a.txt", "one, edited twice\n");
        Assert.Contains("FSYNC7021", (await scene.Sandbox.SyncAsync(scene.Project)).Succeeded().Output, StringComparison.Ordinal);
        scene.Project.WriteFile("site/a.txt", "one, edited three times\n");
        Assert.Contains("FSYNC7020", (await scene.Sandbox.SyncAsync(scene.Project)).Succeeded().Output, StringComparison.Ordinal);
        await scene.AssertMatchesAsync();
    }

    [Fact]
    public async Task A_hung_server_is_ended_and_the_sync_runs_in_process()
    {
        await using Scene scene = await StartAsync("server-hung");
        ServerSandbox.Signal(scene.Pid, "STOP");

        scene.Project.WriteFile("site/a.txt", "one, edited\n");
        var result = (await scene.Sandbox.SyncAsync(scene.Project)).Succeeded();

        Assert.Contains($"FSYNC7023: Synced in-process: the sync server (pid {scene.Pid},", result.Output, StringComparison.Ordinal);
        Assert.Equal(1, SyncSummary.Single(result).Changed);
        await scene.AssertMatchesAsync();
        Assert.True(await ServerSandbox.ExitedAsync(scene.Pid, TimeSpan.FromSeconds(30)), "The hung server was ended.");
    }

    [Fact]
    public async Task A_server_killed_after_an_upload_and_before_recording_it_leaves_a_state_the_in_process_sync_finishes()
    {
        // The server kills itself (SIGKILL) once b.txt is in the container and before the state records it.
        await using Scene scene = await StartAsync("server-midway", ("FILESYNC_SERVER_TEST_CRASH_AT", "site/b.txt ->"));
        scene.Project.WriteFile("site/b.txt", "two, edited\n");
        scene.Project.WriteFile("site/c.txt", "three\n");

        var result = (await scene.Sandbox.SyncAsync(scene.Project)).Succeeded();

        Assert.Contains($"FSYNC7024: Synced in-process: the sync server (pid {scene.Pid},", result.Output, StringComparison.Ordinal);
        Assert.Equal(2, SyncSummary.All(result.Output)[^1].Changed);
        await scene.AssertMatchesAsync();
        Assert.True(await ServerSandbox.ExitedAsync(scene.Pid, TimeSpan.FromSeconds(30)));

        // What the dead server half did is known: its file goes when its source goes.
        scene.Project.DeleteFile("site/c.txt");
        var next = (await scene.Sandbox.SyncAsync(scene.Project)).Succeeded();
        Assert.Contains("FSYNC7020", next.Output, StringComparison.Ordinal);
        await scene.AssertMatchesAsync();
    }

    [Fact]
    public async Task Without_the_server_in_the_package_the_sync_runs_in_process()
    {
        await using var sandbox = new ServerSandbox();
        await using var container = await CustomContainer.StartAsync();
        using var project = new ConsumerProject(package, "server-missing")
            .Rule("site/**/*", dest: "site", strip: "site/")
            .Property("FileSyncContainer", container.Name)
            .Property("FileSyncServerAssembly", "/nonexistent/filesync-server.dll");
        project.WriteFile("site/a.txt", "one\n");

        var result = (await sandbox.SyncAsync(project)).Succeeded();

        Assert.Contains("FSYNC7025: Synced in-process: the sync server '/nonexistent/filesync-server.dll' could not be started", result.Output, StringComparison.Ordinal);
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/site", project.PathOf("site"));
        Assert.Null(sandbox.PidFromFile());
    }

    private string ServerAssembly() => Path.Combine(package.PackagesFolder, "filesync", package.Version, "tools", "server", "filesync-server.dll");

    /// <summary>Polls a condition the test cannot wait on otherwise (a pid file another process writes), bounded.</summary>
    private static async Task<bool> WaitForAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(30))
            {
                return false;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        return true;
    }
}
