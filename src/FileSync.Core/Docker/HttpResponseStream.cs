namespace FileSync.Docker;

/// <summary>A response body; once read to its end, the connection goes back to the pool (when it can be reused).</summary>
internal sealed class HttpResponseStream(HttpConnection connection, long length, bool reusable) : Stream
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

    /// <summary>See <see cref="HttpResponse.BoundAsAWhole"/>.</summary>
    public void BoundAsAWhole()
    {
        if (!_done)
        {
            connection.BoundWholeResponse();
        }
    }

    /// <summary>The body was read to its end (or has none): the connection serves the next request, or is closed.</summary>
    public void Finish()
    {
        if (!_done)
        {
            _done = true;
            connection.EndResponse();
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
