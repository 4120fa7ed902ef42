using System.Globalization;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using k8s;

namespace FileSync.Kubernetes;

/// <summary>
/// Exec over WebSocket. v5.channel.k8s.io first: it can close stdin ([255, 0]), so `tar xmf -` sees its input end.
/// v4.channel.k8s.io (API servers before 1.30) only when v5 is refused: it cannot, so an exec with stdin is given
/// <see cref="V4StdinBound"/> after its input to end by itself (filesync-launcher's extract stops at the archive's end
/// marker; tar never does) and is otherwise FSYNC9015. The exit code is read from the status channel (3).
/// </summary>
internal sealed partial class KubeApi
{
    internal const string V5 = "v5.channel.k8s.io";
    internal const string V4 = "v4.channel.k8s.io";

    /// <summary>How long a finished command may take to report its status (and an exec without stdin to run).</summary>
    private static readonly TimeSpan ExecBound = TimeSpan.FromSeconds(120);

    /// <summary>How long one write of the input may wait for the API server to take it.</summary>
    private static readonly TimeSpan StallBound = TimeSpan.FromSeconds(60);

    /// <summary>v4: how long after its input a command may take to end by itself.</summary>
    internal static readonly TimeSpan V4StdinBound = TimeSpan.FromSeconds(10);

    /// <summary>Output kept per stream: enough for any message, never a whole file.</summary>
    private const int OutputCap = 64 * 1024;

    private volatile bool _v4Only;

    public async Task<KubeExecResult> ExecAsync(string ns, string pod, string container, IReadOnlyList<string> argv, Func<Stream, CancellationToken, Task>? stdin, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            (WebSocket socket, string protocol) = await ConnectAsync(ns, pod, container, argv, stdin is not null, cancellationToken).ConfigureAwait(false);
            using var demuxer = new StreamDemuxer(socket, StreamType.RemoteCommand, ownsSocket: true, supportsClose: protocol == V5);
            demuxer.Start();
            Task<string> stdout = ReadAsync(demuxer.GetStream(ChannelIndex.StdOut, null), cancellationToken);
            Task<string> stderr = ReadAsync(demuxer.GetStream(ChannelIndex.StdErr, null), cancellationToken);
            Task<string> status = ReadAsync(demuxer.GetStream(ChannelIndex.Error, null), cancellationToken);
            Exception? writeFailed = null;
            if (stdin is not null)
            {
                writeFailed = await WriteInputAsync(demuxer, protocol, stdin, status, cancellationToken).ConfigureAwait(false);
            }

            TimeSpan bound = stdin is not null && protocol == V4 ? V4StdinBound : ExecBound;
            Task finished = Task.WhenAll(stdout, stderr, status);
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task expired = Task.Delay(bound, timer.Token);
            Task first = await Task.WhenAny(finished, expired).ConfigureAwait(false);
            await timer.CancelAsync().ConfigureAwait(false);
            if (first != finished)
            {
                cancellationToken.ThrowIfCancellationRequested();
                throw stdin is not null && protocol == V4
                    ? new KubeApiException(KubeFailure.StdinNotClosed, $"no status within {bound.TotalSeconds:0} s of the input's end")
                    : new KubeApiException(KubeFailure.Other, $"'{argv[0]}' did not finish within {bound.TotalSeconds:0} s");
            }

            return ToResult(await status.ConfigureAwait(false), await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), writeFailed);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && Classify(e) is { } failure && !ReferenceEquals(failure, e))
        {
            throw failure;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>v5, else (once refused) v4 for the rest of this client's life.</summary>
    private async Task<(WebSocket Socket, string Protocol)> ConnectAsync(string ns, string pod, string container, IReadOnlyList<string> argv, bool stdin, CancellationToken cancellationToken)
    {
        if (!_v4Only)
        {
            try
            {
                return (await OpenAsync(ns, pod, container, argv, stdin, V5, cancellationToken).ConfigureAwait(false), V5);
            }
            catch (Exception e) when (!cancellationToken.IsCancellationRequested && Classify(e) is { Failure: KubeFailure.BadRequest or KubeFailure.Refused })
            {
                // A server before 1.30 refuses a v5-only upgrade with a bare 403 (its WebSocket handshake's answer), which
                // only the v4 attempt tells from an RBAC refusal: that one is refused again, and reported as such.
            }
        }

        WebSocket socket = await OpenAsync(ns, pod, container, argv, stdin, V4, cancellationToken).ConfigureAwait(false);
        _v4Only = true;
        return (socket, V4);
    }

    private async Task<WebSocket> OpenAsync(string ns, string pod, string container, IReadOnlyList<string> argv, bool stdin, string protocol, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(CallBound);
        try
        {
            WebSocket socket = await _client.WebSocketNamespacedPodExecAsync(pod, ns, argv, container, stderr: true, stdin: stdin, stdout: true, tty: false,
                webSocketSubProtocol: protocol, cancellationToken: bound.Token).ConfigureAwait(false);
            if (socket.SubProtocol is { Length: > 0 } agreed && agreed != protocol)
            {
                socket.Dispose();
                throw new KubeApiException(KubeFailure.Other, $"the server answered with {agreed}, not {protocol}");
            }

            return socket;
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KubeApiException(KubeFailure.Unreachable, $"no answer to the exec within {CallBound.TotalSeconds:0} s", e);
        }
    }

    /// <summary>Streams the input (buffered: the tar writer's 512-byte headers would each be a frame), then ends it: v5's
    /// close signal. A command that ends early (tar refusing) closes the socket under the writer: returned, not thrown,
    /// since the status says why.</summary>
    private static async Task<Exception?> WriteInputAsync(StreamDemuxer demuxer, string protocol, Func<Stream, CancellationToken, Task> stdin, Task<string> status, CancellationToken cancellationToken)
    {
        try
        {
            Stream input = new StallGuardStream(demuxer.GetStream(null, ChannelIndex.StdIn), StallBound);
            await using (var buffered = new BufferedStream(input, 64 * 1024))
            {
                await stdin(buffered, cancellationToken).ConfigureAwait(false);
                await buffered.FlushAsync(cancellationToken).ConfigureAwait(false);
            }

            if (protocol == V5)
            {
                await demuxer.CloseChannel(ChannelIndex.StdIn, cancellationToken).ConfigureAwait(false);
            }

            return null;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is not KubeApiException && (status.IsCompleted || e is WebSocketException or IOException or ObjectDisposedException))
        {
            return e;
        }
    }

    private static async Task<string> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var text = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (text.Length < OutputCap)
            {
                text.Write(buffer, 0, (int)Math.Min(read, OutputCap - text.Length));
            }
        }

        return Encoding.UTF8.GetString(text.GetBuffer(), 0, (int)text.Length);
    }

    /// <summary>The status channel's V1Status: Success is 0, NonZeroExitCode carries the code in a cause with reason
    /// ExitCode; anything else is a failure to run the command (its message kept). No status at all: the connection broke.</summary>
    internal static KubeExecResult ToResult(string status, string stdout, string stderr, Exception? writeFailed = null)
    {
        if (string.IsNullOrWhiteSpace(status))
        {
            string why = writeFailed is null ? "the API server ended the exec without a status" : $"the connection broke while sending the input ({writeFailed.Message})";
            throw new KubeApiException(KubeFailure.Other, why, writeFailed);
        }

        try
        {
            using var json = JsonDocument.Parse(status);
            JsonElement root = json.RootElement;
            string? state = root.TryGetProperty("status", out JsonElement s) ? s.GetString() : null;
            if (state == "Success")
            {
                return new KubeExecResult(0, stdout, stderr);
            }

            if (root.TryGetProperty("details", out JsonElement details) && details.ValueKind == JsonValueKind.Object
                && details.TryGetProperty("causes", out JsonElement causes) && causes.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement cause in causes.EnumerateArray())
                {
                    if (cause.TryGetProperty("reason", out JsonElement reason) && reason.GetString() == "ExitCode"
                        && cause.TryGetProperty("message", out JsonElement code) && int.TryParse(code.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int exit))
                    {
                        return new KubeExecResult(exit, stdout, stderr);
                    }
                }
            }

            string message = root.TryGetProperty("message", out JsonElement m) ? m.GetString() ?? "" : "";
            return new KubeExecResult(-1, stdout, stderr, message.Length > 0 ? message : status.Trim());
        }
        catch (JsonException)
        {
            return new KubeExecResult(-1, stdout, stderr, status.Trim());
        }
    }
}
