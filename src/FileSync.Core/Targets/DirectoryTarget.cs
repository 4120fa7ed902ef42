using System.IO.Pipes;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.State;

namespace FileSync.Targets;

/// <summary>
/// A local folder that stands for the container's '/': the same archive is extracted here, entry by entry. Nothing
/// is ever resolved through a link in the folder (each name is opened from its parent's descriptor, see
/// <see cref="TargetFolder"/>), existing folders keep their mode, owner and kind, and a file never replaces a folder
/// (or the reverse).
/// </summary>
internal sealed partial class DirectoryTarget : ISyncTarget
{
    private readonly string _root;
    private readonly FileOwner? _explicitOwner;
    private readonly Func<TargetFolder> _openTop;
    private readonly IExtractReporting _report;

    /// <summary>Files, links and the folders of entries get the owner their tar entry names (a container's files, as the
    /// engine's archive API gives them), instead of <see cref="_explicitOwner"/>.</summary>
    private readonly bool _ownersFromEntries;

    public DirectoryTarget(string root, string? workingDirectory, FileOwner? explicitOwner)
    {
        _root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(root));
        if (!Directory.Exists(_root))
        {
            throw new FileSyncException(Diag.DirectoryMissing(root));
        }

        WorkingDirectory = workingDirectory;
        _explicitOwner = explicitOwner;
        _realRoot = Planning.SourceScanner.RealPath(_root);
        _openTop = () => TargetFolder.OpenRoot(_realRoot);
        _report = new DirectoryReporting(_root);
    }

    /// <summary>A running container's '/' on this host (see <see cref="ContainerRoot"/>), with the container's words for
    /// refusals and failures; folders the extraction implies are root's, as the engine makes them.</summary>
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    internal DirectoryTarget(ContainerRoot root, IExtractReporting report)
    {
        _root = root.Display;
        _realRoot = root.Display;
        _explicitOwner = FileOwner.Root;
        _ownersFromEntries = true;
        _openTop = () => root.TryOpen(out string why) ?? throw new IOException($"the container's root file system cannot be opened any more: {why}");
        _report = report;
    }

    private readonly string _realRoot;

    public string Kind => "directory";

    public string DisplayName => _root;

    public string InstanceId => "dir:" + _realRoot;

    public string? WorkingDirectory { get; }

    /// <summary>Test seam: runs once an entry's place is resolved, before anything is written for it.</summary>
    internal Action<string>? EntryResolved { get; set; }

    public Task<FileOwner> ResolveDefaultOwnerAsync(SyncState state, CancellationToken cancellationToken) =>
        Task.FromResult(_explicitOwner ?? FileOwner.Root);

    public async Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken)
    {
        string[] rootSegments = PathSegments(root, root);

        // The writer and the extractor run side by side over a pipe: the archive is never held whole.
        using var server = new AnonymousPipeServerStream(PipeDirection.Out);
        using var client = new AnonymousPipeClientStream(PipeDirection.In, server.ClientSafePipeHandle);
        Task writing = Task.Run(async () =>
        {
            try
            {
                await writeArchive(server, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                server.Dispose(); // end of stream for the reader, also on failure
            }
        }, cancellationToken);

        Exception? extractFailure = null;
        try
        {
            await ExtractAsync(rootSegments, client, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            extractFailure = e;
            client.Dispose(); // unblocks the writer
        }

        try
        {
            await writing.ConfigureAwait(false);
        }
        catch (IOException) when (extractFailure is not null)
        {
            // the writer saw the broken pipe; the extractor's failure is the one to report
        }

        if (extractFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(extractFailure).Throw();
        }
    }

    public Task<PathKind> StatAsync(string path, CancellationToken cancellationToken)
    {
        string[] segments = PathSegments(path, path);
        if (segments.Length == 0)
        {
            return Task.FromResult(PathKind.Folder);
        }

        try
        {
            using TargetFolder top = _openTop();
            TargetFolder? parent = Walk(top, segments, segments.Length - 1, createFrom: int.MaxValue, created: null).Folder;
            using (parent)
            {
                // A path through a link, or below a file, is not inside the target: nothing is there.
                return Task.FromResult(parent?.Kind(segments[^1]) ?? PathKind.Missing);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileSyncException(_report.ReadFailed(segments, e), e);
        }
    }

    /// <summary>
    /// rm -f of each path, never through a link. A path that is no file any more (a folder is there now, or a file
    /// or link stands where its parent folder was) has nothing of ours left to delete: it counts as deleted, and
    /// the folder is left alone (RemoveFoldersAsync removes folders), so a kind change converges.
    /// </summary>
    public Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken) =>
        Task.FromResult(RemoveEach(paths, folders: false, cancellationToken));

    /// <summary>rmdir of each folder, never through a link: one holding anything stays (returned); one that is gone, or is
    /// a file or link now, has no folder of ours left to remove.</summary>
    public Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken) =>
        Task.FromResult(RemoveEach(folders, folders: true, cancellationToken));

    private IReadOnlyList<string> RemoveEach(IReadOnlyList<string> paths, bool folders, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        TargetFolder top;
        try
        {
            top = _openTop();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return paths; // the target folder itself is gone: all stay pending
        }

        using (top)
        {
            foreach (string path in paths)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (!TryRemove(top, path, folders))
                {
                    failed.Add(path);
                }
            }
        }

        return failed;
    }

    private bool TryRemove(TargetFolder top, string path, bool folder)
    {
        string[] segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(segment => segment is ".." or "."))
        {
            return false;
        }

        try
        {
            using TargetFolder? parent = Walk(top, segments, segments.Length - 1, createFrom: int.MaxValue, created: null).Folder;
            Removal removal = parent?.Remove(segments[^1], folder) ?? Removal.Missing;
            if (removal == Removal.IsFolder)
            {
                _report.FileBecameFolder(path);
            }

            return removal != Removal.NotEmpty;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (!folder)
            {
                _report.DeleteFailed(path, e);
            }

            return false;
        }
    }
}
