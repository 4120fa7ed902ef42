using System.Diagnostics;

namespace FileSync.Tests.Launcher;

/// <summary><c>dotnet filesync-launcher.dll launcher-test-app.dll args</c> as a real process, its stdout read line by line.</summary>
internal sealed class LauncherProcess : IDisposable
{
    private readonly Process _process;
    private readonly System.Threading.Channels.Channel<string> _lines = System.Threading.Channels.Channel.CreateUnbounded<string>();

    public LauncherProcess(string socketPath, params string[] appArgs)
    {
        SocketPath = socketPath;
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet") { UseShellExecute = false, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "filesync-launcher.dll"));
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "launcher-test-app.dll"));
        foreach (string arg in appArgs)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["FILESYNC_LAUNCHER_SOCKET"] = socketPath;
        start.Environment["FILESYNC_LAUNCHER_GRACE_SECONDS"] = "30";
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                _lines.Writer.TryComplete();
            }
            else
            {
                _lines.Writer.TryWrite(e.Data);
            }
        };
        _process.BeginOutputReadLine();
    }

    public string SocketPath { get; }

    public int Id => _process.Id;

    /// <summary>The next line of stdout (the test's own timeout bounds a hang).</summary>
    public async Task<string> NextLineAsync()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        return await _lines.Reader.ReadAsync(cancel.Token);
    }

    public async Task<int> ExitCodeAsync()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
