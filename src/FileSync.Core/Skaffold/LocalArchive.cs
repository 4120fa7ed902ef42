using System.IO.Compression;

namespace FileSync.Skaffold;

/// <summary>
/// Whether a file is what Docker's ADD extracts (moby's archive detection): a tar archive, plain or compressed. A
/// plain or gzip file is checked for a tar header (<c>ustar</c> at offset 257); bzip2, xz and zstd by their magic alone.
/// An unreadable file, an empty one and a link are not archives here (the scanner reports them when they are synced).
/// </summary>
internal static class LocalArchive
{
    public static bool IsArchive(string path)
    {
        // Never opened when empty (a FIFO, socket or device stats as an empty file: opening one could block) or a link.
        var info = new FileInfo(path);
        if (!info.Exists || info.Length == 0 || (info.Attributes & FileAttributes.ReparsePoint) != 0)
        {
            return false;
        }

        try
        {
            using var file = new FileStream(path, new FileStreamOptions { Mode = FileMode.Open, Access = FileAccess.Read, Options = FileOptions.None });
            Span<byte> magic = stackalloc byte[6];
            int read = file.ReadAtLeast(magic, magic.Length, throwOnEndOfStream: false);
            ReadOnlySpan<byte> head = magic[..read];
            if (head.StartsWith((ReadOnlySpan<byte>)[0x42, 0x5A, 0x68]) || head.StartsWith((ReadOnlySpan<byte>)[0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) || head.StartsWith((ReadOnlySpan<byte>)[0x28, 0xB5, 0x2F, 0xFD]))
            {
                return true; // bzip2, xz, zstd
            }

            file.Position = 0;
            if (head.StartsWith((ReadOnlySpan<byte>)[0x1F, 0x8B, 0x08]))
            {
                using var gzip = new GZipStream(file, CompressionMode.Decompress);
                return IsTar(gzip);
            }

            return IsTar(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            return false;
        }
    }

    private static bool IsTar(Stream stream)
    {
        Span<byte> header = stackalloc byte[262];
        return stream.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) == header.Length && header[257..262].SequenceEqual("ustar"u8);
    }
}
