using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace FileSync.Docker;

/// <summary>
/// HTTP/1.1 over one connected socket (Unix or TCP, TLS or not), one request at a time: just what the Engine API needs,
/// with few async methods (each costs JIT time in a fresh build process). Transport failures are
/// <see cref="DockerException"/>s; a failed or cancelled request leaves the connection to be disposed.
/// </summary>
internal sealed class HttpConnection(Socket socket, Stream stream, string host, string display) : IDisposable
{
    private static readonly TimeSpan ExpectContinueTimeout = TimeSpan.FromSeconds(1);
    private readonly byte[] _buffer = new byte[16 * 1024];
    private int _start, _end; // received, not yet consumed: _buffer[_start.._end]
    private bool _received, _contentStarted;

    public HttpConnectionPool? Pool { get; set; }

    public long IdleSince { get; set; }

    /// <summary>Idle and not closed by the engine (an idle connection has nothing to read, not even its end).</summary>
    public bool IsOpen => Drained && !socket.Poll(0, SelectMode.SelectRead);

    /// <summary>The last request failed before the engine sent a byte or the caller's content was asked for: safe to repeat.</summary>
    public bool NothingExchanged => !_received && !_contentStarted;

    internal bool Drained => _start == _end;

    public void Dispose() => stream.Dispose(); // owns the socket

    public async Task<HttpResponse> SendAsync(HttpRequest request, CancellationToken ct)
    {
        _received = _contentStarted = false;
        string head = $"{request.Method} {request.Target} HTTP/1.1\r\nHost: {host}\r\n"
            + (request.ContentType is null ? "" : $"Content-Type: {request.ContentType}\r\n")
            + (request.WriteContent is not null ? "Transfer-Encoding: chunked\r\nExpect: 100-continue\r\n"
                : request.Content is not null || request.Method is "POST" or "PUT" ? $"Content-Length: {request.Content?.Length ?? 0}\r\n"
                : "")
            + "\r\n";
        byte[] bytes = new byte[head.Length + (request.Content?.Length ?? 0)];
        Encoding.ASCII.GetBytes(head, bytes);
        request.Content?.CopyTo(bytes, head.Length);
        await WriteAsync(bytes, ct).ConfigureAwait(false);
        if (request.WriteContent is null)
        {
            return Respond(await ReadHeadAsync(ct).ConfigureAwait(false), requestComplete: true);
        }

        // Expect: 100-continue: the content is produced once the engine accepted the request (or after a second of silence).
        Task<Head> pending = ReadHeadAsync(ct);
        using (var timer = CancellationTokenSource.CreateLinkedTokenSource(ct))
        {
            if (await Task.WhenAny(pending, Task.Delay(ExpectContinueTimeout, timer.Token)).ConfigureAwait(false) == pending)
            {
                Head early = await pending.ConfigureAwait(false);
                if (early.Status != 100)
                {
                    return Respond(early, requestComplete: false); // refused: the content was never asked for
                }

                pending = ReadHeadAsync(ct);
            }

            timer.Cancel();
        }

        var content = new HttpChunkedStream(this);
        _contentStarted = true;
        try
        {
            await request.WriteContent(content, ct).ConfigureAwait(false);
            await content.CompleteAsync(ct).ConfigureAwait(false);
        }
        catch (Exception) when (content.Failure is not null && pending.IsCompletedSuccessfully)
        {
            return Respond(pending.Result, requestComplete: false); // the engine answered (an error) and stopped reading
        }
        catch (Exception)
        {
            // The pending read fails once the connection is dropped; nobody waits for it.
            _ = pending.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            content.Failure?.Throw(); // the connection failed, not the writer: report that
            throw;
        }

        Head final = await pending.ConfigureAwait(false);
        while (final.Status == 100)
        {
            final = await ReadHeadAsync(ct).ConfigureAwait(false);
        }

        return Respond(final, requestComplete: true);
    }

    private HttpResponse Respond(Head head, bool requestComplete)
    {
        long length = head.Status is 204 or 304 ? 0 : head.Chunked ? HttpResponseStream.Chunked : head.Length;
        var body = new HttpResponseStream(this, length, reusable: requestComplete && head.KeepAlive);
        if (length == 0)
        {
            body.Finish();
        }

        return new HttpResponse(head.Status, head.Reason, body);
    }

    private readonly record struct Head(int Status, string Reason, long Length, bool Chunked, bool KeepAlive);

    private async Task<Head> ReadHeadAsync(CancellationToken ct)
    {
        Head head;
        while (!TryTakeHead(out head))
        {
            await FillAsync(ct).ConfigureAwait(false);
        }

        return head;
    }

    /// <summary>Status line and header fields, once all of them arrived.</summary>
    private bool TryTakeHead(out Head head)
    {
        head = default;
        int end = _buffer.AsSpan(_start, _end - _start).IndexOf("\r\n\r\n"u8);
        if (end < 0)
        {
            return false;
        }

        string[] lines = Encoding.Latin1.GetString(_buffer, _start, end).Split("\r\n");
        _start += end + 4;
        string status = lines[0]; // HTTP/1.1 200 OK
        if (!status.StartsWith("HTTP/1.", StringComparison.Ordinal) || status.Length < 12
            || !int.TryParse(status.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture, out int code))
        {
            throw Failed($"not an HTTP response: '{(status.Length > 40 ? status[..40] : status)}'");
        }

        long length = -1;
        bool chunked = false, keepAlive = status[7] != '0';
        foreach (string line in lines.AsSpan(1))
        {
            int colon = line.IndexOf(':');
            ReadOnlySpan<char> name = line.AsSpan(0, Math.Max(colon, 0)).Trim(), value = line.AsSpan(colon + 1).Trim();
            if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)
                && !long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out length))
            {
                throw Failed($"invalid Content-Length '{value}'");
            }

            chunked |= name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase) && value.Contains("chunked", StringComparison.OrdinalIgnoreCase);
            if (name.Equals("Connection", StringComparison.OrdinalIgnoreCase))
            {
                keepAlive = value.Contains("keep-alive", StringComparison.OrdinalIgnoreCase) || (keepAlive && !value.Contains("close", StringComparison.OrdinalIgnoreCase));
            }
        }

        // Without a length, the body runs to the end of the connection, which then cannot serve another request.
        head = new Head(code, status.Length > 13 ? status[13..] : "", length, chunked, keepAlive && (chunked || length >= 0 || code is 204 or 304));
        return true;
    }

    /// <summary>A chunk's size line (after the CR LF that ends the previous chunk), and for the last chunk its trailer.</summary>
    internal bool TryTakeChunkSize(bool afterChunk, out long size)
    {
        size = 0;
        ReadOnlySpan<byte> data = _buffer.AsSpan(_start, _end - _start);
        int at = afterChunk ? 2 : 0, lf = data.Length < at ? -1 : data[at..].IndexOf("\r\n"u8);
        if (lf < 0)
        {
            return false;
        }

        ReadOnlySpan<byte> line = data.Slice(at, lf);
        line = line.IndexOf((byte)';') is int semicolon and >= 0 ? line[..semicolon] : line; // no extensions expected
        if ((afterChunk && !data.StartsWith("\r\n"u8)) || !long.TryParse(line, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out size))
        {
            throw Failed("malformed chunked response");
        }

        at += lf + 2;
        if (size == 0) // the last chunk: then trailer fields (none expected), up to an empty line
        {
            do
            {
                lf = data[at..].IndexOf("\r\n"u8);
                if (lf < 0)
                {
                    return false;
                }

                at += lf + 2;
            }
            while (lf > 0);
        }

        _start += at;
        return true;
    }

    /// <summary>Receives more; the end of the connection is a failure here unless <paramref name="endAllowed"/>.</summary>
    internal async Task<bool> FillAsync(CancellationToken ct, bool endAllowed = false)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            (_end, _start) = (_end - _start, 0);
        }

        if (_end == _buffer.Length)
        {
            throw Failed("a response head or chunk header longer than 16 KB");
        }

        int n;
        try
        {
            n = await stream.ReadAsync(_buffer.AsMemory(_end), ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw Failed(e.Message, e);
        }

        _end += n;
        _received |= n > 0;
        if (n == 0 && !endAllowed)
        {
            throw Failed("the engine closed the connection before the end of the response");
        }

        return n > 0;
    }

    /// <summary>Hands over received bytes, at most <paramref name="max"/>.</summary>
    internal int Take(Span<byte> destination, long max)
    {
        int n = (int)Math.Min(Math.Min(destination.Length, _end - _start), max);
        _buffer.AsSpan(_start, n).CopyTo(destination);
        _start += n;
        return n;
    }

    internal async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        try
        {
            await stream.WriteAsync(data, ct).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            throw Failed(e.Message, e);
        }
    }

    private DockerException Failed(string reason, Exception? inner = null) =>
        new($"The request to the Docker engine at {display} failed: {reason}", innerException: inner);
}
