using FileSync.Diagnostics;
using FileSync.Targets;

namespace FileSync.Kubernetes;

/// <summary>
/// Post-sync actions in a pod's container, and filesync-launcher standing in for tar/rm/rmdir where the image has none
/// (found at most once per sync, only when needed). 'restart' is refused: Kubernetes restarts a container from its
/// image, so the files just synced would be gone (FSYNC9016); 'process' restarts the app inside the container instead.
/// </summary>
internal sealed partial class KubernetesTarget : IActionTarget
{
    /// <summary>Where images put the dotnet host (Microsoft's images: /usr/share/dotnet, linked from /usr/bin), then PATH.</summary>
    private static readonly string[] HostCandidates = ["/usr/share/dotnet/dotnet", "/usr/bin/dotnet", "dotnet"];

    private string[]? _launcher;

    public string? OutputFolder { get; set; }

    /// <summary>FileSyncLauncher=true puts the dll in the build output: where this sync puts the outputs, else the
    /// working directory, else /app.</summary>
    private string[] LauncherCandidates =>
        new[] { OutputFolder, WorkingDirectory ?? "/app", "/app" }.OfType<string>().Select(folder => folder.TrimEnd('/') + "/" + DockerTarget.LauncherFile).Distinct(StringComparer.Ordinal).ToArray();

    public async Task<ActionResult> ExecAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        KubeExecResult result = await ExecAsync([.. argv], null, cancellationToken).ConfigureAwait(false);
        return new ActionResult(result.ExitCode, result.StdOut, result.StdErr + (result.Failure is { } failure ? failure : ""));
    }

    public Task RestartAsync(CancellationToken cancellationToken) => throw new FileSyncException(Diag.KubeRestartNotSupported(pod.Name));

    public async Task<ActionResult> RestartProcessAsync(IReadOnlyList<string> synced, CancellationToken cancellationToken)
    {
        string[] launcher = await FindLauncherAsync(cancellationToken).ConfigureAwait(false) ?? throw new FileSyncException(Diag.LauncherNotFound(DisplayName, string.Join(", ", LauncherCandidates)));
        List<string> reason = Batches(synced).First(); // the paths for the log line, within one exec's arguments
        KubeExecResult result = await ExecAsync([.. launcher, "--fsync-restart", "--", .. reason], null, cancellationToken).ConfigureAwait(false);
        if (result.CommandNotFound)
        {
            throw new FileSyncException(Diag.LauncherNotFound(DisplayName, string.Join(", ", LauncherCandidates)));
        }

        return new ActionResult(result.ExitCode, result.StdOut, result.StdErr);
    }

    /// <summary>rm -f / rmdir, or the launcher's --fsync-rm / --fsync-rmdir when the image has no such command; null when neither exists.</summary>
    private async Task<KubeExecResult?> RemoveAsync(string tool, List<string> batch, CancellationToken cancellationToken)
    {
        string[] argv = tool == "rm" ? ["rm", "-f", "--", .. batch] : [tool, "--", .. batch];
        KubeExecResult result = await ExecAsync(argv, null, cancellationToken).ConfigureAwait(false);
        if (!result.CommandNotFound)
        {
            return result;
        }

        if (await FindLauncherAsync(cancellationToken).ConfigureAwait(false) is not { } launcher)
        {
            return null;
        }

        KubeExecResult through = await ExecAsync([.. launcher, tool == "rm" ? "--fsync-rm" : "--fsync-rmdir", "--", .. batch], null, cancellationToken).ConfigureAwait(false);
        return through.CommandNotFound ? null : through;
    }

    /// <summary>[host, dll], or null when the container has none. Asked by running it: `--fsync-rm --` with no path does
    /// nothing and exits 0, and needs no stat (which a chiseled image lacks). Remembered for this sync once found.</summary>
    private async Task<string[]?> FindLauncherAsync(CancellationToken cancellationToken)
    {
        if (_launcher is not null)
        {
            return _launcher;
        }

        foreach (string dll in LauncherCandidates)
        {
            if (_hasStat == true && await StatAsync(dll, cancellationToken).ConfigureAwait(false) != Targets.PathKind.File)
            {
                continue;
            }

            foreach (string host in HostCandidates)
            {
                KubeExecResult probe = await ExecAsync([host, dll, "--fsync-rm", "--"], null, cancellationToken).ConfigureAwait(false);
                if (probe.ExitCode == 0)
                {
                    log.Detail($"FileSync: using {host} {dll} in pod '{pod.Name}', container '{container.Name}'");
                    return _launcher = [host, dll];
                }

                if (!probe.CommandNotFound)
                {
                    break; // the host runs but the dll is not there (or not a launcher): the next place
                }
            }
        }

        return null;
    }
}
