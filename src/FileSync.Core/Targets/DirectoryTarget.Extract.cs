using FileSync.Archive;
using FileSync.Diagnostics;

namespace FileSync.Targets;

/// <summary>The extraction: each entry's parent is walked from the upload root, one name at a time, never through a link.</summary>
internal sealed partial class DirectoryTarget
{
    /// <summary>The mode of a folder the extraction creates without an entry of its own (as tar and Docker do).</summary>
    private const UnixFileMode ImpliedFolderMode = (UnixFileMode)0b111_101_101;

    /// <summary>A folder this extraction created: it gets its entry's mode and time once everything below it is written.</summary>
    private sealed record CreatedFolder(string[] Segments, UnixFileMode Mode, DateTime? MtimeUtc);

    private readonly record struct WalkResult(TargetFolder? Folder, FolderLookup Stop, int At);

    private async Task ExtractAsync(string[] rootSegments, Stream archive, CancellationToken cancellationToken)
    {
        var created = new Dictionary<string, CreatedFolder>(StringComparer.Ordinal);
        using TargetFolder top = OpenOrFail(_openTop, []);
        try
        {
            WalkResult rootWalk = OpenOrFail(() => Walk(top, rootSegments, rootSegments.Length, createFrom: int.MaxValue, created: null), rootSegments);
            using TargetFolder uploadRoot = rootWalk.Folder ?? throw Refusal(rootWalk, rootSegments, rootWalk.At, Shown(rootSegments), uploadRoot: Shown(rootSegments));
            var reader = new TarEntryReader(archive);
            while (await NextEntryAsync(reader, rootSegments, cancellationToken).ConfigureAwait(false) is { } entry)
            {
                await ExtractEntryAsync(uploadRoot, rootSegments, entry, created, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            FinishFolders(top, created.Values);
        }

        // The reader stops at the first end-of-archive block; take the rest so the writer can finish its own.
        await archive.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TarItem?> NextEntryAsync(TarEntryReader reader, string[] rootSegments, CancellationToken cancellationToken)
    {
        try
        {
            return await reader.NextAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidDataException e)
        {
            throw new FileSyncException(_report.WriteFailed(rootSegments, e), e);
        }
    }

    private async Task ExtractEntryAsync(TargetFolder uploadRoot, string[] rootSegments, TarItem entry, Dictionary<string, CreatedFolder> created, CancellationToken cancellationToken)
    {
        string[] below = PathSegments(entry.Name, entry.Name);
        if (!(entry.IsFolder || entry.IsFile || entry.IsLink) || (below.Length == 0 && !entry.IsFolder))
        {
            throw new FileSyncException(_report.UnsafeEntry(entry.Name)); // before any folder is made for it
        }

        if (below.Length == 0)
        {
            return; // the upload root's own entry: an existing folder keeps everything
        }

        string[] segments = [.. rootSegments, .. below];
        string shown = Shown(segments);
        try
        {
            WalkResult walk = Walk(uploadRoot, below, below.Length - 1, createFrom: 0, created: (rootSegments, created));
            using TargetFolder parent = walk.Folder ?? throw Refusal(walk, segments, walk.At + rootSegments.Length, shown, uploadRoot: null);
            EntryResolved?.Invoke(entry.Name);
            string name = segments[^1];
            DateTime mtime = entry.ModificationTime.UtcDateTime;
            switch (entry)
            {
                case { IsFolder: true }:
                    CreateFolderEntry(parent, segments, shown, entry, created);
                    break;
                case { IsFile: true }:
                    await PlaceAsync(parent, name, shown, "file", temporary => parent.WriteNewFileAsync(temporary, entry.DataStream, entry.Mode, OwnerOf(entry), mtime, cancellationToken)).ConfigureAwait(false);
                    break;
                default:
                    await PlaceAsync(parent, name, shown, "symbolic link", temporary =>
                    {
                        parent.CreateLink(temporary, entry.LinkName, OwnerOf(entry), mtime);
                        return Task.CompletedTask;
                    }).ConfigureAwait(false);
                    break;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new FileSyncException(_report.WriteFailed(segments, e), e);
        }
    }

    /// <summary>A folder entry creates the folder, or changes nothing when one is there; anything else there is refused.</summary>
    private void CreateFolderEntry(TargetFolder parent, string[] segments, string shown, TarItem entry, Dictionary<string, CreatedFolder> created)
    {
        string key = string.Join('/', segments);
        if (parent.TryCreateFolder(segments[^1], OwnerOf(entry)) || created.ContainsKey(key))
        {
            created[key] = new CreatedFolder(segments, entry.Mode, entry.ModificationTime.UtcDateTime);
        }

        switch (parent.TryOpen(segments[^1], out TargetFolder? folder))
        {
            case FolderLookup.Opened:
                folder!.Dispose();
                return;
            case FolderLookup.Link:
                throw new FileSyncException(_report.LinkInTarget(shown, shown));
            case FolderLookup.NotFolder:
                throw new FileSyncException(_report.KindConflict(shown, "file", "folder"));
            default:
                throw new IOException($"'{segments[^1]}' vanished while it was created");
        }
    }

    /// <summary>Writes a new file or link under a temporary name, then renames it over the entry's name (a link there is
    /// replaced, never written through; a folder there is refused).</summary>
    private async Task PlaceAsync(TargetFolder parent, string name, string shown, string kind, Func<string, Task> create)
    {
        string temporary = ".fsync-" + Guid.NewGuid().ToString("N")[..12];
        bool placed = false;
        try
        {
            await create(temporary).ConfigureAwait(false);
            placed = parent.TryReplace(temporary, name);
            if (!placed)
            {
                throw new FileSyncException(_report.KindConflict(shown, "folder", kind));
            }
        }
        finally
        {
            if (!placed)
            {
                try
                {
                    parent.Remove(temporary, folder: false);
                }
                catch (IOException)
                {
                    // the original failure is the one to report
                }
            }
        }
    }

    /// <summary>
    /// Opens the folder <paramref name="count"/> names down from <paramref name="start"/>, each with O_NOFOLLOW: a link
    /// or a file on the way stops the walk (reported in the result). Missing folders from <paramref name="createFrom"/>
    /// on are created with the owner and recorded.
    /// </summary>
    private WalkResult Walk(TargetFolder start, string[] segments, int count, int createFrom, (string[] Prefix, Dictionary<string, CreatedFolder> Folders)? created)
    {
        if (start.TryOpen(".", out TargetFolder? current) != FolderLookup.Opened)
        {
            throw new IOException("cannot reopen a folder of the target");
        }

        try
        {
            for (int i = 0; i < count; i++)
            {
                FolderLookup found = current!.TryOpen(segments[i], out TargetFolder? next);
                if (found == FolderLookup.Missing && i >= createFrom && created is { } record)
                {
                    if (current.TryCreateFolder(segments[i], _explicitOwner))
                    {
                        string[] full = [.. record.Prefix, .. segments[..(i + 1)]];
                        record.Folders[string.Join('/', full)] = new CreatedFolder(full, ImpliedFolderMode, null);
                    }

                    found = current.TryOpen(segments[i], out next);
                }

                current.Dispose();
                current = next;
                if (found != FolderLookup.Opened)
                {
                    return new WalkResult(null, found, i);
                }
            }

            return new WalkResult(current, FolderLookup.Opened, count);
        }
        catch
        {
            current?.Dispose(); // no descriptor outlives a failed walk
            throw;
        }
    }

    /// <summary>Sets the created folders' modes and times last, deepest first, so that a read-only or dated folder gets its children first.</summary>
    private void FinishFolders(TargetFolder top, IEnumerable<CreatedFolder> created)
    {
        foreach (CreatedFolder folder in created.OrderByDescending(folder => folder.Segments.Length))
        {
            try
            {
                using TargetFolder? parent = Walk(top, folder.Segments, folder.Segments.Length - 1, createFrom: int.MaxValue, created: null).Folder;
                parent?.TrySetFolderMetadata(folder.Segments[^1], folder.Mode, folder.MtimeUtc);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // best effort: the files are in place; a folder replaced meanwhile is not ours to change
            }
        }
    }

    private FileSyncException Refusal(WalkResult walk, string[] segments, int at, string shown, string? uploadRoot)
    {
        string stoppedAt = Shown(segments[..(at + 1)]);
        return walk.Stop switch
        {
            FolderLookup.Link => new FileSyncException(_report.LinkInTarget(shown, stoppedAt)),
            _ when uploadRoot is not null => new FileSyncException(_report.UploadRootMissing(uploadRoot)),
            FolderLookup.NotFolder => new FileSyncException(_report.KindConflict(stoppedAt, "file", "folder")),
            _ => throw new IOException($"'{stoppedAt}' vanished while it was created"),
        };
    }

    private T OpenOrFail<T>(Func<T> open, string[] segments)
    {
        try
        {
            return open();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileSyncException(_report.WriteFailed(segments, e), e);
        }
    }

    /// <summary>The names of a path below the root, '.' and empty names dropped; '..' is refused (FSYNC4002).</summary>
    private string[] PathSegments(string path, string shownAs)
    {
        char[] separators = OperatingSystem.IsWindows() ? ['/', '\\'] : ['/']; // a backslash is a name's own byte on Unix
        string[] segments = [.. path.Split(separators, StringSplitOptions.RemoveEmptyEntries).Where(segment => segment != ".")];
        return segments.Contains("..") ? throw new FileSyncException(_report.UnsafeEntry(shownAs)) : segments;
    }

    /// <summary>The owner an entry's file, link or folder gets.</summary>
    private FileOwner? OwnerOf(TarItem entry) => _ownersFromEntries ? new FileOwner(entry.Uid, entry.Gid) : _explicitOwner;

    private static string Shown(string[] segments) => "/" + string.Join('/', segments);
}
