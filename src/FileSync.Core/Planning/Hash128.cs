using System.Buffers.Binary;
using System.IO.Hashing;

namespace FileSync.Planning;

/// <summary>
/// A 128-bit XxHash128 as its two halves (the high one first, as UInt128 would give them). Not UInt128 itself: ReadyToRun
/// leaves every method that touches UInt128 to the JIT (its layout may differ between runtimes), and those methods
/// (the sync, the plan, the state's load and save) cost a cold one-file sync ~20 ms of JIT in a fresh build process.
/// </summary>
internal readonly record struct Hash128(ulong High, ulong Low)
{
    /// <summary>The hash of what <paramref name="hash"/> has seen so far.</summary>
    public static Hash128 Of(XxHash128 hash)
    {
        Span<byte> bytes = stackalloc byte[16];
        hash.GetCurrentHash(bytes);
        return FromBigEndian(bytes);
    }

    /// <summary>The XxHash128 of <paramref name="data"/>.</summary>
    public static Hash128 Of(ReadOnlySpan<byte> data)
    {
        Span<byte> bytes = stackalloc byte[16];
        XxHash128.Hash(data, bytes);
        return FromBigEndian(bytes);
    }

    // XxHash128 writes its hash big-endian: the high half first.
    private static Hash128 FromBigEndian(ReadOnlySpan<byte> bytes) =>
        new(BinaryPrimitives.ReadUInt64BigEndian(bytes), BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]));
}
