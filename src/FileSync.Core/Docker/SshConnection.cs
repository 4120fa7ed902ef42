using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using FileSync.Diagnostics;

namespace FileSync.Docker;

/// <summary>
/// An <c>ssh://</c> endpoint the docker CLI's way (cli/connhelper): the user's own <c>ssh</c> client, config and keys run
/// <c>docker system dial-stdio</c> on the remote host, and HTTP goes over its stdin/stdout. One process per connection;
/// the pool keeps it for the next request. When ssh ends (auth refused, host unknown, no docker there), the failure is
/// a coded error with the first lines ssh wrote to stderr (ssh never writes keys or passwords there).
/// </summary>
internal sealed class SshConnection : Stream
{
    private const int MaxStderrLines = 5, MaxStderrLineLength = 300;
    private readonly Process _process;
    private readonly Stream _stdin, _stdout;
    private readonly List<string> _stderr = [];
    private readonly DockerEndpoint _endpoint;
    private readonly DockerTimeouts _timeouts;

    private SshConnection(Process process, DockerEndpoint endpoint, DockerTimeouts timeouts)
    {
        _process = process;
        _endpoint = endpoint;
        _timeouts = timeouts;
        _stdin = process.StandardInput.BaseStream;
        _stdout = process.StandardOutput.BaseStream;
        process.ErrorDataReceived += (_, line) =>
        {
            lock (_stderr)
            {
                if (line.Data is { Length: > 0 } text && _stderr.Count < MaxStderrLines)
                {
                    _stderr.Add(text.Length > MaxStderrLineLength ? text[..MaxStderrLineLength] + "..." : text);
                }
            }
        };
        process.BeginErrorReadLine();
    }

    /// <summary>The docker CLI's argv: <c>[-l user] [-p port] -o BatchMode=yes -o ConnectTimeout=N -T -- host docker [--host=unix://path] system dial-stdio</c>
    /// (the remote command is one string: ssh hands it to the remote shell, so each word is quoted for it).</summary>
    public static string[] Arguments(DockerEndpoint endpoint, DockerTimeouts timeouts)
    {
        var argv = new List<string>();
        if (endpoint.User is { } user)
        {
            argv.AddRange(["-l", user]);
        }

        if (endpoint.Port > 0)
        {
            argv.AddRange(["-p", endpoint.Port.ToString(CultureInfo.InvariantCulture)]);
        }

        int seconds = (int)Math.Max(1, Math.Ceiling(timeouts.Connect.TotalSeconds));
        // BatchMode: a build has nobody to answer a password or host-key prompt (on a terminal ssh asked in the middle of
        // the build's output and the build waited the response timeout); ssh fails at once, saying why.
        argv.AddRange(["-o", "BatchMode=yes"]);
        argv.AddRange(["-o", "ConnectTimeout=" + seconds.ToString(CultureInfo.InvariantCulture), "-T", "--", endpoint.Host!]);
        string[] remote = endpoint.SocketPath is { } path ? ["docker", "--host=unix://" + path, "system", "dial-stdio"] : ["docker", "system", "dial-stdio"];
        argv.Add(string.Join(' ', remote.Select(ShellQuote)));
        return [.. argv];
    }

    /// <summary>Starts ssh; its failures show on the first request (as with the CLI: ssh authenticates while it is sent).</summary>
    public static Task<HttpConnection> ConnectAsync(string[] argv, DockerEndpoint endpoint, DockerTimeouts timeouts, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var start = new ProcessStartInfo(Program(endpoint.SshSearchPath))
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (string argument in argv)
        {
            start.ArgumentList.Add(argument);
        }

        // The build's PATH and agent (the same as this process's, except in the sync server).
        if (endpoint.SshSearchPath is { } searchPath)
        {
            start.Environment["PATH"] = searchPath;
        }

        if (endpoint.SshAgent is { } agent)
        {
            start.Environment["SSH_AUTH_SOCK"] = agent;
        }
        else
        {
            start.Environment.Remove("SSH_AUTH_SOCK");
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("no process");
        }
        catch (Win32Exception e)
        {
            throw new DockerException($"Cannot start ssh for {endpoint.Display}: {e.Message}", unreachable: true, innerException: e)
            {
                Diagnostic = Diag.SshNotStarted(endpoint.Display, e.Message),
            };
        }

        var stream = new SshConnection(process, endpoint, timeouts);
        return Task.FromResult(new HttpConnection(() => !process.HasExited, stream, "localhost", endpoint.Display, timeouts));
    }

    public override bool CanRead => true;

    public override bool CanWrite => true;

    public override bool CanSeek => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int n;
        try
        {
            // A pipe read may not heed cancellation on every platform: the bound stops the wait, Dispose ends the read.
            n = await _stdout.ReadAsync(buffer, CancellationToken.None).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw (Exception?)await EndedAsync(e).ConfigureAwait(false) ?? e;
        }

        return n > 0 || buffer.Length == 0 ? n : await EndedAsync(null).ConfigureAwait(false) is { } ended ? throw ended : 0;
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        try
        {
            await _stdin.WriteAsync(buffer, CancellationToken.None).AsTask().WaitAsync(cancellationToken).ConfigureAwait(false);
            await _stdin.FlushAsync(CancellationToken.None).WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            throw (Exception?)await EndedAsync(e).ConfigureAwait(false) ?? e;
        }
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            // Closing stdin ends dial-stdio; the kill makes sure no ssh outlives the connection.
            try
            {
                _stdin.Dispose();
                if (!_process.HasExited)
                {
                    _process.Kill();
                }
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or Win32Exception)
            {
            }

            _stdout.Dispose();
            _process.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>ssh closed its end: when it exited with a failure, the coded error with what it said; else null.</summary>
    private async Task<DockerException?> EndedAsync(Exception? inner)
    {
        using var bound = new CancellationTokenSource(_timeouts.Connect);
        try
        {
            await _process.WaitForExitAsync(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return null; // still running with its output closed: the HTTP layer reports the broken connection
        }

        int code = _process.ExitCode;
        if (code == 0)
        {
            return null;
        }

        string said;
        lock (_stderr)
        {
            said = _stderr.Count == 0 ? "(nothing)" : string.Join(" | ", _stderr);
        }

        return new DockerException($"ssh for {_endpoint.Display} exited with code {code}: {said}", unreachable: true, innerException: inner)
        {
            Diagnostic = Diag.SshFailed(_endpoint.Display, code, said.TrimEnd('.')), // the message adds its own full stop
        };
    }

    /// <summary>The <c>ssh</c> the build's PATH names: Process.Start searches this process's PATH, which in the sync
    /// server is another build's. Plain "ssh" when the build's PATH is this process's (or names none).</summary>
    internal static string Program(string? searchPath)
    {
        if (searchPath is null || searchPath == Environment.GetEnvironmentVariable("PATH"))
        {
            return "ssh";
        }

        string name = OperatingSystem.IsWindows() ? "ssh.exe" : "ssh";
        foreach (string folder in searchPath.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(folder, name);
            if (Path.IsPathFullyQualified(folder) && File.Exists(candidate))
            {
                return candidate;
            }
        }

        return "ssh";
    }

    /// <summary>A word for a POSIX shell: as is when plain, else in single quotes.</summary>
    internal static string ShellQuote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/' or ':' or '=' or '@' or '+' or ',')
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
