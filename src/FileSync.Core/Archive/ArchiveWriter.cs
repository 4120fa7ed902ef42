using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.State;

namespace FileSync.Archive;

/// <summary>What the archive carried: sources sent (with the hash of what was read) and sources left out.</summary>
internal sealed class ArchiveResult
{
    public Dictionary<SourceFile, Hash128> Sent { get; } = [];

    public List<SourceFile> Skipped { get; } = [];

    /// <summary>Folder entries written (absolute paths): folders FileSync created, once the target confirmed the archive.</summary>
    public HashSet<string> Folders { get; } = new(StringComparer.Ordinal);

    public long Bytes { get; set; }

    /// <summary>
    /// The destination whose entry was being written when the archive stopped (cancelled, or the target broke off):
    /// the target may hold a truncated copy of it until the next sync. Null once the archive is whole.
    /// </summary>
    public string? Writing { get; set; }

    private long _streamed;
    private int _filesWritten;

    /// <summary>Content bytes read into the archive so far (each destination's copy counts), for progress reports
    /// made on another thread while the archive is written.</summary>
    public long Streamed => Interlocked.Read(ref _streamed);

    /// <summary>Sources written whole so far, for progress reports.</summary>
    public int FilesWritten => Volatile.Read(ref _filesWritten);

    internal void AddStreamed(int bytes) => Interlocked.Add(ref _streamed, bytes);

    internal void AddFileWritten() => Interlocked.Increment(ref _filesWritten);
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
        await WriteAsync(output, copies, layout, owner, log, result, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>Fills <paramref name="result"/> as it goes, so a caller still sees <see cref="ArchiveResult.Writing"/> when it throws.</summary>
    public static async Task WriteAsync(Stream output, IReadOnlyList<CopyOperation> copies, ArchiveLayout layout, FileOwner owner, ILog log, ArchiveResult result, CancellationToken cancellationToken)
    {
        using var opener = new SourceOpener();
        HashSet<string> folders = result.Folders;
        var tar = new TarStream(output);
        foreach (CopyOperation copy in copies)
        {
            cancellationToken.ThrowIfCancellationRequested();
            foreach (Destination destination in copy.Destinations)
            {
                await WriteParentsAsync(tar, destination, layout, folders, cancellationToken).ConfigureAwait(false);
            }

            if (await WriteSourceAsync(tar, copy, layout, owner, opener, log, result, cancellationToken).ConfigureAwait(false) is { } hash)
            {
                result.Sent[copy.Source] = hash;
                result.Bytes += copy.Source.Size * copy.Destinations.Count;
                result.AddFileWritten();
            }
            else
            {
                result.Skipped.Add(copy.Source);
            }
        }

        await tar.FinishAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the source to every destination; null when it could not be read (logged, not sent). The file is opened
    /// once (see <see cref="SourceOpener"/>) and read once per destination, since each tar entry carries its own
    /// data; the hash is kept only when every pass read the same bytes.
    /// </summary>
    private static async Task<Hash128?> WriteSourceAsync(TarStream tar, CopyOperation copy, ArchiveLayout layout, FileOwner owner, SourceOpener opener, ILog log, ArchiveResult result, CancellationToken cancellationToken)
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

        FileStream? file = Open(source, opener, log);
        if (file is null)
        {
            return null;
        }

        Hash128? hash = null;
        bool changed = false;
        await using (file.ConfigureAwait(false))
        {
            foreach (Destination destination in copy.Destinations)
            {
                file.Position = 0;
                var data = new SourceReadStream(file, source.Size, result.AddStreamed);
                result.Writing = destination.Path;
                await tar.WriteEntryAsync('0', layout.EntryName(destination.Path), null, source.Mode, owner, source.Size, modified, cancellationToken).ConfigureAwait(false);
                await tar.WriteDataAsync(data, source.Size, cancellationToken).ConfigureAwait(false);
                result.Writing = null;
                data.CheckForGrowth();
                changed |= data.Changed || (hash is { } previous && previous != data.Hash);
                hash = data.Hash;
            }
        }

        return changed ? StateEntry.UnknownHash : hash ?? StateEntry.UnknownHash; // unknown: sent again next time
    }

    private static FileStream? Open(SourceFile source, SourceOpener opener, ILog log)
    {
        switch (opener.Open(source, out FileStream? stream, out string reason))
        {
            case OpenOutcome.Opened:
                return stream;
            case OpenOutcome.Vanished:
                log.Warning(Diag.SourceVanished(source.FullPath));
                break;
            case OpenOutcome.Changed:
                log.Warning(Diag.SourceChangedSincePlanned(source.FullPath, reason));
                break;
            default:
                log.Error(Diag.SourceUnreadable(source.FullPath, reason));
                break;
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
