using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FileSync.Launcher;

/// <summary>
/// Runs the app as a child of the same dotnet host, forwards SIGTERM/SIGINT/SIGQUIT to it and exits with its exit code.
/// A restart request stops the child (SIGTERM, then a kill after the grace period), logs why, and starts it again;
/// a child that exits by itself ends the launcher (no restart loop).
/// </summary>
internal sealed class Supervisor(string host, IReadOnlyList<string> command, string socketPath, TextWriter output)
{
    private const int SIGINT = 2;
    private const int SIGQUIT = 3;
    private const int SIGTERM = 15;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private Process? _child;
    private volatile bool _stopping;
    private bool _ended;

    /// <summary>How long a stopping child gets before it is killed: $FILESYNC_LAUNCHER_GRACE_SECONDS, default 10.</summary>
    public TimeSpan Grace { get; init; } = TimeSpan.FromSeconds(
        int.TryParse(Environment.GetEnvironmentVariable("FILESYNC_LAUNCHER_GRACE_SECONDS"), out int seconds) && seconds >= 0 ? seconds : 10);

    private string App => command[0];

    public async Task<int> RunAsync()
    {
        using PosixSignalRegistration term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => Forward(context, SIGTERM));
        using PosixSignalRegistration interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, context => Forward(context, SIGINT));
        using PosixSignalRegistration quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, context => Forward(context, SIGQUIT));
        using var stop = new CancellationTokenSource();
        Socket? listener = null;
        try
        {
            listener = RestartChannel.Listen(socketPath);
        }
        catch (Exception e) when (e is System.Net.Sockets.SocketException or IOException or UnauthorizedAccessException)
        {
            // The app still runs; only restarts are unavailable (named, so a failing 'process' action can be explained).
            output.WriteLine($"filesync-launcher: restarts unavailable: cannot listen on {socketPath}: {e.Message}");
        }

        try
        {
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                _child = Start();
            }
            finally
            {
                _gate.Release();
            }

            Task serving = listener is null ? Task.CompletedTask : RestartChannel.ServeAsync(listener, RestartAsync, stop.Token);
            while (true)
            {
                Process child = _child!;
                await child.WaitForExitAsync().ConfigureAwait(false);
                await _gate.WaitAsync().ConfigureAwait(false);
                try
                {
                    if (_child != child && !_stopping)
                    {
                        continue; // restarted: follow the new child
                    }

                    _ended = true;
                    return _child!.HasExited ? _child.ExitCode : child.ExitCode;
                }
                finally
                {
                    _gate.Release();
                }
            }
        }
        finally
        {
            stop.Cancel();
            listener?.Dispose();
            TryDelete(socketPath, listener is not null);
        }
    }

    /// <summary>Stops the running child and starts a new one; the answer the requester gets.</summary>
    internal async Task<string> RestartAsync(IReadOnlyList<string> synced)
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_ended || _stopping || _child is null)
            {
                return "error: the app is stopping, not restarted";
            }

            Process old = _child;
            await StopAsync(old).ConfigureAwait(false);
            if (_stopping)
            {
                return "error: the container is stopping (a signal came during the restart), not restarted";
            }

            output.WriteLine($"filesync-launcher: restarting {App} ({Reason(synced)})");
            output.Flush();
            _child = Start();
            return $"ok: restarted {App} (pid {_child.Id})";
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return $"error: could not start {App}: {e.Message}";
        }
        finally
        {
            _gate.Release();
        }
    }

    private static string Reason(IReadOnlyList<string> synced) => synced.Count switch
    {
        0 => "restart requested",
        <= 5 => "files synced: " + string.Join(", ", synced),
        _ => "files synced: " + string.Join(", ", synced.Take(5)) + $" and {synced.Count - 5} more",
    };

    private async Task StopAsync(Process child)
    {
        if (child.HasExited)
        {
            return;
        }

        _ = Commands.kill(child.Id, SIGTERM);
        using var grace = new CancellationTokenSource(Grace);
        try
        {
            await child.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            await child.WaitForExitAsync().ConfigureAwait(false);
        }
    }

    private Process Start()
    {
        var start = new ProcessStartInfo(host) { UseShellExecute = false };
        foreach (string argument in command)
        {
            start.ArgumentList.Add(argument);
        }

        return Process.Start(start) ?? throw new InvalidOperationException($"{host} did not start");
    }

    /// <summary>The launcher stays up until the child has exited, then exits with its code.</summary>
    private void Forward(PosixSignalContext context, int signal)
    {
        context.Cancel = true;
        _stopping = true;
        if (_child is { } child)
        {
            _ = Commands.kill(child.Id, signal);
        }
    }

    private static void TryDelete(string path, bool ours)
    {
        if (!ours)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
