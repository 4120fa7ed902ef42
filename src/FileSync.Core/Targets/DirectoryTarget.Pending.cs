namespace FileSync.Targets;

/// <summary>
/// Minimal stand-ins for the members ISyncTarget gained (stat, upload at a folder, rmdir), so that this branch builds
/// and its directory-runtime tests run. Helper "directory" implements them for real in DirectoryTarget.cs; this file
/// is deleted when both land.
/// </summary>
internal sealed partial class DirectoryTarget
{
    public Task<PathKind> StatAsync(string path, CancellationToken cancellationToken)
    {
        var info = new FileInfo(_root + "/" + path.TrimStart('/'));
        PathKind kind = (int)info.Attributes == -1 ? PathKind.Missing
            : info.LinkTarget is not null ? PathKind.Link
            : (info.Attributes & FileAttributes.Directory) != 0 ? PathKind.Folder
            : PathKind.File;
        return Task.FromResult(kind);
    }

    public Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken) =>
        UploadAtRootAsync(root, writeArchive, cancellationToken);

    public Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken)
    {
        var kept = new List<string>();
        foreach (string folder in folders)
        {
            try
            {
                Directory.Delete(SafePath(folder), recursive: false);
            }
            catch (DirectoryNotFoundException)
            {
                // already gone: nothing to remove
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                kept.Add(folder);
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(kept);
    }
}
