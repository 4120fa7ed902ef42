using FileSync.Diagnostics;

namespace FileSync.Targets;

/// <summary>
/// How an extraction into a folder tells its refusals and failures. The directory runtime names its folder and host
/// paths (FSYNC400x); a container written through its root (<see cref="ContainerRoot"/>) names the container and its
/// paths, with the codes the engine's archive API gives for the same cases (FSYNC20xx).
/// </summary>
internal interface IExtractReporting
{
    Diagnostic UnsafeEntry(string entry);

    Diagnostic WriteFailed(string[] segments, Exception error);

    Diagnostic ReadFailed(string[] segments, Exception error);

    Diagnostic KindConflict(string path, string existing, string wanted);

    Diagnostic LinkInTarget(string entry, string link);

    Diagnostic UploadRootMissing(string root);

    /// <summary>A file to delete is a folder now: not ours any more, left alone.</summary>
    void FileBecameFolder(string path);

    /// <summary>A file could not be deleted (e.g. something is mounted on it); it stays pending.</summary>
    void DeleteFailed(string path, Exception error);
}

/// <summary>FileSyncRuntime=directory: the folder that stands for the container's '/'.</summary>
internal sealed class DirectoryReporting(string root) : IExtractReporting
{
    public Diagnostic UnsafeEntry(string entry) => Diag.UnsafeEntry(entry, root);

    public Diagnostic WriteFailed(string[] segments, Exception error) => Diag.DirectoryWriteFailed(Path.Combine([root, .. segments]), error.Message);

    public Diagnostic ReadFailed(string[] segments, Exception error) => Diag.DirectoryReadFailed(Path.Combine([root, .. segments]), error.Message);

    public Diagnostic KindConflict(string path, string existing, string wanted) => Diag.KindConflict(path, existing, wanted, root);

    public Diagnostic LinkInTarget(string entry, string link) => Diag.LinkInTarget(entry, link, root);

    public Diagnostic UploadRootMissing(string uploadRoot) => Diag.UploadRootMissing(uploadRoot, root);

    public void FileBecameFolder(string path)
    {
        // the directory runtime's rm -f: a folder there counts as deleted, silently
    }

    public void DeleteFailed(string path, Exception error)
    {
        // the directory runtime keeps it pending silently, as before
    }
}

/// <summary>A Docker container written through <c>/proc/&lt;pid&gt;/root</c>: the messages of its archive API path.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
internal sealed class ContainerReporting(string container, ILog log, bool readOnlyRoot = false) : IExtractReporting
{
    public Diagnostic UnsafeEntry(string entry) => Diag.UploadFailed(container, $"the archive entry '{entry}' is not a file, folder or link below the upload folder");

    public Diagnostic WriteFailed(string[] segments, Exception error) =>
        error is IOException { HResult: UnixAt.EROFS } && readOnlyRoot ? Diag.RootReadOnly(container, Shown(segments)) : Diag.UploadFailed(container, $"{Shown(segments)}: {error.Message}"); // a read-only volume: the engine's FSYNC2005 too

    public Diagnostic ReadFailed(string[] segments, Exception error) => Diag.DockerApiFailed("stat " + Shown(segments), container, error.Message);

    public Diagnostic KindConflict(string path, string existing, string wanted) =>
        Diag.ReplaceRefused($"container '{container}'", existing, path, "an entry of this sync", wanted);

    public Diagnostic LinkInTarget(string entry, string link) =>
        Diag.UploadFailed(container, $"'{link}' became a symbolic link where a folder is needed for '{entry}' (FileSync never writes through a link)");

    public Diagnostic UploadRootMissing(string uploadRoot) => Diag.UploadFailed(container, $"'{uploadRoot}' is not an existing folder");

    public void FileBecameFolder(string path) => log.Warning(Diag.DeletedFileIsNowFolder(container, path));

    /// <summary>As the engine path's failed <c>rm</c> (FSYNC2007).</summary>
    public void DeleteFailed(string path, Exception error) => log.Error(Diag.DeleteFailed(container, error.Message));

    private static string Shown(string[] segments) => "/" + string.Join('/', segments);
}
