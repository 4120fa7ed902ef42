using System.Globalization;
using System.Text;

namespace FileSync.Archive;

/// <summary>One entry of an archive read by <see cref="TarEntryReader"/>; its data is read from the archive as it goes.</summary>
internal sealed record TarItem(char Type, string Name, string LinkName, UnixFileMode Mode, int Uid, int Gid, DateTimeOffset ModificationTime, Stream DataStream)
{
    public bool IsFile => Type is '0' or '\0';

    public bool IsFolder => Type == '5';

    public bool IsLink => Type == '2';
}

/// <summary>
/// Reads an archive entry by entry, for the directory target (and a container written through its root): ustar
/// headers, with the PAX records before an entry read by their length. System.Formats.Tar's reader cuts a record at
/// its first newline, so a name holding one (valid on Unix, synced as is through the engine) failed the whole sync.
/// Anything malformed is an <see cref="InvalidDataException"/>.
/// </summary>
internal sealed class TarEntryReader(Stream input)
{
    private const int Block = 512;
    private const int MaxPax = 1024 * 1024; // far above any name or link the writer puts there
    private readonly byte[] _header = new byte[Block];
    private EntryData? _current;

    /// <summary>The next entry, or null at the end-of-archive block (or the end of the stream).</summary>
    public async ValueTask<TarItem?> NextAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, string>? pax = null;
        while (true)
        {
            await SkipCurrentAsync(cancellationToken).ConfigureAwait(false);
            if (await input.ReadAtLeastAsync(_header, Block, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false) < Block
                || Array.TrueForAll(_header, b => b == 0))
            {
                return null;
            }

            char type = (char)_header[156];
            long size = Octal(124, 12);
            if (type is 'x' or 'g')
            {
                if (size > MaxPax)
                {
                    throw new InvalidDataException($"a PAX header of {size} bytes");
                }

                byte[] records = new byte[size];
                await input.ReadExactlyAsync(records, cancellationToken).ConfigureAwait(false);
                await SkipAsync(Padding(size), cancellationToken).ConfigureAwait(false);
                if (type == 'x')
                {
                    pax = Records(records);
                }

                continue;
            }

            string name = Text(0, 100);
            if (_header.AsSpan(257, 5).SequenceEqual("ustar"u8) && Text(345, 155) is { Length: > 0 } prefix)
            {
                name = prefix + "/" + name;
            }

            string? value = null;
            size = pax?.TryGetValue("size", out value) == true ? Number(value!) : size;
            _current = new EntryData(input, size);
            return new TarItem(
                type,
                pax?.GetValueOrDefault("path") ?? name,
                pax?.GetValueOrDefault("linkpath") ?? Text(157, 100),
                (UnixFileMode)(Octal(100, 8) & 0xFFF),
                (int)(pax?.TryGetValue("uid", out value) == true ? Number(value!) : Octal(108, 8)),
                (int)(pax?.TryGetValue("gid", out value) == true ? Number(value!) : Octal(116, 8)),
                pax?.TryGetValue("mtime", out value) == true ? Time(value!) : DateTimeOffset.FromUnixTimeSeconds(Octal(136, 12)),
                _current);
        }
    }

    private async ValueTask SkipCurrentAsync(CancellationToken cancellationToken)
    {
        if (_current is { } current)
        {
            _current = null;
            await SkipAsync(current.Remaining + Padding(current.Size), cancellationToken).ConfigureAwait(false);
        }
    }

    private async ValueTask SkipAsync(long count, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[Block];
        for (long left = count; left > 0;)
        {
            int read = await input.ReadAsync(buffer.AsMemory(0, (int)Math.Min(Block, left)), cancellationToken).ConfigureAwait(false);
            left -= read > 0 ? read : throw new InvalidDataException("the archive ended inside an entry");
        }
    }

    private static long Padding(long size) => (Block - (size % Block)) % Block;

    /// <summary>"LEN key=value\n" records, each cut by its length (a value may hold newlines).</summary>
    private static Dictionary<string, string> Records(byte[] data)
    {
        var records = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int at = 0; at < data.Length;)
        {
            int space = Array.IndexOf(data, (byte)' ', at);
            if (space < 0 || !int.TryParse(data.AsSpan(at, space - at), NumberStyles.None, CultureInfo.InvariantCulture, out int length)
                || length <= space - at + 1 || at + length > data.Length || data[at + length - 1] != '\n')
            {
                throw new InvalidDataException("a malformed PAX record");
            }

            ReadOnlySpan<byte> record = data.AsSpan(space + 1, at + length - space - 2);
            int equals = record.IndexOf((byte)'=');
            if (equals <= 0)
            {
                throw new InvalidDataException("a malformed PAX record");
            }

            records[Encoding.UTF8.GetString(record[..equals])] = Encoding.UTF8.GetString(record[(equals + 1)..]);
            at += length;
        }

        return records;
    }

    private string Text(int offset, int length)
    {
        ReadOnlySpan<byte> field = _header.AsSpan(offset, length);
        int end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end < 0 ? field : field[..end]);
    }

    private long Octal(int offset, int length)
    {
        string digits = Encoding.ASCII.GetString(_header, offset, length).Trim(' ', '\0');
        try
        {
            return digits.Length == 0 ? 0 : Convert.ToInt64(digits, 8);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"a header field that is not octal: '{digits}'", e);
        }
    }

    private static long Number(string value) =>
        long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long number) ? number : throw new InvalidDataException($"a PAX number '{value}'");

    /// <summary>A PAX time: seconds, optionally with a fraction.</summary>
    private static DateTimeOffset Time(string value) =>
        decimal.TryParse(value, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out decimal seconds)
            ? DateTimeOffset.UnixEpoch.AddTicks((long)(seconds * TimeSpan.TicksPerSecond))
            : throw new InvalidDataException($"a PAX time '{value}'");

    /// <summary>The data of the current entry: reads stop at its size.</summary>
    private sealed class EntryData(Stream input, long size) : Stream
    {
        public long Size { get; } = size;

        public long Remaining { get; private set; } = size;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => Size;

        public override long Position
        {
            get => Size - Remaining;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int read = Remaining == 0 ? 0 : input.Read(buffer[..(int)Math.Min(buffer.Length, Remaining)]);
            return Took(read, buffer.Length);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            int read = Remaining == 0 ? 0 : await input.ReadAsync(buffer[..(int)Math.Min(buffer.Length, Remaining)], cancellationToken).ConfigureAwait(false);
            return Took(read, buffer.Length);
        }

        private int Took(int read, int asked)
        {
            if (read == 0 && Remaining > 0 && asked > 0)
            {
                throw new InvalidDataException("the archive ended inside an entry");
            }

            Remaining -= read;
            return read;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
