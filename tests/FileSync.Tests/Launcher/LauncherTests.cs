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

        int status = await RestartChannel.RequestAsync(Socket, ["/app/app.dll", "/app/app.pdb"], output, error);

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
    public async Task A_restart_request_with_no_launcher_running_says_so()
    {
        var error = new StringWriter();
        int status = await RestartChannel.RequestAsync(Socket, ["/app/app.dll"], new StringWriter(), error);
        Assert.Equal(3, status);
        Assert.Contains("no launcher is running", error.ToString());
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
