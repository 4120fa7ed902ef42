using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Podman;

/// <summary>
/// Rootful Podman (Debian's, installed with its test image by build/setup-podman.sh) serving its Docker-compatible API
/// on a socket of this fixture's own: <c>podman system service --time=0 unix://&lt;temp&gt;/podman.sock</c>, started
/// here and ended by its pid. The global flags suit this sandbox (no overlayfs, no systemd, cgroup v1/v2 hybrid that
/// crun refuses) and are the ones build/setup-podman.sh uses, so both see the same image store.
/// </summary>
public sealed class PodmanService : IAsyncLifetime
{
    internal static readonly string[] GlobalFlags = ["--runtime", "runc", "--storage-driver", "vfs", "--cgroup-manager", "cgroupfs", "--events-backend", "file"];

    private readonly string _folder = Directory.CreateTempSubdirectory("filesync-podman-").FullName;
    private Process? _service;
    private readonly StringBuilder _log = new();

    /// <summary>The socket path.</summary>
    public string Socket => Path.Combine(_folder, "podman.sock");

    /// <summary>What FileSyncDockerHost is set to.</summary>
    public string Host => "unix://" + Socket;

    public async ValueTask InitializeAsync()
    {
        var psi = new ProcessStartInfo("podman") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in (string[])[.. GlobalFlags, "system", "service", "--time=0", Host])
        {
            psi.ArgumentList.Add(arg);
        }

        try
        {
            _service = Process.Start(psi) ?? throw new InvalidOperationException("podman did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("podman is not installed: run build/setup-podman.sh (build/test.sh does).", e);
        }

        _service.OutputDataReceived += (_, line) => Append(line.Data);
        _service.ErrorDataReceived += (_, line) => Append(line.Data);
        _service.BeginOutputReadLine();
        _service.BeginErrorReadLine();

        // The service creates its socket once it listens: wait for a connection (or its exit), bounded.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!await AnswersAsync())
        {
            if (_service.HasExited || deadline.IsCancellationRequested)
            {
                throw new InvalidOperationException($"podman system service did not answer on {Socket}: {Log}");
            }

            await Task.Delay(50, deadline.Token).ConfigureAwait(false);
        }
    }

    /// <summary>What the service printed (for failure messages).</summary>
    public string Log
    {
        get
        {
            lock (_log)
            {
                return _log.ToString();
            }
        }
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_log)
            {
                _log.AppendLine(line);
            }
        }
    }

    private async Task<bool> AnswersAsync()
    {
        if (!File.Exists(Socket))
        {
            return false;
        }

        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(Socket));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_service is { HasExited: false })
        {
            _service.Kill(); // this process only, by its pid: conmon keeps the containers, which the tests remove by id
            await _service.WaitForExitAsync();
        }

        _service?.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
