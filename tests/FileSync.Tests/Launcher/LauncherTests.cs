using FileSync.Launcher;

namespace FileSync.Tests.Launcher;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class LauncherTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("filesync-launcher-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Socket => Path.Combine(_folder, "launcher.sock");

    [Fact]
    public async Task The_app_runs_as_a_child_and_its_exit_code_is_the_launchers()
    {
        using var launcher = new LauncherProcess(Socket, "--exit", "7");
        string first = await launcher.NextLineAsync();
        Assert.StartsWith("app 1 pid ", first);
        Assert.DoesNotContain($"pid {launcher.Id} ", first); // a child, not the launcher itself
        Assert.Equal(7, await launcher.ExitCodeAsync());
    }

    [Theory]
    [InlineData(15, "SIGTERM")]
    [InlineData(2, "SIGINT")]
    [InlineData(3, "SIGQUIT")]
    public async Task A_signal_is_forwarded_to_the_app_and_the_launcher_exits_with_its_code(int signal, string name)
    {
        using var launcher = new LauncherProcess(Socket, "--signal-exit", "42");
        Assert.StartsWith("app 1 pid ", await launcher.NextLineAsync());
        Assert.Equal(0, kill(launcher.Id, signal));
        Assert.Equal($"app got {name}", await launcher.NextLineAsync());
        Assert.Equal(42, await launcher.ExitCodeAsync());
    }

    [Fact]
    public async Task A_restart_request_stops_the_app_logs_why_and_starts_it_again()
    {
        using var launcher = new LauncherProcess(Socket, "--signal-exit", "5");
        string first = await launcher.NextLineAsync();
        var output = new StringWriter();
        var error = new StringWriter();

        int status = RestartChannel.Request(Socket, ["/app/app.dll", "/app/app.pdb"], output, error);

        Assert.True(status == 0, error.ToString());
        Assert.Equal("app got SIGTERM", await launcher.NextLineAsync()); // stopped gracefully first
        Assert.Equal("filesync-launcher: restarting " + Path.Combine(AppContext.BaseDirectory, "launcher-test-app.dll") + " (files synced: /app/app.dll, /app/app.pdb)", await launcher.NextLineAsync());
        string second = await launcher.NextLineAsync();
        Assert.StartsWith("app 1 pid ", second);
        Assert.NotEqual(first, second); // a new process
        Assert.Contains("restarted", output.ToString());

        // Still the app's supervisor: a SIGTERM ends the new child and the launcher with its code (no restart loop).
        Assert.Equal(0, kill(launcher.Id, 15));
        Assert.Equal("app got SIGTERM", await launcher.NextLineAsync());
        Assert.Equal(5, await launcher.ExitCodeAsync());
    }

    [Fact]
    public async Task A_restarted_app_that_fails_at_startup_keeps_the_container_and_the_next_sync_starts_it()
    {
        string crash = Path.Combine(_folder, "crash");
        using var launcher = new LauncherProcess(Socket, "--signal-exit", "5", "--crash-file", crash);
        Assert.StartsWith("app 1 pid ", await launcher.NextLineAsync());
        File.WriteAllText(crash, "a bad edit");

        Assert.Equal(0, RestartChannel.Request(Socket, ["/app/app.dll"], new StringWriter(), new StringWriter()));
        Assert.Equal("app got SIGTERM", await launcher.NextLineAsync());
        Assert.StartsWith("filesync-launcher: restarting ", await launcher.NextLineAsync());
        Assert.Equal("app crashed at startup", await launcher.NextLineAsync());
        Assert.Equal($"filesync-launcher: {Path.Combine(AppContext.BaseDirectory, "launcher-test-app.dll")} exited with code 70 after a sync changed it; waiting for the next sync to start it again (stop the container to end)", await launcher.NextLineAsync());

        File.Delete(crash); // the fix is synced
        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(RestartChannel.Request(Socket, ["/app/app.dll"], output, error) == 0, error.ToString());
        Assert.StartsWith("filesync-launcher: restarting ", await launcher.NextLineAsync());
        Assert.StartsWith("app 1 pid ", await launcher.NextLineAsync());

        Assert.Equal(0, kill(launcher.Id, 15));
        Assert.Equal("app got SIGTERM", await launcher.NextLineAsync());
        Assert.Equal(5, await launcher.ExitCodeAsync());
    }

    [Fact]
    public async Task After_a_container_restart_an_app_a_sync_changed_that_fails_at_startup_waits_for_the_next_sync()
    {
        string crash = Path.Combine(_folder, "crash");
        File.WriteAllText(crash, "a bad edit, synced before the container restarted");
        File.WriteAllBytes(Socket + ".synced", []); // what the launcher left in the writable layer at its last restart

        using var launcher = new LauncherProcess(Socket, "--crash-file", crash);
        Assert.Equal("app crashed at startup", await launcher.NextLineAsync());
        Assert.Contains("exited with code 70 after a sync changed it; waiting for the next sync", await launcher.NextLineAsync(), StringComparison.Ordinal);

        File.Delete(crash);
        Assert.Equal(0, RestartChannel.Request(Socket, ["/app/app.dll"], new StringWriter(), new StringWriter()));
        Assert.StartsWith("filesync-launcher: restarting ", await launcher.NextLineAsync());
        Assert.StartsWith("app 1 pid ", await launcher.NextLineAsync());
    }

    [Fact]
    public async Task A_signal_while_a_failed_app_waits_for_a_sync_ends_the_launcher_with_the_apps_code()
    {
        string crash = Path.Combine(_folder, "crash");
        using var launcher = new LauncherProcess(Socket, "--crash-file", crash);
        Assert.StartsWith("app 1 pid ", await launcher.NextLineAsync());
        File.WriteAllText(crash, "a bad edit");
        Assert.Equal(0, RestartChannel.Request(Socket, [], new StringWriter(), new StringWriter()));
        while (!(await launcher.NextLineAsync()).Contains("waiting for the next sync", StringComparison.Ordinal))
        {
        }

        Assert.Equal(0, kill(launcher.Id, 15));
        Assert.Equal(70, await launcher.ExitCodeAsync());
    }

    [Fact]
    public async Task A_client_that_connects_and_stays_silent_does_not_hold_up_a_restart()
    {
        using var launcher = new LauncherProcess(Socket, "--signal-exit", "5");
        Assert.StartsWith("app 1 pid ", await launcher.NextLineAsync());
        using var silent = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        await silent.ConnectAsync(new System.Net.Sockets.UnixDomainSocketEndPoint(Socket), TestContext.Current.CancellationToken);

        var error = new StringWriter();
        Task<int> restart = Task.Run(() => RestartChannel.Request(Socket, ["/app/app.dll"], new StringWriter(), error), TestContext.Current.CancellationToken);

        // The launcher's own timeout for a silent client is 10 s; the restart must be answered well before the test's.
        Assert.True(await restart.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken) == 0, error.ToString());
        Assert.Equal("app got SIGTERM", await launcher.NextLineAsync());
    }

    [Fact]
    public async Task A_synced_name_with_a_newline_cannot_forge_a_line_of_the_containers_log()
    {
        using var launcher = new LauncherProcess(Socket, "--signal-exit", "5");
        Assert.StartsWith("app 1 pid ", await launcher.NextLineAsync());

        Assert.Equal(0, RestartChannel.Request(Socket, ["/app/a\nfilesync-launcher: forged"], new StringWriter(), new StringWriter()));

        Assert.Equal("app got SIGTERM", await launcher.NextLineAsync());
        Assert.EndsWith("(files synced: /app/a\\x0afilesync-launcher: forged)", await launcher.NextLineAsync());
        Assert.StartsWith("app 1 pid ", await launcher.NextLineAsync()); // the next line is the new app's, not a forged one
    }

    [Fact]
    public void A_restart_request_with_no_launcher_running_says_so()
    {
        var error = new StringWriter();
        int status = RestartChannel.Request(Socket, ["/app/app.dll"], new StringWriter(), error);
        Assert.Equal(3, status);
        Assert.Contains("no launcher is running", error.ToString());
    }

    [Fact]
    public async Task A_launcher_that_drops_the_request_unread_is_reported_not_thrown()
    {
        // What the launcher does to a request over its size bound: closes it unread, so the client's read fails
        // (ECONNRESET) instead of ending: a coded answer for the sync, not a stack trace.
        using var listener = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.Unix, System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Unspecified);
        listener.Bind(new System.Net.Sockets.UnixDomainSocketEndPoint(Socket));
        listener.Listen(1);
        Task drop = Task.Run(() =>
        {
            using System.Net.Sockets.Socket client = listener.Accept();
            client.Poll(-1, System.Net.Sockets.SelectMode.SelectRead); // the request has arrived; close without reading it
        }, TestContext.Current.CancellationToken);
        var error = new StringWriter();

        int status = RestartChannel.Request(Socket, ["/app/app.dll"], new StringWriter(), error);

        await drop;
        Assert.Equal(1, status);
        Assert.Contains($"the launcher on {Socket} closed the request without an answer", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_restart_client_starts_lean_no_event_sources_and_no_background_gc()
    {
        // Each restart runs the client as a new process on the loop's critical path: measured here, EventSource support
        // (socket telemetry) is ~1/4 of its start and CPU. The launcher never serves a trace, so it is off for its own
        // process only (runtimeconfig, not environment: the app's runtime keeps its settings; next test).
        string config = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "filesync-launcher.runtimeconfig.json"));
        using var json = System.Text.Json.JsonDocument.Parse(config);
        System.Text.Json.JsonElement properties = json.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");
        Assert.False(properties.GetProperty("System.Diagnostics.Tracing.EventSource.IsSupported").GetBoolean());
        Assert.False(properties.GetProperty("System.GC.Concurrent").GetBoolean());
    }

    [Fact]
    public async Task The_launchers_own_runtime_settings_do_not_reach_the_app()
    {
        // The same app run directly, without the launcher: what its own runtimeconfig and this environment give it.
        var direct = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        foreach (string argument in new[] { Path.Combine(AppContext.BaseDirectory, "launcher-test-app.dll"), "--print-runtime", "--exit", "0" })
        {
            direct.ArgumentList.Add(argument);
        }

        using var alone = System.Diagnostics.Process.Start(direct)!;
        string expected = (await alone.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken))!;
        await alone.WaitForExitAsync(TestContext.Current.CancellationToken);
        Assert.StartsWith("app runtime EventSource=", expected);

        using var launcher = new LauncherProcess(Socket, "--print-runtime", "--exit", "0");
        Assert.Equal(expected, await launcher.NextLineAsync());
        Assert.Equal(0, await launcher.ExitCodeAsync());
    }

    [Fact]
    public void Rm_removes_files_and_links_never_what_a_link_points_to_and_refuses_folders()
    {
        string file = Path.Combine(_folder, "file");
        string target = Path.Combine(_folder, "target");
        string link = Path.Combine(_folder, "link");
        string folder = Path.Combine(_folder, "folder");
        File.WriteAllText(file, "x");
        File.WriteAllText(target, "kept");
        File.CreateSymbolicLink(link, target);
        Directory.CreateDirectory(folder);
        var error = new StringWriter();

        int status = Commands.Remove([file, link, Path.Combine(_folder, "missing"), folder], folders: false, error);

        Assert.Equal(1, status);
        Assert.False(File.Exists(file));
        Assert.False(Path.Exists(link) || new FileInfo(link).LinkTarget is not null);
        Assert.Equal("kept", File.ReadAllText(target));
        Assert.True(Directory.Exists(folder));
        Assert.Contains($"'{folder}'", error.ToString());
    }

    [Fact]
    public void Rmdir_removes_only_empty_folders()
    {
        string empty = Directory.CreateDirectory(Path.Combine(_folder, "empty")).FullName;
        string full = Directory.CreateDirectory(Path.Combine(_folder, "full")).FullName;
        File.WriteAllText(Path.Combine(full, "f"), "x");
        var error = new StringWriter();

        int status = Commands.Remove([empty, full], folders: true, error);

        Assert.Equal(1, status);
        Assert.False(Directory.Exists(empty));
        Assert.True(File.Exists(Path.Combine(full, "f")));
        Assert.Contains($"'{full}'", error.ToString());
    }

    private static int kill(int pid, int signal) => Commands.kill(pid, signal);
}
