using System.Globalization;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.State;
using FileSync.Targets;

namespace FileSync.Kubernetes;

/// <summary>
/// One container of a running pod, through the API server's exec: the archive is one `tar xmf - -C root
/// --no-same-owner` with the tar on stdin (or filesync-launcher's --fsync-extract where the image has no tar), deletes
/// are `rm -f --` execs, stats `stat -c %F --`: every command an argv array, never a shell.
/// </summary>
internal sealed partial class KubernetesTarget(IKubeApi api, KubePod pod, KubeContainer container, FileOwner? explicitOwner, ILog log) : ISyncTarget
{
    /// <summary>Escaped query characters of the paths per rm exec: argv goes in the exec's URL (`&amp;command=` each, escaped, a
    /// non-ASCII character as 6 to 12), and a request line over 8 KB is refused (414) by common front ends of an API
    /// server (nginx's default buffers, Kestrel); far below Linux's ARG_MAX too.</summary>
    private const int DeleteBatchQueryChars = 6 * 1024;

    private bool? _hasStat;

    public string Kind => "kubernetes";

    /// <summary>namespace/pod, and the container when the pod has several.</summary>
    public string DisplayName => pod.Containers.Count > 1 ? $"{pod.Namespace}/{pod.Name}/{container.Name}" : $"{pod.Namespace}/{pod.Name}";

    /// <summary>The container's id (containerStatuses[].containerID without its runtime scheme, so the summary's short id
    /// is the runtime's, as crictl or docker show it) and the pod's UID: a pod replaced, or a container restarted in its
    /// pod (it starts again from its image, without the synced files), is a new instance and gets everything.</summary>
    public string InstanceId => $"{ContainerIdWithoutScheme}/{pod.Uid}";

    private string ContainerIdWithoutScheme => container.ContainerId is { } id && id.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0 ? id[(scheme + 3)..] : container.ContainerId ?? "";

    /// <summary>The container's workingDir from the pod spec (the API does not show the image's WORKDIR).</summary>
    public string? WorkingDirectory => container.WorkingDir;

    internal IKubeApi Api => api;

    internal KubePod Pod => pod;

    internal KubeContainer Container => container;

    /// <summary>The exec runs as the container's user and tar extracts with --no-same-owner, so files are that user's;
    /// the archive's owner fields are not used (root stands in for them).</summary>
    public Task<FileOwner> ResolveDefaultOwnerAsync(SyncState state, CancellationToken cancellationToken) => Task.FromResult(FileOwner.Root);

    public async Task<PathKind> StatAsync(string path, CancellationToken cancellationToken)
    {
        if (_hasStat == false)
        {
            return PathKind.Missing; // see below
        }

        KubeExecResult result = await ExecAsync(["stat", "-c", "%F", "--", path], null, cancellationToken).ConfigureAwait(false);
        if (result.CommandNotFound)
        {
            // No stat (a chiseled image): such an image is extracted through filesync-launcher, which keeps existing
            // folders as they are, never writes through a link and never replaces a folder, so "missing" is safe.
            _hasStat = false;
            return PathKind.Missing;
        }

        _hasStat = true;
        if (result.ExitCode == 0)
        {
            return result.StdOut.Trim() switch
            {
                "directory" => PathKind.Folder,
                "regular file" or "regular empty file" => PathKind.File,
                "symbolic link" => PathKind.Link,
                _ => PathKind.Other,
            };
        }

        if (result.StdErr.Contains("No such file or directory", StringComparison.Ordinal) || result.StdErr.Contains("Not a directory", StringComparison.Ordinal))
        {
            return PathKind.Missing;
        }

        throw new FileSyncException(Diag.KubeExecFailed("stat " + path, pod.Name, container.Name, result.Describe()));
    }

    public async Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken)
    {
        string[] extract = await ExtractCommandAsync(root, cancellationToken).ConfigureAwait(false);
        KubeExecResult result = await ExecAsync(extract, writeArchive, cancellationToken, upload: true).ConfigureAwait(false);
        if (result.ExitCode != 0 || result.StdErr.Trim().Length > 0)
        {
            string status = result.ExitCode >= 0 ? "exit code " + result.ExitCode.ToString(CultureInfo.InvariantCulture) : "not run";
            throw new FileSyncException(Diag.KubeUploadFailed(pod.Name, container.Name, status, result.Describe()));
        }
    }

    /// <summary>tar when the container has it (asked once per sync, only when something is sent), else the launcher's
    /// extract, else FSYNC9013: never a silent skip.</summary>
    private async Task<string[]> ExtractCommandAsync(string root, CancellationToken cancellationToken)
    {
        KubeExecResult probe = await ExecAsync(["tar", "--help"], null, cancellationToken).ConfigureAwait(false);
        // FileSyncOwner: the archive's owner, which tar running as root keeps by default (busybox has no --same-owner).
        string[] tarOwner = explicitOwner is null ? ["--no-same-owner"] : ["--numeric-owner"];
        if (!probe.CommandNotFound)
        {
            return ["tar", "xmf", "-", "-C", root, .. tarOwner];
        }

        string[] launcher = await FindLauncherAsync(cancellationToken).ConfigureAwait(false)
            ?? throw new FileSyncException(Diag.KubeNoTar(pod.Name, container.Name, string.Join(", ", LauncherCandidates)));
        return [.. launcher, "--fsync-extract", root];
    }

    public async Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        var failed = new List<string>();
        int attempted = 0;
        foreach (List<string> batch in Batches(paths))
        {
            KubeExecResult? result = await RemoveAsync("rm", batch, cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                // Never dropped silently: named in a warning, and kept pending in the state.
                List<string> remaining = paths.Skip(attempted).ToList();
                log.Warning(Diag.DeleteNeedsRm(DisplayName, remaining.Count, Describe(remaining)));
                failed.AddRange(remaining);
                return failed;
            }

            attempted += batch.Count;
            if (result.ExitCode != 0)
            {
                List<string> remaining = await StillThereAsync(batch, cancellationToken).ConfigureAwait(false);
                if (remaining.Count > 0)
                {
                    log.Error(Diag.DeleteFailed(DisplayName, result.Describe()));
                }

                failed.AddRange(remaining);
            }
        }

        return failed;
    }

    public async Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken)
    {
        // rmdir removes only empty folders and goes on after one it cannot remove; what is still there afterwards was kept.
        bool allRemoved = true;
        foreach (List<string> batch in Batches(folders))
        {
            KubeExecResult? result = await RemoveAsync("rmdir", batch, cancellationToken).ConfigureAwait(false);
            if (result is null)
            {
                log.Warning(Diag.RemoveFolderNeedsRmdir(DisplayName, folders.Count, Describe([.. folders])));
                return folders;
            }

            allRemoved &= result.ExitCode == 0;
        }

        if (allRemoved)
        {
            return [];
        }

        var kept = new List<string>();
        foreach (string folder in folders)
        {
            if (await KnownKindAsync(folder, cancellationToken).ConfigureAwait(false) != PathKind.Missing)
            {
                kept.Add(folder); // without stat, a failed rmdir keeps every folder of it (conservative: retried later)
            }
        }

        return kept;
    }

    /// <summary>After a failed rm, which of the batch still needs deleting (without stat: all of it, kept pending).</summary>
    private async Task<List<string>> StillThereAsync(List<string> batch, CancellationToken cancellationToken)
    {
        var remaining = new List<string>();
        foreach (string path in batch)
        {
            PathKind kind = await KnownKindAsync(path, cancellationToken).ConfigureAwait(false);
            if (kind == PathKind.Folder)
            {
                log.Warning(Diag.DeletedFileIsNowFolder(DisplayName, path));
            }
            else if (kind != PathKind.Missing)
            {
                remaining.Add(path);
            }
        }

        return remaining;
    }

    /// <summary>What is at a path after a failed rm/rmdir; without stat (it says "missing" then) it counts as still there,
    /// so nothing a failed command left is ever taken as gone.</summary>
    private async Task<PathKind> KnownKindAsync(string path, CancellationToken cancellationToken)
    {
        PathKind kind = await StatAsync(path, cancellationToken).ConfigureAwait(false);
        return _hasStat == false ? PathKind.Other : kind;
    }

    /// <summary>One exec in this container; the API's failures become coded errors naming the pod.</summary>
    private async Task<KubeExecResult> ExecAsync(string[] argv, Func<Stream, CancellationToken, Task>? stdin, CancellationToken cancellationToken, bool upload = false)
    {
        try
        {
            return await api.ExecAsync(pod.Namespace, pod.Name, container.Name, argv, stdin, cancellationToken).ConfigureAwait(false);
        }
        catch (KubeApiException e)
        {
            throw new FileSyncException(e.Failure switch
            {
                KubeFailure.Unreachable => Diag.KubeApiUnreachable(api.Endpoint, e.Message),
                KubeFailure.NotFound => Diag.KubePodNotFound(pod.Name, pod.Namespace, api.Endpoint), // deleted since it was listed
                KubeFailure.Refused => Diag.KubeApiFailed(api.Endpoint, $"exec in pod '{pod.Name}'", e.Message),
                KubeFailure.StdinNotClosed => Diag.KubeStdinNotClosed(api.Endpoint, pod.Name, (int)KubeApi.V4StdinBound.TotalSeconds),
                _ when upload => Diag.KubeUploadFailed(pod.Name, container.Name, "not confirmed", e.Message),
                _ => Diag.KubeExecFailed(string.Join(' ', argv.Take(3)), pod.Name, container.Name, e.Message),
            }, e);
        }
    }

    private static IEnumerable<List<string>> Batches(IReadOnlyList<string> paths)
    {
        var batch = new List<string>();
        int chars = 0;
        foreach (string path in paths)
        {
            int cost = "&command=".Length + Uri.EscapeDataString(path).Length;
            if (batch.Count > 0 && chars + cost > DeleteBatchQueryChars)
            {
                yield return batch;
                batch = [];
                chars = 0;
            }

            batch.Add(path);
            chars += cost;
        }

        if (batch.Count > 0)
        {
            yield return batch;
        }
    }

    private static string Describe(List<string> paths) =>
        paths.Count <= 10 ? string.Join(", ", paths) : string.Join(", ", paths.Take(10)) + string.Format(CultureInfo.InvariantCulture, " and {0} more", paths.Count - 10);
}
