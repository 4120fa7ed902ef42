using System.Diagnostics;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FileSync.Launcher;

/// <summary>
/// Runs the app as a child of the same dotnet host, forwards SIGTERM/SIGINT/SIGQUIT to it and exits with its exit code.
/// A restart request stops the child (SIGTERM, then a kill after the grace period), logs why, and starts it again;
/// the first child exiting by itself ends the launcher (no restart loop); a restarted child that fails waits for the next sync.
/// </summary>
internal sealed class Supervisor(string host, IReadOnlyList<string> command, string socketPath, TextWriter output)
{
    private const int SIGINT = 2;
    private const int SIGQUIT = 3;
    private const int SIGTERM = 15;

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _wake = new(0); // a restart or a signal while no app runs
    private Process? _child;
    private int _signal; // the signal that is ending the launcher, 0 while it runs; read and written with full fences
    private bool _restartedChild;
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
                // An app a sync has changed (the marker survives a container restart in the writable layer) is
                // treated as restarted: if the synced code fails at startup, the container stays up for the fix.
                StartChild(restarted: File.Exists(SyncedMarker));
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
                    if (_child != child)
                    {
                        continue; // restarted: follow the new child
                    }

                    if (Stopping || !_restartedChild || child.ExitCode == 0)
                    {
                        _ended = true;
                        return child.ExitCode;
                    }

                    // A restarted app that fails (a bad edit, a startup exception) must not end the container: the
                    // synced files would be lost with it. The next sync restarts it; a signal still ends the launcher.
                    output.WriteLine($"filesync-launcher: {App} exited with code {child.ExitCode} after a sync changed it; waiting for the next sync to start it again (stop the container to end)");
                    output.Flush();
                }
                finally
                {
                    _gate.Release();
                }

                if (await WaitForRestartOrSignalAsync(child).ConfigureAwait(false))
                {
                    return child.ExitCode;
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
            if (_ended || Stopping || _child is null)
            {
                return "error: the app is stopping, not restarted";
            }

            Process old = _child;
            await StopAsync(old).ConfigureAwait(false);
            if (Stopping)
            {
                return "error: the container is stopping (a signal came during the restart), not restarted";
            }

            output.WriteLine($"filesync-launcher: restarting {App} ({Reason(synced)})");
            output.Flush();
            StartChild(restarted: true);
            MarkSynced();
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
        <= 5 => "files synced: " + string.Join(", ", synced.Select(Printable)),
        _ => "files synced: " + string.Join(", ", synced.Take(5).Select(Printable)) + $" and {synced.Count - 5} more",
    };

    /// <summary>A file name may hold a newline: written as is, it would forge a line of the container's log.</summary>
    internal static string Printable(string path) =>
        path.Any(char.IsControl) ? string.Concat(path.Select(c => char.IsControl(c) ? $"\\x{(int)c:x2}" : c.ToString())) : path;

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

    private bool Stopping => Volatile.Read(ref _signal) != 0;

    /// <summary>Beside the socket: present once a sync restarted the app in this container.</summary>
    private string SyncedMarker => socketPath + ".synced";

    private void MarkSynced()
    {
        try
        {
            File.WriteAllBytes(SyncedMarker, []);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a container restart after a failed edit is affected: it then ends as without the launcher.
        }
    }

    /// <summary>
    /// Under the gate. A signal that came while the child was being started was sent to no one (or to the old child):
    /// it is forwarded now. The exchange and the read are full fences, so either <see cref="Forward"/> sees the new
    /// child or this sees the signal.
    /// </summary>
    private void StartChild(bool restarted)
    {
        Process child = Start();
        Interlocked.Exchange(ref _child, child);
        _restartedChild = restarted;
        if (Interlocked.CompareExchange(ref _signal, 0, 0) is int signal and not 0)
        {
            _ = Commands.kill(child.Id, signal);
        }

        _wake.Release();
    }

    /// <summary>No app runs: true when a signal ends the launcher, false once a restart has started a new child.</summary>
    private async Task<bool> WaitForRestartOrSignalAsync(Process exited)
    {
        while (true)
        {
            await _wake.WaitAsync().ConfigureAwait(false);
            await _gate.WaitAsync().ConfigureAwait(false);
            try
            {
                if (Stopping)
                {
                    _ended = true;
                    return true;
                }

                if (_child != exited)
                {
                    return false;
                }
            }
            finally
            {
                _gate.Release();
            }
        }
    }

    /// <summary>The launcher stays up until the child has exited, then exits with its code.</summary>
    private void Forward(PosixSignalContext context, int signal)
    {
        context.Cancel = true;
        Interlocked.CompareExchange(ref _signal, signal, 0);
        if (Volatile.Read(ref _child) is { } child)
        {
            _ = Commands.kill(child.Id, signal);
        }

        _wake.Release();
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
