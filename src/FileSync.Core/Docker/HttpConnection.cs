using System.Globalization;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text;

namespace FileSync.Docker;

/// <summary>One request to the engine: a body of bytes, or one streamed from a callback (chunked, sent only once the
/// engine accepted the request: <c>Expect: 100-continue</c>), or none.</summary>
internal sealed record HttpRequest(string Method, string Target, string? ContentType = null, byte[]? Content = null, Func<Stream, CancellationToken, Task>? WriteContent = null);

/// <summary>A response whose status and headers arrived; disposing it releases the connection (back to the pool when
/// the body was read to its end).</summary>
internal sealed class HttpResponse(int statusCode, string reasonPhrase, Stream body, IReadOnlyDictionary<string, string>? headers = null) : IDisposable
{
    /// <summary>A header field's value (the last one of that name), or null.</summary>
    public string? Header(string name) => headers is not null && headers.TryGetValue(name, out string? value) ? value : null;

    public int StatusCode => statusCode;

    public string ReasonPhrase => reasonPhrase;

    public bool IsSuccess => statusCode is >= 200 and <= 299;

    /// <summary>By Content-Length, chunked, or to the end of the connection (exec's raw stream); not seekable.</summary>
    public Stream Body => body;

    public async Task<byte[]> ReadBodyAsync(CancellationToken ct)
    {
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return buffer.ToArray();
    }

    public void Dispose() => body.Dispose();
}

/// <summary>Idle connections to one engine, reused by the next request: a sync makes several in a row.</summary>
internal sealed class HttpConnectionPool(Func<CancellationToken, Task<HttpConnection>> connect) : IDisposable
{
    private const long IdleTimeoutMs = 30_000;
    private const int MaxIdle = 8;
    private readonly Stack<HttpConnection> _idle = new();
    private bool _disposed;

    public async Task<HttpResponse> SendAsync(HttpRequest request, CancellationToken ct)
    {
        while (TakeIdle() is { } idle)
        {
            try
            {
                return await idle.SendAsync(request, ct).ConfigureAwait(false);
            }
            catch (DockerException) when (idle.NothingExchanged)
            {
                idle.Dispose(); // the engine had closed it in the meantime: nothing was done, try the next one
            }
            catch
            {
                idle.Dispose();
                throw;
            }
        }

        HttpConnection connection = await connect(ct).ConfigureAwait(false);
        connection.Pool = this;
        try
        {
            return await connection.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Return(HttpConnection connection)
    {
        lock (_idle)
        {
            if (!_disposed && _idle.Count < MaxIdle)
            {
                connection.IdleSince = Environment.TickCount64;
                _idle.Push(connection);
                return;
            }
        }

        connection.Dispose();
    }

    public void Dispose()
    {
        lock (_idle)
        {
            _disposed = true;
            while (_idle.TryPop(out HttpConnection? connection))
            {
                connection.Dispose();
            }
        }
    }

    private HttpConnection? TakeIdle()
    {
        lock (_idle)
        {
            while (_idle.TryPop(out HttpConnection? connection))
            {
                if (Environment.TickCount64 - connection.IdleSince < IdleTimeoutMs && connection.IsOpen)
                {
                    return connection;
                }

                connection.Dispose();
            }
        }

        return null;
    }
}

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
    private bool _received, _contentStarted, _headRequest;

    public HttpConnectionPool? Pool { get; set; }

    public long IdleSince { get; set; }

    /// <summary>Idle and not closed by the engine (an idle connection has nothing to read, not even its end).</summary>
    public bool IsOpen => Drained && !socket.Poll(0, SelectMode.SelectRead);

    /// <summary>The last request failed before the engine sent a byte or the caller's content was asked for: safe to repeat.</summary>
    public bool NothingExchanged => !_received && !_contentStarted;

    private bool Drained => _start == _end;

    public void Dispose() => stream.Dispose(); // owns the socket

    public async Task<HttpResponse> SendAsync(HttpRequest request, CancellationToken ct)
    {
        _received = _contentStarted = false;
        _headRequest = request.Method == "HEAD"; // its response has no body, whatever its head says
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

        var content = new ChunkedStream(this);
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
        long length = head.Status is 204 or 304 || _headRequest ? 0 : head.Chunked ? ResponseStream.Chunked : head.Length;
        var body = new ResponseStream(this, length, reusable: requestComplete && head.KeepAlive);
        if (length == 0)
        {
            body.Finish();
        }

        return new HttpResponse(head.Status, head.Reason, body, head.Fields);
    }

    private readonly record struct Head(int Status, string Reason, long Length, bool Chunked, bool KeepAlive, Dictionary<string, string> Fields);

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
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
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

        // Without a length, the body runs to the end of the connection, which then cannot serve another request.
        head = new Head(code, status.Length > 13 ? status[13..] : "", length, chunked, keepAlive && (chunked || length >= 0 || code is 204 or 304), fields);
        return true;
    }

    /// <summary>A chunk's size line (after the CR LF that ends the previous chunk), and for the last chunk its trailer.</summary>
    private bool TryTakeChunkSize(bool afterChunk, out long size)
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
    private async Task<bool> FillAsync(CancellationToken ct, bool endAllowed = false)
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
    private int Take(Span<byte> destination, long max)
    {
        int n = (int)Math.Min(Math.Min(destination.Length, _end - _start), max);
        _buffer.AsSpan(_start, n).CopyTo(destination);
        _start += n;
        return n;
    }

    private async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
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

    /// <summary>A response body; once read to its end, the connection goes back to the pool (when it can be reused).</summary>
    private sealed class ResponseStream(HttpConnection connection, long length, bool reusable) : Stream
    {
        public const long Chunked = -2, ToEnd = -1;
        private readonly bool _chunked = length == Chunked;
        private long _remaining = length; // in the body, or in the current chunk (Chunked before the first)
        private bool _done;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken ct) => ReadAsync(buffer.AsMemory(offset, count), ct).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken ct = default)
        {
            if (_done || destination.Length == 0)
            {
                return 0;
            }

            if (_chunked && _remaining <= 0)
            {
                long size;
                while (!connection.TryTakeChunkSize(afterChunk: _remaining == 0, out size))
                {
                    await connection.FillAsync(ct).ConfigureAwait(false);
                }

                if (size == 0)
                {
                    Finish();
                    return 0;
                }

                _remaining = size;
            }

            if (connection.Drained && !await connection.FillAsync(ct, endAllowed: _remaining == ToEnd).ConfigureAwait(false))
            {
                Finish(); // the raw stream of exec ends with the connection
                return 0;
            }

            int n = connection.Take(destination.Span, _remaining == ToEnd ? int.MaxValue : _remaining);
            _remaining = _remaining == ToEnd ? ToEnd : _remaining - n;
            if (_remaining == 0 && !_chunked)
            {
                Finish();
            }

            return n;
        }

        /// <summary>The body was read to its end (or has none): the connection serves the next request, or is closed.</summary>
        public void Finish()
        {
            if (!_done)
            {
                _done = true;
                if (reusable && connection.Pool is { } pool)
                {
                    pool.Return(connection);
                }
                else
                {
                    connection.Dispose();
                }
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_done)
            {
                _done = true;
                connection.Dispose(); // not read to its end: the connection is in the middle of a response
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>The request content as chunks of up to 32 KB, each sent with one write (size line, data, CR LF).</summary>
    private sealed class ChunkedStream(HttpConnection connection) : Stream
    {
        private const int Room = 6, Capacity = 32 * 1024; // before the data: its size (up to 4 hex digits) and CR LF
        private readonly byte[] _chunk = new byte[Room + Capacity + 7]; // after: CR LF, and the last chunk "0\r\n\r\n"
        private int _count;

        /// <summary>Writing to the connection failed (as opposed to the caller's writer failing by itself).</summary>
        public ExceptionDispatchInfo? Failure { get; private set; }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override void Flush() => FlushAsync(CancellationToken.None).GetAwaiter().GetResult();
        public override Task FlushAsync(CancellationToken ct) => SendAsync(last: false, ct).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken ct = default)
        {
            while (data.Length > 0)
            {
                int n = Math.Min(data.Length, Capacity - _count);
                data[..n].CopyTo(_chunk.AsMemory(Room + _count));
                _count += n;
                data = data[n..];
                if (_count == Capacity)
                {
                    await SendAsync(last: false, ct).ConfigureAwait(false);
                }
            }
        }

        /// <summary>Sends what is left and the last, empty chunk.</summary>
        public ValueTask CompleteAsync(CancellationToken ct) => SendAsync(last: true, ct);

        private async ValueTask SendAsync(bool last, CancellationToken ct)
        {
            if (_count == 0 && !last)
            {
                return;
            }

            string size = _count.ToString("x", CultureInfo.InvariantCulture);
            int start = Room - 2 - size.Length, end = Room + _count;
            Encoding.ASCII.GetBytes(size, _chunk.AsSpan(start));
            "\r\n"u8.CopyTo(_chunk.AsSpan(Room - 2));
            "\r\n"u8.CopyTo(_chunk.AsSpan(end));
            end += 2;
            if (last && _count > 0)
            {
                "0\r\n\r\n"u8.CopyTo(_chunk.AsSpan(end));
                end += 5;
            }

            try
            {
                await connection.WriteAsync(_chunk.AsMemory(start, end - start), ct).ConfigureAwait(false);
                _count = 0;
            }
            catch (DockerException e)
            {
                Failure ??= ExceptionDispatchInfo.Capture(e);
                throw;
            }
        }
    }
}
