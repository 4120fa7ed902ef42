using System.Formats.Tar;
using System.Globalization;
using System.Runtime.CompilerServices;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Docker;
using FileSync.State;

namespace FileSync.Targets;

/// <summary>
/// A running Docker container, over the Engine API: the archive goes in with one streamed <c>PUT archive</c> (no
/// <c>tar</c> needed in the container), deletes are one <c>rm -f --</c> exec per batch, given as an argv array (or
/// filesync-launcher's <c>--fsync-rm</c> where the image has no rm). With <paramref name="direct"/> (a local engine's
/// container written through its root, see <see cref="ContainerRoot"/>) the files, stats and deletes go there instead,
/// with the same outcomes; the engine is still asked who the container is, and runs the actions.
/// </summary>
internal sealed partial class DockerTarget(DockerClient client, ContainerInfo container, ILog log, ISyncTarget? direct = null) : ISyncTarget
{
    /// <summary>Arguments per rm exec: far below Linux's ARG_MAX, so no batch is ever refused for length.</summary>
    private const int DeleteBatchChars = 64 * 1024;

    public string Kind => "docker";

    public string DisplayName => container.Name;

    public string InstanceId => container.Id;

    /// <summary>The container's configured environment (Config.Env), from the inspect the sync makes anyway.</summary>
    public IReadOnlyList<string> Environment => container.Environment;

    public string? WorkingDirectory => string.IsNullOrEmpty(container.WorkingDir) ? null : container.WorkingDir;

    public async Task<FileOwner> ResolveDefaultOwnerAsync(SyncState state, CancellationToken cancellationToken)
    {
        // Our cache in the state (never the owner applied): only a first sync reads /etc/passwd.
        if (state.ResolvedUser is { } cached && cached.User == container.User && FileOwner.TryParse(cached.Owner, out FileOwner known))
        {
            return known;
        }

        FileOwner owner = await ContainerUser.ResolveAsync(container.User, ReadFileAsync, cancellationToken).ConfigureAwait(false)
            ?? Unresolved();
        state.ResolvedUser = new UserCache(container.User, owner.ToString());
        return owner;
    }

    private FileOwner Unresolved()
    {
        log.Warning(Diag.UserNotResolved(container.User, container.Name));
        return FileOwner.Root;
    }

    /// <summary>A small text file of the container (null when it is not there), read through the archive API: no shell,
    /// no cat needed.</summary>
    public Task<string?> ReadTextFileAsync(string path, CancellationToken cancellationToken) => ReadFileAsync(path, cancellationToken);

    /// <summary>The whole read is one call: the archive's body breaking off or stalling is a coded error too.</summary>
    private Task<string?> ReadFileAsync(string path, CancellationToken cancellationToken) => Call("read " + path, async () =>
    {
        Stream? archive = await client.GetArchiveAsync(container.Id, path, cancellationToken).ConfigureAwait(false);
        if (archive is null)
        {
            return null;
        }

        (archive as HttpResponseStream)?.BoundAsAWhole(); // a small file: a trickle cannot keep the read alive
        await using (archive.ConfigureAwait(false))
        {
            try
            {
                using var reader = new TarReader(archive);
                TarEntry? entry = await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false);
                if (entry?.DataStream is null)
                {
                    return null;
                }

                string content;
                using (var text = new StreamReader(entry.DataStream, leaveOpen: true))
                {
                    content = await text.ReadToEndAsync(cancellationToken).ConfigureAwait(false);
                }

                // The tar's end blocks too: a response read to its end gives the connection back for the next request
                // (over ssh, a connection is a process and a login).
                await DrainAsync(archive, cancellationToken).ConfigureAwait(false);
                return content;
            }
            catch (Exception e) when (e is InvalidDataException or FormatException or EndOfStreamException)
            {
                throw new DockerException($"The Docker engine at {client.Endpoint} sent an archive of {path} that cannot be read: {e.Message}", innerException: e)
                {
                    Broken = true,
                    Request = "GET archive " + path,
                };
            }
        }
    });

    /// <summary>Reads what is left of a small response, up to 64 KiB (beyond that, dropping the connection is cheaper).</summary>
    private static async Task DrainAsync(Stream stream, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[16 * 1024];
        for (int total = 0; total < 64 * 1024;)
        {
            int n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            if (n == 0)
            {
                return;
            }

            total += n;
        }
    }

    public async Task<PathKind> StatAsync(string path, CancellationToken cancellationToken)
    {
        if (direct is not null)
        {
            return await direct.StatAsync(path, cancellationToken).ConfigureAwait(false);
        }

        PathStat? stat = await Call("stat " + path, () => client.StatPathAsync(container.Id, path, cancellationToken)).ConfigureAwait(false);
        return stat is null ? PathKind.Missing
            : stat.IsFolder ? PathKind.Folder
            : stat.IsLink ? PathKind.Link
            : stat.IsFile ? PathKind.File
            : PathKind.Other;
    }

    public async Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken)
    {
        if (direct is not null)
        {
            await direct.UploadAsync(root, writeArchive, cancellationToken).ConfigureAwait(false);
            return;
        }

        try
        {
            // noOverwriteDirNonDir: the engine refuses instead of deleting a folder a file lands on (or the reverse).
            await Call("upload", async () =>
            {
                await client.PutArchiveAsync(container.Id, root, writeArchive, cancellationToken, noOverwriteDirNonDir: true).ConfigureAwait(false);
                return true;
            }, upload: true).ConfigureAwait(false);
        }
        catch (FileSyncException e) when (e.InnerException is DockerException engine && EngineRefusal.Parse(engine.Message) is { } refusal)
        {
            throw new FileSyncException(Diag.ReplaceRefused($"container '{container.Name}'", refusal.HeldFolder ? "folder" : "file", refusal.Path, "an entry of this sync", refusal.HeldFolder ? "file" : "folder"), refusal);
        }
        catch (FileSyncException e) when (e.InnerException is DockerException engine && engine.Message.Contains("rootfs is marked read-only", StringComparison.Ordinal))
        {
            throw new FileSyncException(Diag.RootReadOnly(container.Name, root), engine);
        }
    }

    public async Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken)
    {
        if (direct is not null)
        {
            return await direct.RemoveFoldersAsync(folders, cancellationToken).ConfigureAwait(false);
        }

        // rmdir removes only empty folders and goes on after one it cannot remove; what is still there afterwards was kept.
        var rmdirMissing = new StrongBox<bool>();
        foreach (List<string> batch in Batches(folders))
        {
            if (await RemoveAsync("rmdir", batch, rmdirMissing, cancellationToken).ConfigureAwait(false) is null)
            {
                log.Warning(Diag.RemoveFolderNeedsRmdir(container.Name, folders.Count, Describe([.. folders])));
                return folders;
            }
        }

        var kept = new List<string>();
        foreach (string folder in folders)
        {
            if (await StatAsync(folder, cancellationToken).ConfigureAwait(false) != PathKind.Missing)
            {
                kept.Add(folder);
            }
        }

        return kept;
    }

    public async Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        if (direct is not null)
        {
            return await direct.DeleteAsync(paths, cancellationToken).ConfigureAwait(false);
        }

        var failed = new List<string>();
        int attempted = 0;
        var rmMissing = new StrongBox<bool>();
        foreach (List<string> batch in Batches(paths))
        {
            ExecResult? result = await RemoveAsync("rm", batch, rmMissing, cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                // Never dropped silently: named in a warning, and kept pending in the state.
                List<string> remaining = paths.Skip(attempted).ToList();
                log.Warning(Diag.DeleteNeedsRm(container.Name, remaining.Count, Describe(remaining)));
                failed.AddRange(remaining);
                return failed;
            }

            attempted += batch.Count;

            if (result.ExitCode != 0)
            {
                List<string> remaining = await StillThereAsync(batch, cancellationToken).ConfigureAwait(false);
                if (remaining.Count > 0)
                {
                    log.Error(Diag.DeleteFailed(container.Name, (result.StdErr + result.StdOut).Trim()));
                }

                failed.AddRange(remaining);
            }
        }

        return failed;
    }

    /// <summary>
    /// After a failed rm, which of the batch still needs deleting. A path now missing is done (rm -f deleted the rest of
    /// the batch); one that is now a folder is no longer the file FileSync synced there (the container made it): it is
    /// left as it is, named in a warning, and no longer tracked, instead of failing every later sync.
    /// </summary>
    private async Task<List<string>> StillThereAsync(List<string> batch, CancellationToken cancellationToken)
    {
        var remaining = new List<string>();
        foreach (string path in batch)
        {
            PathKind kind = await StatAsync(path, cancellationToken).ConfigureAwait(false);
            if (kind == PathKind.Folder)
            {
                log.Warning(Diag.DeletedFileIsNowFolder(container.Name, path));
            }
            else if (kind != PathKind.Missing)
            {
                remaining.Add(path);
            }
        }

        return remaining;
    }

    private static IEnumerable<List<string>> Batches(IReadOnlyList<string> paths)
    {
        var batch = new List<string>();
        int chars = 0;
        foreach (string path in paths)
        {
            if (batch.Count > 0 && chars + path.Length > DeleteBatchChars)
            {
                yield return batch;
                batch = [];
                chars = 0;
            }

            batch.Add(path);
            chars += path.Length + 1;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private static string Describe(List<string> paths) =>
        paths.Count <= 10 ? string.Join(", ", paths) : string.Join(", ", paths.Take(10)) + string.Format(CultureInfo.InvariantCulture, " and {0} more", paths.Count - 10);

    /// <summary>Turns the client's failures into coded errors naming this container.</summary>
    private async Task<T> Call<T>(string operation, Func<Task<T>> call, bool upload = false)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (DockerException e) when (e.Unreachable || e.TimedOut != DockerBound.None || (e.Broken && !upload))
        {
            throw new FileSyncException(DockerErrors.Describe(e, client.Endpoint), e); // a broken upload stays FSYNC2005
        }
        catch (DockerException e) when (e.StatusCode == 404 && !(upload && e.Message.Contains("Could not find the file", StringComparison.Ordinal)))
        {
            throw new FileSyncException(Diag.ContainerNotFound(container.Name, client.Endpoint), e);
        }
        catch (DockerException e) when (e.StatusCode == 409 && e.Message.Contains("is paused", StringComparison.OrdinalIgnoreCase))
        {
            // Paused after the resolve's check (which catches the usual case before anything is sent).
            throw new FileSyncException(Diag.ContainerPaused(container.Name), e);
        }
        catch (DockerException e) when (e.StatusCode == 409 || e.Message.Contains("is not running", StringComparison.OrdinalIgnoreCase))
        {
            throw new FileSyncException(Diag.ContainerNotRunning(container.Name, e.Message), e);
        }
        catch (DockerException e)
        {
            throw new FileSyncException(upload ? Diag.UploadFailed(container.Name, e.Message) : Diag.DockerApiFailed(operation, container.Name, e.Message), e);
        }
        catch (IOException e) when (upload)
        {
            throw new FileSyncException(Diag.UploadFailed(container.Name, e.Message), e);
        }
    }
}
