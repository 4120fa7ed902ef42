using System.Diagnostics;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json.Nodes;

namespace FileSync.KubeStandIn;

/// <summary>
/// One <c>pods/exec</c> over WebSocket with the Kubernetes channel protocol: every binary message starts with its
/// stream id (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize); <c>v5.channel.k8s.io</c> adds 255 = close,
/// <c>[255, 0]</c> being the end of stdin. Under <c>v4.channel.k8s.io</c> stdin ends only when the socket closes,
/// as on a real cluster. The command runs with <c>docker exec</c> (argv array) in the pod's container.
/// </summary>
internal sealed class ExecSession
{
    public const string V5 = "v5.channel.k8s.io";
    public const string V4 = "v4.channel.k8s.io";

    private const byte Stdin = 0, Stdout = 1, Stderr = 2, Error = 3, Close = 255;

    private readonly WebSocket _socket;
    private readonly string _protocol;
    private readonly ExecStartFailure _startFailure;
    private readonly Dictionary<byte, MemoryStream> _held = [];
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly object _stdinLock = new();
    private Stream? _stdin;

    public ExecSession(WebSocket socket, string protocol, ExecStartFailure startFailure)
    {
        _socket = socket;
        _protocol = protocol;
        _startFailure = startFailure;
    }

    /// <summary>Runs <paramref name="command"/> in Docker container <paramref name="dockerId"/> and streams it.</summary>
    public async Task RunAsync(string dockerId, IReadOnlyList<string> command, bool stdin, bool stdout, bool stderr, CancellationToken ct)
    {
        var args = new List<string> { "exec" };
        if (stdin)
        {
            args.Add("-i");
        }

        args.Add(dockerId);
        args.AddRange(command);
        using var process = Process.Start(DockerCli.StartInfo(args, redirectStdin: true))
            ?? throw new InvalidOperationException("Could not start the docker CLI.");
        _stdin = process.StandardInput.BaseStream;
        if (!stdin)
        {
            CloseStdin();
        }

        var receive = ReceiveAsync(stdin, ct);
        var pumpOut = PumpAsync(process.StandardOutput.BaseStream, Stdout, stdout, ct);
        var pumpErr = PumpAsync(process.StandardError.BaseStream, Stderr, stderr, ct);
        try
        {
            await process.WaitForExitAsync(ct);
            await Task.WhenAll(pumpOut, pumpErr);
            await SendAsync(Error, Encoding.UTF8.GetBytes((await FinalStatusAsync(process.ExitCode, dockerId, command, ct)).ToJsonString()), ct);
            await _sendLock.WaitAsync(ct);
            try
            {
                if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
                {
                    await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, ct);
                }

                // The client answers our close; a client that never does is cut off below (bounded, not a sleep).
                await receive.WaitAsync(TimeSpan.FromSeconds(30), ct);
            }
            catch (Exception e) when (e is WebSocketException or IOException or TimeoutException)
            {
                // The client is gone or silent: the command has ended and its status was sent if it could be.
            }
            finally
            {
                _sendLock.Release();
            }
        }
        catch (Exception) when (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }
        finally
        {
            CloseStdin();
            if (!receive.IsCompleted)
            {
                _socket.Abort();
            }
        }
    }

    /// <summary>
    /// The status to send once the command ended. Output held back because it is the runtime's, not the command's
    /// (docker's "OCI runtime exec failed" for a missing executable, "Error response from daemon" for a container that
    /// is gone), becomes an InternalError as containerd's CRI reports it; or, for <see cref="ExecStartFailure.ExitCode"/>,
    /// is forwarded with the exit code 126/127 as cri-dockerd does. A daemon error is always an InternalError.
    /// </summary>
    private async Task<JsonObject> FinalStatusAsync(int exitCode, string dockerId, IReadOnlyList<string> command, CancellationToken ct)
    {
        string held = string.Concat(_held.OrderBy(h => h.Key).Select(h => Encoding.UTF8.GetString(h.Value.ToArray()))).Trim();
        bool daemon = held.StartsWith(DaemonError, StringComparison.Ordinal);
        if (held.Length > 0 && exitCode != 0 && (daemon || _startFailure == ExecStartFailure.InternalError))
        {
            string cause = daemon
                ? $"error executing command in container: {held[DaemonError.Length..].Trim()}"
                : $"error executing command in container: failed to exec in container: failed to start exec \"{dockerId}\": {held}";
            return new JsonObject
            {
                ["metadata"] = new JsonObject(),
                ["status"] = "Failure",
                ["message"] = "Internal error occurred: " + cause,
                ["reason"] = "InternalError",
                ["details"] = new JsonObject { ["causes"] = new JsonArray(new JsonObject { ["message"] = cause }) },
                ["code"] = 500,
            };
        }

        foreach (var (stream, bytes) in _held.OrderBy(h => h.Key))
        {
            await SendAsync(stream, bytes.ToArray(), ct);
        }

        return ExitStatus(exitCode, command);
    }

    /// <summary>The status channel's metav1.Status, as the kubelet writes it (exit code in a cause named ExitCode).</summary>
    public static JsonObject ExitStatus(int exitCode, IReadOnlyList<string> command)
    {
        if (exitCode == 0)
        {
            return new JsonObject { ["metadata"] = new JsonObject(), ["status"] = "Success" };
        }

        return new JsonObject
        {
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = $"command terminated with non-zero exit code: error executing command [{string.Join(' ', command)}], exit code {exitCode}",
            ["reason"] = "NonZeroExitCode",
            ["details"] = new JsonObject
            {
                ["causes"] = new JsonArray(new JsonObject { ["reason"] = "ExitCode", ["message"] = exitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            },
        };
    }

    private async Task ReceiveAsync(bool stdin, CancellationToken ct)
    {
        var buffer = new byte[64 * 1024];
        bool messageStart = true;
        byte stream = 0;
        try
        {
            while (true)
            {
                var result = await _socket.ReceiveAsync(buffer, ct);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return;
                }

                int offset = 0;
                if (messageStart && result.Count > 0)
                {
                    stream = buffer[0];
                    offset = 1;
                }

                messageStart = result.EndOfMessage;
                var data = buffer.AsMemory(offset, result.Count - offset);
                if (stream == Stdin && stdin)
                {
                    await WriteStdinAsync(data, ct);
                }
                else if (stream == Close && _protocol == V5 && data.Length > 0 && data.Span[0] == Stdin)
                {
                    CloseStdin();
                }

                // Resize (4) and anything else carry nothing a non-tty exec needs.
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or OperationCanceledException)
        {
            // The client went away: the command's stdin ends, as on a real cluster.
        }
        finally
        {
            CloseStdin();
        }
    }

    private async Task WriteStdinAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        var target = _stdin;
        if (target is null || data.IsEmpty)
        {
            return;
        }

        try
        {
            await target.WriteAsync(data, ct);
            await target.FlushAsync(ct);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The command stopped reading (it exited): the rest of stdin is dropped, as a closed pipe would.
            CloseStdin();
        }
    }

    private void CloseStdin()
    {
        Stream? stdin;
        lock (_stdinLock)
        {
            stdin = _stdin;
            _stdin = null;
        }

        try
        {
            stdin?.Dispose();
        }
        catch (IOException)
        {
            // Already broken: the command has ended.
        }
    }

    private async Task PumpAsync(Stream output, byte stream, bool forward, CancellationToken ct)
    {
        var buffer = new byte[32 * 1024 + 1];
        MemoryStream? held = null;
        bool first = true;
        while (true)
        {
            int read = await output.ReadAsync(buffer.AsMemory(1), ct);
            if (read == 0)
            {
                return;
            }

            if (first && (StartsWith(buffer.AsSpan(1, read), OciError) || StartsWith(buffer.AsSpan(1, read), DaemonError)))
            {
                // The docker CLI reports that the exec could not start; FinalStatusAsync decides what the client sees.
                held = new MemoryStream();
                lock (_held)
                {
                    _held[stream] = held;
                }
            }

            first = false;
            if (held is not null)
            {
                held.Write(buffer, 1, read);
            }
            else if (forward)
            {
                buffer[0] = stream;
                await SendRawAsync(buffer.AsMemory(0, read + 1), ct);
            }
        }
    }

    private const string OciError = "OCI runtime exec failed";
    private const string DaemonError = "Error response from daemon:";

    private static bool StartsWith(ReadOnlySpan<byte> data, string prefix) =>
        data.StartsWith(Encoding.ASCII.GetBytes(prefix));

    private Task SendAsync(byte stream, byte[] payload, CancellationToken ct)
    {
        var message = new byte[payload.Length + 1];
        message[0] = stream;
        payload.CopyTo(message, 1);
        return SendRawAsync(message, ct);
    }

    private async Task SendRawAsync(ReadOnlyMemory<byte> message, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct);
        try
        {
            if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            {
                await _socket.SendAsync(message, WebSocketMessageType.Binary, endOfMessage: true, ct);
            }
        }
        catch (WebSocketException)
        {
            // The client is gone; the command still runs to its end (its output has nowhere to go).
        }
        finally
        {
            _sendLock.Release();
        }
    }
}
