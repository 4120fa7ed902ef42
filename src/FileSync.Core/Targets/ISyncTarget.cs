using FileSync.Archive;
using FileSync.State;

namespace FileSync.Targets;

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

    /// <summary>Extracts the tar that <paramref name="writeArchive"/> streams, at '/'; returns only once the target confirmed it.</summary>
    Task UploadAsync(Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken);

    /// <summary>Deletes absolute paths; returns those it could not delete (they stay pending).</summary>
    Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken);
}
