using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.State;

namespace FileSync.Archive;

/// <summary>What the archive carried: sources sent (with the hash of what was read) and sources left out.</summary>
internal sealed class ArchiveResult
{
    public Dictionary<SourceFile, UInt128> Sent { get; } = [];

    public List<SourceFile> Skipped { get; } = [];

    /// <summary>Folder entries written (absolute paths): folders FileSync created, once the target confirmed the archive.</summary>
    public HashSet<string> Folders { get; } = new(StringComparer.Ordinal);

    public long Bytes { get; set; }
}

/// <summary>
/// Streams copy operations as a PAX tar whose entry names are relative to the layout's root, one source file open at a
/// time, so memory does not grow with the bytes sent. Only the parent folders the layout lists get entries (those
/// FileSync creates), with their owner; the target keeps every other folder as it is.
/// </summary>
internal static class ArchiveWriter
{
    private const UnixFileMode FolderMode = (UnixFileMode)0b111_101_101;

    public static async Task<ArchiveResult> WriteAsync(Stream output, IReadOnlyList<CopyOperation> copies, ArchiveLayout layout, FileOwner owner, ILog log, CancellationToken cancellationToken)
    {
        var result = new ArchiveResult();
        HashSet<string> folders = result.Folders;
        var tar = new TarStream(output);
        foreach (CopyOperation copy in copies)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (Destination destination in copy.Destinations)
            {
                await WriteParentsAsync(tar, destination, layout, folders, cancellationToken).ConfigureAwait(false);
            }

            if (await WriteSourceAsync(tar, copy, layout, owner, log, cancellationToken).ConfigureAwait(false) is { } hash)
            {
                result.Sent[copy.Source] = hash;
                result.Bytes += copy.Source.Size * copy.Destinations.Count;
            }
            else
            {
                result.Skipped.Add(copy.Source);
            }
        }

        await tar.FinishAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Writes the source to every destination; null when it could not be read (logged, not sent).</summary>
    private static async Task<UInt128?> WriteSourceAsync(TarStream tar, CopyOperation copy, ArchiveLayout layout, FileOwner owner, ILog log, CancellationToken cancellationToken)
    {
        SourceFile source = copy.Source;
        var modified = new DateTimeOffset(source.MtimeTicks, TimeSpan.Zero);
        if (source.Kind == SourceKind.Symlink)
        {
            foreach (Destination destination in copy.Destinations)
            {
                await tar.WriteEntryAsync('2', layout.EntryName(destination.Path), source.LinkTarget!, source.Mode, owner, 0, modified, cancellationToken).ConfigureAwait(false);
            }

            return ContentHash.OfText(source.LinkTarget!);
        }

        UInt128 hash = StateEntry.UnknownHash;
        foreach (Destination destination in copy.Destinations)
        {
            SourceReadStream? data = Open(source, log);
            if (data is null)
            {
                return null;
            }

            await using (data.ConfigureAwait(false))
            {
                await tar.WriteEntryAsync('0', layout.EntryName(destination.Path), null, source.Mode, owner, source.Size, modified, cancellationToken).ConfigureAwait(false);
                await tar.WriteDataAsync(data, source.Size, cancellationToken).ConfigureAwait(false);
                data.CheckForGrowth();
                hash = data.Changed ? StateEntry.UnknownHash : data.Hash; // unknown: sent again next time
            }
        }

        return hash;
    }

    private static SourceReadStream? Open(SourceFile source, ILog log)
    {
        try
        {
            var stream = new FileStream(source.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
            return new SourceReadStream(stream, source.Size);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            log.Warning(Diag.SourceVanished(source.FullPath));
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            log.Error(Diag.SourceUnreadable(source.FullPath, e.Message));
        }

        return null;
    }

    /// <summary>The folders above the file that the layout carries (FileSync creates them), top down, each once.</summary>
    private static async Task WriteParentsAsync(TarStream tar, Destination destination, ArchiveLayout layout, HashSet<string> written, CancellationToken cancellationToken)
    {
        if (layout.Folders.Count == 0)
        {
            return;
        }

        for (int slash = destination.Path.IndexOf('/', 1); slash > 0; slash = destination.Path.IndexOf('/', slash + 1))
        {
            string folder = destination.Path[..slash];
            if (layout.Folders.TryGetValue(folder, out FileOwner folderOwner) && written.Add(folder))
            {
                await tar.WriteEntryAsync('5', layout.EntryName(folder) + "/", null, FolderMode, folderOwner, 0, DateTimeOffset.UtcNow, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
