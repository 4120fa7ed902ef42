using System.Formats.Tar;
using System.IO.Pipes;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.State;

namespace FileSync.Targets;

/// <summary>
/// A local folder that stands for the container's '/': the same archive is extracted here, entry by entry, with the
/// checks a container runtime makes (no '..', no writing through a link that leads out of the folder).
/// </summary>
internal sealed partial class DirectoryTarget : ISyncTarget
{
    private readonly string _root;
    private readonly FileOwner? _explicitOwner;

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
    }

    private readonly string _realRoot;

    public string Kind => "directory";

    public string DisplayName => _root;

    public string InstanceId => "dir:" + _realRoot;

    public string? WorkingDirectory { get; }

    public Task<FileOwner> ResolveDefaultOwnerAsync(SyncState state, CancellationToken cancellationToken) =>
        Task.FromResult(_explicitOwner ?? FileOwner.Root);

    private async Task UploadAtRootAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken)
    {
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
            await ExtractAsync(client, root, cancellationToken).ConfigureAwait(false);
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

    private async Task ExtractAsync(Stream archive, string root, CancellationToken cancellationToken)
    {
        using var reader = new TarReader(archive, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            string path = SafePath(root.TrimEnd('/') + "/" + entry.Name);
            try
            {
                switch (entry.EntryType)
                {
                    case TarEntryType.Directory:
                        Directory.CreateDirectory(path);
                        ApplyMetadata(path, entry, isLink: false);
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile:
                        await WriteFileAsync(path, entry, cancellationToken).ConfigureAwait(false);
                        break;
                    case TarEntryType.SymbolicLink:
                        ReplaceWith(path, temporary => File.CreateSymbolicLink(temporary, entry.LinkName));
                        break;
                    default:
                        throw new FileSyncException(Diag.UnsafeEntry(entry.Name, _root));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new FileSyncException(Diag.DirectoryWriteFailed(path, e.Message), e);
            }
        }

        // The reader stops at the first end-of-archive block; take the rest so the writer can finish its own.
        await archive.CopyToAsync(Stream.Null, cancellationToken).ConfigureAwait(false);
    }

    private async Task WriteFileAsync(string path, TarEntry entry, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = TemporaryName(path);
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.Asynchronous))
            {
                if (entry.DataStream is { } data)
                {
                    await data.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
                }
            }

            ApplyMetadata(temporary, entry, isLink: false);
            Rename(temporary, path); // replaces a link at the path instead of writing through it
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void ReplaceWith(string path, Action<string> create)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        string temporary = TemporaryName(path);
        try
        {
            create(temporary);
            Rename(temporary, path);
        }
        finally
        {
            File.Delete(temporary); // gone after the rename; left only when something failed
        }
    }

    /// <summary>rename(2): atomic, and it moves a link itself whatever it points at (File.Move follows it).</summary>
    private static void Rename(string from, string to)
    {
        if (OperatingSystem.IsWindows())
        {
            File.Move(from, to, overwrite: true);
        }
        else if (Native.rename(from, to) != 0)
        {
            throw new IOException($"cannot rename '{from}' to '{to}' (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        }
    }

    private static string TemporaryName(string path) =>
        Path.Combine(Path.GetDirectoryName(path)!, ".fsync-" + Guid.NewGuid().ToString("N")[..12]);

    private void ApplyMetadata(string path, TarEntry entry, bool isLink)
    {
        if (!OperatingSystem.IsWindows() && !isLink)
        {
            File.SetUnixFileMode(path, entry.Mode);
        }

        File.SetLastWriteTimeUtc(path, entry.ModificationTime.UtcDateTime);
        if (_explicitOwner is { } owner && !OperatingSystem.IsWindows())
        {
            Chown(path, owner);
        }
    }

    private static void Chown(string path, FileOwner owner)
    {
        if (Native.lchown(path, owner.Uid, owner.Gid) != 0)
        {
            throw new IOException($"cannot give '{path}' to {owner} (FileSyncOwner needs root for the directory runtime)");
        }
    }

    /// <summary>Maps an entry to a path under the root, refusing '..', absolute names and links along the way.</summary>
    internal string SafePath(string entryName)
    {
        string name = entryName.Replace('\\', '/').TrimStart('/');
        string[] segments = name.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0 || segments.Any(segment => segment is ".." or "."))
        {
            throw new FileSyncException(Diag.UnsafeEntry(entryName, _root));
        }

        // Every existing parent must really be inside the root: a link there could lead the write elsewhere.
        string current = _root;
        for (int i = 0; i < segments.Length - 1; i++)
        {
            current = Path.Combine(current, segments[i]);
            var info = new DirectoryInfo(current);
            if ((int)info.Attributes != -1 && (info.Attributes & FileAttributes.ReparsePoint) != 0)
            {
                string real = Planning.SourceScanner.RealPath(current);
                if (!real.StartsWith(_realRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                {
                    throw new FileSyncException(Diag.UnsafeEntry(entryName, _root));
                }
            }
        }

        return Path.Combine(current, segments[^1]);
    }

    public Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        foreach (string path in paths)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                File.Delete(SafePath(path)); // a missing file is not an error (rm -f)
            }
            catch (DirectoryNotFoundException)
            {
                // nor is a missing folder: the file is not there
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                failed.Add(path);
            }
        }

        return Task.FromResult<IReadOnlyList<string>>(failed);
    }

    private static class Native
    {
        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        internal static extern int lchown(string path, int owner, int group);

        [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
        internal static extern int rename(string oldpath, string newpath);
    }
}
