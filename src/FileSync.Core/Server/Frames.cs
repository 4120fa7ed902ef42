using System.Buffers.Binary;
using System.Text;
using FileSync.Jobs;

namespace FileSync.Server;

/// <summary>What travels on the server's socket: one byte of kind, a 4-byte length, a payload written by BinaryWriter.</summary>
internal enum FrameKind : byte
{
    // client -> server
    Sync = 1,
    Shutdown = 2,
    Rules = 3, // the rule items of a Sync that named them by fingerprint, when the server asked

    // server -> client
    Stale = 10,
    Message = 11,
    Warning = 12,
    Error = 13,
    Heartbeat = 14,
    Result = 15,
    ShuttingDown = 16,
    NeedRules = 17, // the server does not hold the rule items a Sync named by fingerprint: send them (FrameKind.Rules)
}

internal readonly record struct Frame(FrameKind Kind, byte[] Payload)
{
    public BinaryReader Reader() => new(new MemoryStream(Payload), Encoding.UTF8);
}

/// <summary>Reads and writes frames; the payloads of each kind (a request, a result, a log line).</summary>
internal static class Frames
{
    private const int MaxPayload = 256 * 1024 * 1024;

    public static async Task WriteAsync(Stream stream, FrameKind kind, Action<BinaryWriter> payload, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        buffer.Write(new byte[5]);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            payload(writer);
        }

        byte[] bytes = buffer.GetBuffer();
        bytes[0] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), (int)buffer.Length - 5);
        await stream.WriteAsync(bytes.AsMemory(0, (int)buffer.Length), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes a whole frame in one call (the server writes from the job, its heartbeat and its answer under one lock).</summary>
    public static void Write(Stream stream, FrameKind kind, Action<BinaryWriter> payload)
    {
        var buffer = new MemoryStream();
        buffer.Write(new byte[5]);
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            payload(writer);
        }

        byte[] bytes = buffer.GetBuffer();
        bytes[0] = (byte)kind;
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(1), (int)buffer.Length - 5);
        stream.Write(bytes, 0, (int)buffer.Length);
    }

    /// <summary>The next frame, or null at the end of the stream (the other side closed or died).</summary>
    public static async Task<Frame?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] header = new byte[5];
        if (!await FillAsync(stream, header, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(1));
        if (length is < 0 or > MaxPayload)
        {
            throw new InvalidDataException($"a frame of {length} bytes");
        }

        byte[] payload = new byte[length];
        return await FillAsync(stream, payload, cancellationToken).ConfigureAwait(false) ? new Frame((FrameKind)header[0], payload) : null;
    }

    /// <summary>As <see cref="ReadAsync"/>, blocking: the task's side uses no async socket machinery (cheaper in a cold process).</summary>
    public static Frame? Read(Stream stream)
    {
        byte[] header = new byte[5];
        if (!Fill(stream, header))
        {
            return null;
        }

        int length = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(1));
        if (length is < 0 or > MaxPayload)
        {
            throw new InvalidDataException($"a frame of {length} bytes");
        }

        byte[] payload = new byte[length];
        return Fill(stream, payload) ? new Frame((FrameKind)header[0], payload) : null;
    }

    private static bool Fill(Stream stream, byte[] buffer)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = stream.Read(buffer, read, buffer.Length - read);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    private static async Task<bool> FillAsync(Stream stream, byte[] buffer, CancellationToken cancellationToken)
    {
        int read = 0;
        while (read < buffer.Length)
        {
            int n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return false;
            }

            read += n;
        }

        return true;
    }

    public static void WriteRequest(BinaryWriter w, SyncRequest r)
    {
        if (r.RulesFingerprint is { } fingerprint)
        {
            w.Write(-1); // in place of a count: the items are named, not sent
            w.Write(fingerprint.High);
            w.Write(fingerprint.Low);
        }
        else
        {
            WriteItems(w, r.Rules);
        }

        WriteItems(w, r.OutputFiles);
        WriteItems(w, r.Actions);
        foreach (string? value in (string?[])[r.OutputDirectory, r.OutputDest, r.UnresolvedTargetFrameworks, r.ContextDirectory, r.ProjectDirectory, r.StateDirectory,
            r.Runtime, r.Container, r.Selector, r.Image, r.ComposeService, r.ComposeProject, r.ComposeFile, r.DockerHost, r.DockerTimeout, r.Directory,
            r.WorkingDirectory, r.FallbackWorkingDirectory, r.Owner, r.StaticWebAssets, r.StaticWebAssetsManifest, r.StaticWebAssetsCompression, r.BaseDirectory,
            r.Pod, r.Namespace, r.KubeContext])
        {
            WriteString(w, value);
        }

        w.Write(r.DryRun);
        w.Write(r.Detailed);
        w.Write(r.DirectWrite);
        WriteMap(w, r.Environment);
    }

    public static SyncRequest ReadRequest(BinaryReader r)
    {
        Planning.Hash128? fingerprint = null;
        IReadOnlyList<RequestItem> rules = [];
        int count = r.ReadInt32();
        if (count == -1)
        {
            fingerprint = new Planning.Hash128(r.ReadUInt64(), r.ReadUInt64());
        }
        else
        {
            rules = ReadItems(r, count);
        }

        IReadOnlyList<RequestItem> outputs = ReadItems(r), actions = ReadItems(r);
        string?[] s = new string?[26];
        for (int i = 0; i < s.Length; i++)
        {
            s[i] = ReadString(r);
        }

        return new SyncRequest
        {
            Rules = rules, RulesFingerprint = fingerprint, OutputFiles = outputs, Actions = actions,
            OutputDirectory = s[0], OutputDest = s[1], UnresolvedTargetFrameworks = s[2], ContextDirectory = s[3] ?? "", ProjectDirectory = s[4],
            StateDirectory = s[5] ?? "", Runtime = s[6] ?? "docker", Container = s[7], Selector = s[8], Image = s[9], ComposeService = s[10],
            ComposeProject = s[11], ComposeFile = s[12], DockerHost = s[13], DockerTimeout = s[14], Directory = s[15], WorkingDirectory = s[16],
            FallbackWorkingDirectory = s[17], Owner = s[18], StaticWebAssets = s[19], StaticWebAssetsManifest = s[20], StaticWebAssetsCompression = s[21],
            BaseDirectory = s[22] ?? "/", Pod = s[23], Namespace = s[24], KubeContext = s[25], DryRun = r.ReadBoolean(), Detailed = r.ReadBoolean(), DirectWrite = r.ReadBoolean(), Environment = ReadMap(r),
        };
    }

    public static void WriteResult(BinaryWriter w, SyncResult result)
    {
        w.Write(result.Synced);
        w.Write(result.CopiedCount);
        w.Write(result.DeletedCount);
        w.Write(result.Planned.Count);
        foreach (PlannedEntry entry in result.Planned)
        {
            w.Write(entry.Include);
            w.Write(entry.Destination);
            w.Write(entry.Operation);
            w.Write(entry.Instance);
        }
    }

    public static SyncResult ReadResult(BinaryReader r)
    {
        bool synced = r.ReadBoolean();
        int copied = r.ReadInt32(), deleted = r.ReadInt32(), count = r.ReadInt32();
        var planned = new PlannedEntry[count];
        for (int i = 0; i < count; i++)
        {
            planned[i] = new PlannedEntry(r.ReadString(), r.ReadString(), r.ReadString(), r.ReadString());
        }

        return new SyncResult(synced, copied, deleted, planned);
    }

    public static void WriteString(BinaryWriter w, string? value)
    {
        w.Write(value is not null);
        if (value is not null)
        {
            w.Write(value);
        }
    }

    public static string? ReadString(BinaryReader r) => r.ReadBoolean() ? r.ReadString() : null;

    private static void WriteItems(BinaryWriter w, IReadOnlyList<RequestItem> items)
    {
        w.Write(items.Count);
        foreach (RequestItem item in items)
        {
            w.Write(item.Spec);
            WriteMap(w, item.Metadata);
        }
    }

    /// <summary>Items as a Rules frame carries them, and their fingerprint (what a Sync names them by).</summary>
    public static (byte[] Encoded, Planning.Hash128 Fingerprint) EncodeItems(IReadOnlyList<RequestItem> items)
    {
        var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            WriteItems(writer, items);
        }

        byte[] encoded = buffer.ToArray();
        return (encoded, Planning.Hash128.Of(encoded));
    }

    /// <summary>The fingerprint of <see cref="EncodeItems"/>'s bytes, without keeping them (100,000 items are ~5 MB: the
    /// task encodes them only when the server asks).</summary>
    public static Planning.Hash128 Fingerprint(IReadOnlyList<RequestItem> items)
    {
        var hash = new HashingStream();
        using (var writer = new BinaryWriter(hash, Encoding.UTF8, leaveOpen: true))
        {
            WriteItems(writer, items);
        }

        return Planning.Hash128.Of(hash.Hash);
    }

    /// <summary>The items of a Rules frame, checked against the fingerprint the Sync named them by.</summary>
    public static RequestItem[] DecodeItems(byte[] encoded, Planning.Hash128 fingerprint)
    {
        if (Planning.Hash128.Of(encoded) != fingerprint)
        {
            throw new InvalidDataException("the rule items sent are not the ones the request named");
        }

        using var reader = new BinaryReader(new MemoryStream(encoded), Encoding.UTF8);
        return ReadItems(reader);
    }

    private static RequestItem[] ReadItems(BinaryReader r) => ReadItems(r, r.ReadInt32());

    private static RequestItem[] ReadItems(BinaryReader r, int count)
    {
        var items = new RequestItem[count];
        for (int i = 0; i < items.Length; i++)
        {
            items[i] = new RequestItem(r.ReadString(), ReadMap(r));
        }

        return items;
    }

    private static void WriteMap(BinaryWriter w, IReadOnlyDictionary<string, string> map)
    {
        w.Write(map.Count);
        foreach ((string name, string value) in map)
        {
            w.Write(name);
            w.Write(value);
        }
    }

    private static Dictionary<string, string> ReadMap(BinaryReader r)
    {
        int count = r.ReadInt32();
        var map = new Dictionary<string, string>(count, StringComparer.Ordinal);
        for (int i = 0; i < count; i++)
        {
            map[r.ReadString()] = r.ReadString();
        }

        return map;
    }
}

/// <summary>A write-only stream that hashes what is written to it.</summary>
internal sealed class HashingStream : Stream
{
    public System.IO.Hashing.XxHash128 Hash { get; } = new();

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Write(byte[] buffer, int offset, int count) => Hash.Append(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer) => Hash.Append(buffer);

    public override void WriteByte(byte value) => Hash.Append([value]);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();
}
