namespace FileSync.Targets;

// PENDING (branch h/directory only; the lead deletes this file at merge, helper "container" owns the real code):
// lets this branch compile against the new ISyncTarget without editing Syncer.cs or DockerTarget.cs' bodies.

/// <summary>The old '/'-rooted upload call, for callers not yet moved to UploadAsync(root, ...).</summary>
internal static class PendingUploadAtRoot
{
    public static Task UploadAsync(this ISyncTarget target, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken) =>
        target.UploadAsync("/", writeArchive, cancellationToken);
}

/// <summary>Minimal stand-ins until helper "container"'s DockerTarget lands.</summary>
internal sealed partial class DockerTarget
{
    public Task<PathKind> StatAsync(string path, CancellationToken cancellationToken) =>
        throw new NotSupportedException("pending: helper 'container' implements DockerTarget.StatAsync");

    public Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken) =>
        root == "/" ? UploadAsync(writeArchive, cancellationToken) : throw new NotSupportedException("pending: helper 'container' implements rooted uploads");

    public Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken) =>
        Task.FromResult(folders);
}
