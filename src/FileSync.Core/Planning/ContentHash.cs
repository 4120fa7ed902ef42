using System.IO.Hashing;

namespace FileSync.Planning;

/// <summary>XxHash128 of a file's content: several GB/s, read only for files whose size/mtime moved.</summary>
internal static class ContentHash
{
    /// <summary>
    /// Hashes a source the way the archive reads it: without following any link, and only when it is still the
    /// regular file the scan saw (never blocking on a FIFO swapped in); throws <see cref="IOException"/> otherwise.
    /// </summary>
    public static Hash128 Of(SourceFile source)
    {
        using var opener = new Archive.SourceOpener();
        if (opener.Open(source, out FileStream? stream, out string reason) != Archive.OpenOutcome.Opened)
        {
            throw new IOException(reason);
        }

        using (stream)
        {
            return Of(stream!);
        }
    }

    public static Hash128 Of(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        return Of(stream);
    }

    private static Hash128 Of(Stream stream)
    {
        var hash = new XxHash128();
        byte[] buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                hash.Append(buffer.AsSpan(0, read));
            }
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
        }

        return Hash128.Of(hash);
    }

    /// <summary>A link's "content" is its target text.</summary>
    public static Hash128 OfText(string text) => Hash128.Of(System.Text.Encoding.UTF8.GetBytes(text));
}
