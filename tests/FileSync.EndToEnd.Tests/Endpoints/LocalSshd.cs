using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FileSync.EndToEnd.Tests.Endpoints;

/// <summary>
/// A real OpenSSH server (Debian's openssh-server, build/setup-sshd.sh) on 127.0.0.1 at a free port, with a host key and
/// a user key made here, for this machine's user and its own docker CLI. The client side is the real <c>ssh</c> with a
/// config of its own, as a user's <c>~/.ssh/config</c> would hold it: ssh reads the home folder from the password
/// database, not HOME, so <see cref="BinFolder"/> holds an <c>ssh</c> that adds <c>-F</c> to the real one (put it first
/// on the build's PATH). Ended by its pid.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class LocalSshd : IAsyncDisposable
{
    private const string Sshd = "/usr/sbin/sshd";
    private readonly Process _process;
    private readonly StringBuilder _log = new();

    private LocalSshd(string folder, int port, Process process)
    {
        Folder = folder;
        Port = port;
        _process = process;
    }

    public string Folder { get; }

    public int Port { get; }

    /// <summary>A folder with the <c>ssh</c> wrapper: first on PATH, the user's ssh config is this test's.</summary>
    public string BinFolder => Path.Combine(Folder, "bin");

    /// <summary>The user's private key file (its content is a secret a message must never show).</summary>
    public string UserKey => Path.Combine(Folder, "id_ed25519");

    /// <summary>How many logins sshd accepted so far (one per ssh connection).</summary>
    public int AcceptedLogins
    {
        get
        {
            lock (_log)
            {
                return _log.ToString().Split('\n').Count(line => line.Contains("Accepted publickey", StringComparison.Ordinal));
            }
        }
    }

    public static async Task<LocalSshd> StartAsync(CancellationToken ct)
    {
        Assert.True(File.Exists(Sshd), $"{Sshd} is missing: run build/setup-sshd.sh (build/test.sh does).");
        string folder = Path.Combine(Path.GetTempPath(), "filesync-sshd-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(folder);
        Directory.CreateDirectory("/run/sshd"); // sshd's privilege separation folder (tmpfs: gone after a reboot)
        await RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "filesync-test-host", "-f", Path.Combine(folder, "host_key")], ct);
        await RunAsync("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "filesync-test-user", "-f", Path.Combine(folder, "id_ed25519")], ct);
        File.Copy(Path.Combine(folder, "id_ed25519.pub"), Path.Combine(folder, "authorized_keys"));
        int port = FreePort();
        File.WriteAllText(Path.Combine(folder, "sshd_config"), $"""
            Port {port}
            ListenAddress 127.0.0.1
            HostKey {folder}/host_key
            PidFile {folder}/sshd.pid
            AuthorizedKeysFile {folder}/authorized_keys
            PubkeyAuthentication yes
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            PermitRootLogin prohibit-password
            StrictModes no
            UsePAM no
            LogLevel INFO

            """);
        string hostKey = File.ReadAllText(Path.Combine(folder, "host_key.pub")).Trim();
        File.WriteAllText(Path.Combine(folder, "known_hosts"), $"[127.0.0.1]:{port} {hostKey}\n");
        File.WriteAllText(Path.Combine(folder, "ssh_config"), $"""
            Host 127.0.0.1
              IdentityFile {folder}/id_ed25519
              IdentitiesOnly yes
              UserKnownHostsFile {folder}/known_hosts
              StrictHostKeyChecking yes
              BatchMode yes

            """);
        Directory.CreateDirectory(Path.Combine(folder, "bin"));
        string wrapper = Path.Combine(folder, "bin", "ssh");
        File.WriteAllText(wrapper, $"#!/bin/sh\nexec /usr/bin/ssh -F '{folder}/ssh_config' \"$@\"\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        var start = new ProcessStartInfo(Sshd) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string argument in (string[])["-D", "-e", "-f", Path.Combine(folder, "sshd_config")])
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        var sshd = new LocalSshd(folder, port, process);
        var listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                listening.TrySetException(new InvalidOperationException("sshd exited: " + sshd.Log));
                return;
            }

            lock (sshd._log)
            {
                sshd._log.AppendLine(line.Data);
            }

            if (line.Data.Contains("Server listening on 127.0.0.1", StringComparison.Ordinal))
            {
                listening.TrySetResult();
            }
        };
        process.BeginErrorReadLine();
        await listening.Task.WaitAsync(TimeSpan.FromSeconds(30), ct);
        return sshd;
    }

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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            Process.GetProcessById(_process.Id).Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(Folder, recursive: true);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string program, string[] argv, CancellationToken ct)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardError = true, UseShellExecute = false };
        foreach (string argument in argv)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        string error = await process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.True(process.ExitCode == 0, $"{program} failed: {error}");
    }
}
