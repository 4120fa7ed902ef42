using FileSync.Archive;

namespace FileSync.Targets;

/// <summary>What a name in a target folder turned out to be when opened as a folder, without following it.</summary>
internal enum FolderLookup
{
    Opened,
    Missing,
    Link,
    NotFolder,
}

/// <summary>What removing a name found.</summary>
internal enum Removal
{
    Removed,
    Missing,
    IsFolder,
    NotFolder,
    NotEmpty,
}

/// <summary>
/// One open folder of the directory target. Every operation takes a single name inside it and never follows a
/// link there, so a link swapped in anywhere below the root cannot lead a write elsewhere. On Unix the folder is
/// a descriptor and each call an *at(2) call (<see cref="UnixFolder"/>); on Windows it is a path (<see cref="PathFolder"/>).
/// </summary>
internal abstract class TargetFolder : IDisposable
{
    public static TargetFolder OpenRoot(string path) =>
        OperatingSystem.IsWindows() ? new PathFolder(path) : UnixFolder.Open(path);

    /// <summary>Opens a folder inside this one; <paramref name="folder"/> is set only when <see cref="FolderLookup.Opened"/>.</summary>
    public abstract FolderLookup TryOpen(string name, out TargetFolder? folder);

    /// <summary>mkdir with the owner; false when something (of any kind) is already there. The mode is set later.</summary>
    public abstract bool TryCreateFolder(string name, FileOwner? owner);

    /// <summary>Sets a folder's mode and time, without following a link at <paramref name="name"/>; false when it is no folder now.</summary>
    public abstract bool TrySetFolderMetadata(string name, UnixFileMode mode, DateTime? mtimeUtc);

    /// <summary>Creates a new file (never an existing one, never through a link) with its bytes, owner, mode and time.</summary>
    public abstract Task WriteNewFileAsync(string name, Stream? data, UnixFileMode mode, FileOwner? owner, DateTime mtimeUtc, CancellationToken cancellationToken);

    /// <summary>Creates a new link with its owner and time, both set on the link itself.</summary>
    public abstract void CreateLink(string name, string text, FileOwner? owner, DateTime mtimeUtc);

    /// <summary>rename(2) within this folder: replaces a file or link at <paramref name="name"/>, never a folder (false then).</summary>
    public abstract bool TryReplace(string temporary, string name);

    /// <summary>unlink(2) (a file or link) or rmdir(2) (an empty folder) of a name in this folder.</summary>
    public abstract Removal Remove(string name, bool folder);

    /// <summary>lstat(2) of a name in this folder.</summary>
    public abstract PathKind Kind(string name);

    public abstract void Dispose();
}
