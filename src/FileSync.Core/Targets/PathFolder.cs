using FileSync.Archive;

namespace FileSync.Targets;

/// <summary>
/// A folder of the directory target held as a path, for Windows (no *at calls there): each call checks for a
/// reparse point first, which a concurrent change could still race. Owners and modes do not apply.
/// </summary>
internal sealed class PathFolder(string path) : TargetFolder
{
    private string Child(string name) => Path.Combine(path, name);

    public override FolderLookup TryOpen(string name, out TargetFolder? folder)
    {
        folder = null;
        switch (Kind(name))
        {
            case PathKind.Folder:
                folder = new PathFolder(Child(name));
                return FolderLookup.Opened;
            case PathKind.Missing:
                return FolderLookup.Missing;
            case PathKind.Link:
                return FolderLookup.Link;
            default:
                return FolderLookup.NotFolder;
        }
    }

    public override bool TryCreateFolder(string name, FileOwner? owner)
    {
        if (Kind(name) != PathKind.Missing)
        {
            return false;
        }

        Directory.CreateDirectory(Child(name));
        return true;
    }

    public override bool TrySetFolderMetadata(string name, UnixFileMode mode, DateTime? mtimeUtc)
    {
        if (Kind(name) != PathKind.Folder)
        {
            return false;
        }

        if (mtimeUtc is { } mtime)
        {
            Directory.SetLastWriteTimeUtc(Child(name), mtime);
        }

        return true;
    }

    public override async Task WriteNewFileAsync(string name, Stream? data, UnixFileMode mode, FileOwner? owner, DateTime mtimeUtc, CancellationToken cancellationToken)
    {
        await using (var file = new FileStream(Child(name), FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
        {
            if (data is not null)
            {
                await data.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }
        }

        File.SetLastWriteTimeUtc(Child(name), mtimeUtc);
    }

    public override void CreateLink(string name, string text, FileOwner? owner, DateTime mtimeUtc) =>
        File.CreateSymbolicLink(Child(name), text);

    public override bool TryReplace(string temporary, string name)
    {
        if (Kind(name) == PathKind.Folder)
        {
            return false;
        }

        File.Move(Child(temporary), Child(name), overwrite: true);
        return true;
    }

    public override Removal Remove(string name, bool folder)
    {
        PathKind kind = Kind(name);
        if (kind == PathKind.Missing)
        {
            return Removal.Missing;
        }

        if (folder != (kind == PathKind.Folder))
        {
            return folder ? Removal.NotFolder : Removal.IsFolder;
        }

        if (folder && Directory.EnumerateFileSystemEntries(Child(name)).Any())
        {
            return Removal.NotEmpty;
        }

        if (folder)
        {
            Directory.Delete(Child(name));
        }
        else
        {
            File.Delete(Child(name));
        }

        return Removal.Removed;
    }

    public override PathKind Kind(string name)
    {
        var info = new FileInfo(Child(name));
        if ((int)info.Attributes == -1)
        {
            return PathKind.Missing;
        }

        return (info.Attributes & FileAttributes.ReparsePoint) != 0 ? PathKind.Link
            : (info.Attributes & FileAttributes.Directory) != 0 ? PathKind.Folder
            : PathKind.File;
    }

    public override void Dispose()
    {
    }
}
