using System.IO.Hashing;

namespace FileSync.Archive;

/// <summary>
/// One pass over an open source for one tar entry: exactly the length the tar header promised (a file that grows is
/// cut, one that shrinks is padded and marked <see cref="Changed"/>), hashing what it reads so the state's hash costs
/// no second read. It does not own the file: the archive writer reads it once per destination. <paramref name="onRead"/>
/// is told the length of each read (progress reports).
/// </summary>
internal sealed class SourceReadStream(Stream inner, long length, Action<int>? onRead = null) : Stream
{
    private readonly XxHash128 _hash = new();
    private long _position;

    /// <summary>True when the file changed size while being read: the content sent is not trustworthy.</summary>
    public bool Changed { get; private set; }

    public Planning.Hash128 Hash => Planning.Hash128.Of(_hash);

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        int wanted = (int)Math.Min(buffer.Length, length - _position);
        if (wanted <= 0)
        {
            return 0;
        }

        int read = inner.Read(buffer[..wanted]);
        if (read == 0)
        {
            Changed = true; // shrank: pad with zeros so the archive stays well-formed
            buffer[..wanted].Clear();
            read = wanted;
        }
        else
        {
            _hash.Append(buffer[..read]);
        }

        _position += read;
        onRead?.Invoke(read);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int wanted = (int)Math.Min(buffer.Length, length - _position);
        if (wanted <= 0)
        {
            return 0;
        }

        int read = await inner.ReadAsync(buffer[..wanted], cancellationToken).ConfigureAwait(false);
        if (read == 0)
        {
            Changed = true;
            buffer.Span[..wanted].Clear();
            read = wanted;
        }
        else
        {
            _hash.Append(buffer.Span[..read]);
        }

        _position += read;
        onRead?.Invoke(read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Called after the entry: a file that grew past the header's length also changed.</summary>
    public void CheckForGrowth()
    {
        if (inner.Length != length)
        {
            Changed = true;
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
