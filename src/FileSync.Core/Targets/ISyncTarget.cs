using FileSync.Archive;
using FileSync.State;

namespace FileSync.Targets;

/// <summary>What an lstat of a path in the target found: the last component is never followed.</summary>
internal enum PathKind
{
    Missing,
    File,
    Folder,
    Link,
    Other,
}

/// <summary>
/// One running instance that receives a sync (a container, a folder). Each transport is one small class that
/// carries a plan out; planning never touches it.
/// </summary>
internal interface ISyncTarget
{
    /// <summary>"docker", "directory", ...: the first word of the summary line.</summary>
    string Kind { get; }

    /// <summary>A name the user recognises (container name, folder).</summary>
    string DisplayName { get; }

    /// <summary>Identifies this instance: a replaced container has a new one, so it is brought up to date.</summary>
    string InstanceId { get; }

    /// <summary>The instance's working directory (WORKDIR), or null when it has none.</summary>
    string? WorkingDirectory { get; }

    /// <summary>The owner files get when FileSyncOwner is not set (the container's configured user).</summary>
    Task<FileOwner> ResolveDefaultOwnerAsync(SyncState state, CancellationToken cancellationToken);

    /// <summary>What is at an absolute path in the instance (lstat: a link is reported as a link, not followed).</summary>
    Task<PathKind> StatAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Extracts the tar that <paramref name="writeArchive"/> streams into the existing folder <paramref name="root"/>
    /// (absolute; entry names are relative to it); returns only once the target confirmed it. An entry that would
    /// replace a folder with a non-folder (or the reverse), or write through a link, fails the upload with a coded
    /// <see cref="Diagnostics.FileSyncException"/> naming the path; nothing outside the entries' own paths changes.
    /// </summary>
    Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken);

    /// <summary>Deletes files and links at absolute paths (rm -f); returns those it could not delete (they stay pending).</summary>
    Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken);

    /// <summary>Removes folders FileSync created that must now be empty (rmdir, given deepest first); returns those not
    /// removed (still holding something FileSync did not put there, or the target cannot remove folders).</summary>
    Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken);
}
