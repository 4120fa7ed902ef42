using System.Globalization;
using System.Runtime.ExceptionServices;
using System.Text;

namespace FileSync.Docker;

/// <summary>The request content as chunks of up to 32 KB, each sent with one write (size line, data, CR LF).</summary>
internal sealed class HttpChunkedStream(HttpConnection connection) : Stream
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
