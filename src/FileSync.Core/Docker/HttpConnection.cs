using System.Globalization;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text;

namespace FileSync.Docker;

/// <summary>
/// HTTP/1.1 over one connection (a Unix socket, TCP with or without TLS, a named pipe, ssh), one request at a time: just what the Engine API needs,
/// with few async methods (each costs JIT time in a fresh build process). Transport failures are
/// <see cref="DockerException"/>s; a failed or cancelled request leaves the connection to be disposed. Every wait for the
/// engine is bounded (<see cref="HttpDeadline"/>): the response's headers by the response timeout, each read of a body and
/// each write of an upload by the stall timeout.
/// </summary>
internal sealed class HttpConnection(Func<bool> transportOpen, Stream stream, string host, string display, DockerTimeouts timeouts) : IDisposable
{
    private const string Sending = "sending the request body", Receiving = "receiving the response";
    private const int WritingContent = 1, AnsweredEarly = 2;
    private static readonly TimeSpan ExpectContinueTimeout = TimeSpan.FromSeconds(1);
    private readonly byte[] _buffer = new byte[16 * 1024];
    private readonly HttpDeadline _deadline = new(timeouts);
    private int _start, _end; // received, not yet consumed: _buffer[_start.._end]
    private bool _received, _contentStarted, _headRequest;
    private bool _boundAsAWhole; // the rest of the response is bounded by the response timeout, not per read
    private int _writing; // WritingContent while the caller's content is sent; AnsweredEarly once the engine answered meanwhile
    private HttpRequest? _request; // for messages

    public HttpConnectionPool? Pool { get; set; }

    public long IdleSince { get; set; }

    /// <summary>Idle and not closed by the engine (an idle socket has nothing to read, not even its end; a pipe is still connected; ssh still runs).</summary>
    public bool IsOpen => Drained && !_deadline.Passed && transportOpen();

    /// <summary>The last request failed before the engine sent a byte or the caller's content was asked for: safe to repeat.</summary>
    public bool NothingExchanged => !_received && !_contentStarted;

    internal bool Drained => _start == _end;

    public void Dispose() => stream.Dispose(); // owns the socket

    public async Task<HttpResponse> SendAsync(HttpRequest request, CancellationToken ct)
    {
        _received = _contentStarted = _boundAsAWhole = false;
        _headRequest = request.Method == "HEAD"; // its response has no body, whatever its head says
        _writing = 0;
        _request = request;
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
            _deadline.Arm(DockerBound.Response);
            Head answer = await ReadHeadAsync(ct).ConfigureAwait(false);
            _deadline.Disarm();
            return Respond(answer, requestComplete: true);
        }

        // Expect: 100-continue: the content is produced once the engine accepted the request (or after a second of silence).
        // The head is read while the content is written: unbounded until the content is complete (each write has its own).
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
        _writing = WritingContent;
        // An answer before the content is complete (an error, or garbage) ends the writes at once: the engine may have
        // stopped reading, and its answer says more than a stall would. A late 100 Continue is no answer.
        _ = pending.ContinueWith(static (head, connection) => ((HttpConnection)connection!).StopWritingOn(head), this, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            await request.WriteContent(content, ct).ConfigureAwait(false);
            await content.CompleteAsync(ct).ConfigureAwait(false);
        }
        catch (Exception) when (content.Failure is not null && pending.IsCompletedSuccessfully && pending.Result.Status != 100)
        {
            _deadline.Renew(); // the writes were stopped (or their bound passed); the engine's answer is still to be read
            return Respond(pending.Result, requestComplete: false); // the engine answered (an error) and stopped reading
        }
        catch (Exception) when (content.Failure is not null && pending.IsFaulted && _writing == AnsweredEarly)
        {
            ExceptionDispatchInfo.Throw(pending.Exception!.InnerException!); // the answer broke the protocol: say that
        }
        catch (Exception)
        {
            // The pending read fails once the connection is dropped; nobody waits for it.
            _ = pending.ContinueWith(static t => t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            content.Failure?.Throw(); // the connection failed, not the writer: report that
            throw;
        }

        if (Interlocked.Exchange(ref _writing, 0) == AnsweredEarly)
        {
            _deadline.Renew(); // answered just as the content ended: nothing waits on the stopped timer
        }

        _deadline.Arm(DockerBound.Response);
        Head final = await pending.ConfigureAwait(false);
        while (final.Status == 100)
        {
            final = await ReadHeadAsync(ct).ConfigureAwait(false);
        }

        _deadline.Disarm();
        return Respond(final, requestComplete: true);
    }

    private HttpResponse Respond(Head head, bool requestComplete)
    {
        long length = head.Status is 204 or 304 || _headRequest ? 0 : head.Chunked ? HttpResponseStream.Chunked : head.Length;
        var body = new HttpResponseStream(this, length, reusable: requestComplete && head.KeepAlive);
        if (length == 0)
        {
            body.Finish();
        }

        return new HttpResponse(head.Status, head.Reason, body, _request!, head.Fields);
    }

    private readonly record struct Head(int Status, string Reason, long Length, bool Chunked, bool KeepAlive, Dictionary<string, string> Fields);

    private async Task<Head> ReadHeadAsync(CancellationToken ct)
    {
        Head head;
        while (!TryTakeHead(out head))
        {
            await FillAsync(ct, bound: false).ConfigureAwait(false);
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
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        bool chunked = false, keepAlive = status[7] != '0';
        foreach (string line in lines.AsSpan(1))
        {
            int colon = line.IndexOf(':');
            ReadOnlySpan<char> name = line.AsSpan(0, Math.Max(colon, 0)).Trim(), value = line.AsSpan(colon + 1).Trim();
            fields[name.ToString()] = value.ToString();
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

        // Without a length, the body runs to the end of the connection, which then cannot serve another request; the
        // answer to HEAD has no body whatever its head says (the engine's HEAD .../archive sends no Content-Length).
        head = new Head(code, status.Length > 13 ? status[13..] : "", length, chunked, keepAlive && (chunked || length >= 0 || code is 204 or 304 || _headRequest), fields);
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

    /// <summary>Receives more; the end of the connection is a failure here unless <paramref name="endAllowed"/>. Within the
    /// stall timeout, unless the caller bounds the wait itself (<paramref name="bound"/> false: a response's head).</summary>
    internal async Task<bool> FillAsync(CancellationToken ct, bool endAllowed = false, bool bound = true)
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
        bound &= !_boundAsAWhole;
        if (bound)
        {
            _deadline.Arm(DockerBound.Stall, Receiving);
        }

        try
        {
            using (_deadline.Link(ct))
            {
                n = await stream.ReadAsync(_buffer.AsMemory(_end), _deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            throw Failure(e, ct);
        }

        if (bound)
        {
            _deadline.Disarm();
        }

        _end += n;
        _received |= n > 0;
        if (n == 0 && !endAllowed)
        {
            throw Failed("the engine closed the connection before the end of the response");
        }

        return n > 0;
    }

    /// <summary>The rest of this response must arrive within the response timeout, as a whole.</summary>
    internal void BoundWholeResponse()
    {
        _boundAsAWhole = true;
        _deadline.Arm(DockerBound.Response);
    }

    /// <summary>The response was read to its end: no bound runs while the connection is idle.</summary>
    internal void EndResponse()
    {
        _boundAsAWhole = false;
        _deadline.Disarm();
    }

    /// <summary>Hands over received bytes, at most <paramref name="max"/>.</summary>
    internal int Take(Span<byte> destination, long max)
    {
        int n = (int)Math.Min(Math.Min(destination.Length, _end - _start), max);
        _buffer.AsSpan(_start, n).CopyTo(destination);
        _start += n;
        return n;
    }

    /// <summary>Sends <paramref name="data"/> within the stall timeout.</summary>
    internal async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        _deadline.Arm(DockerBound.Stall, Sending);
        try
        {
            using (_deadline.Link(ct))
            {
                await stream.WriteAsync(data, _deadline.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
            throw Failure(e, ct);
        }

        _deadline.Disarm();
    }

    private void StopWritingOn(Task<Head> head)
    {
        if ((head.IsFaulted || (head.IsCompletedSuccessfully && head.Result.Status != 100))
            && Interlocked.CompareExchange(ref _writing, AnsweredEarly, WritingContent) == WritingContent)
        {
            _deadline.Stop();
        }
    }

    /// <summary>A failed socket call: the caller cancelled, a bound passed, the engine answered mid-upload, or the connection broke.</summary>
    private Exception Failure(Exception e, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return e as OperationCanceledException ?? new OperationCanceledException(e.Message, e, ct);
        }

        if (_writing == AnsweredEarly)
        {
            return Failed("the engine answered before the upload was complete", e);
        }

        if (!_deadline.Passed)
        {
            return Failed(e.Message, e);
        }

        int seconds = _deadline.Seconds;
        string message = _deadline.Bound == DockerBound.Response
            ? $"The Docker engine at {display} did not answer '{RequestLine}' within {seconds} s (the response timeout)."
            : $"The transfer with the Docker engine at {display} made no progress for {seconds} s while {_deadline.Activity} for '{RequestLine}' (the stall timeout).";
        return new DockerException(message, innerException: e)
        {
            TimedOut = _deadline.Bound,
            TimeoutSeconds = seconds,
            Request = RequestLine,
            Activity = _deadline.Activity,
        };
    }

    private string? RequestLine => _request is null ? null : _request.Method + " " + _request.Target;

    private DockerException Failed(string reason, Exception? inner = null) =>
        new($"The request to the Docker engine at {display} failed: {reason}", innerException: inner) { Broken = true, Request = RequestLine };
}
