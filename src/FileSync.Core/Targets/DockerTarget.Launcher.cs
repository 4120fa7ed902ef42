using System.Runtime.CompilerServices;
using FileSync.Diagnostics;
using FileSync.Docker;

namespace FileSync.Targets;

/// <summary>
/// Post-sync actions in a container, and filesync-launcher standing in for rm/rmdir where the image has none. The
/// launcher is found at most once per sync, and only when needed: two path stats (the dll beside the app, the dotnet host).
/// </summary>
internal sealed partial class DockerTarget : IActionTarget
{
    internal const string LauncherFile = "filesync-launcher.dll";

    /// <summary>Where images put the dotnet host (Microsoft's images: /usr/share/dotnet, linked from /usr/bin); else PATH.</summary>
    private static readonly string[] HostCandidates = ["/usr/share/dotnet/dotnet", "/usr/bin/dotnet", "/usr/lib/dotnet/dotnet"];

    /// <summary>Seconds Docker's restart waits for the container to stop before killing it.</summary>
    private const int RestartStopSeconds = 10;

    private string[]? _launcher;

    public string? OutputFolder { get; set; }

    /// <summary>FileSyncLauncher=true puts the dll in the build/publish output: where this sync puts the outputs
    /// (FileSyncOutputDest), else where images copy them, their WORKDIR (/app). Each distinct place is one stat.</summary>
    private string[] LauncherCandidates =>
        new[] { OutputFolder, WorkingDirectory ?? "/app", "/app" }.OfType<string>().Select(folder => UnixPathJoin(folder, LauncherFile)).Distinct(StringComparer.Ordinal).ToArray();

    public async Task<ActionResult> ExecAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        // The container's configured user, its WORKDIR and environment: as the app itself would run the command.
        ExecResult result = await Call("exec " + argv[0], () => client.ExecAsync(container.Id, argv, null, cancellationToken)).ConfigureAwait(false);
        return new ActionResult(result.ExitCode, result.StdOut, result.StdErr);
    }

    public Task RestartAsync(CancellationToken cancellationToken) => Call("restart", async () =>
    {
        await client.RestartContainerAsync(container.Id, RestartStopSeconds, cancellationToken).ConfigureAwait(false);
        return true;
    });

    public async Task<ActionResult> RestartProcessAsync(IReadOnlyList<string> synced, CancellationToken cancellationToken)
    {
        string[] launcher = await FindLauncherAsync(cancellationToken).ConfigureAwait(false) ?? throw new FileSyncException(Diag.LauncherNotFound(container.Name, string.Join(", ", LauncherCandidates)));
        List<string> reason = Batches(synced).First(); // the paths for the log line, within one exec's arguments
        string[] argv = [.. launcher, "--fsync-restart", "--", .. reason];
        ExecResult result = await Call("exec filesync-launcher", () => client.ExecAsync(container.Id, argv, "0", cancellationToken)).ConfigureAwait(false);
        if (result.CommandNotFound)
        {
            throw new FileSyncException(Diag.LauncherNotFound(container.Name, string.Join(", ", LauncherCandidates)));
        }

        return new ActionResult(result.ExitCode, result.StdOut, result.StdErr);
    }

    /// <summary>rm -f / rmdir, or the launcher's --fsync-rm / --fsync-rmdir when the image has no such command; null when
    /// neither exists. <paramref name="toolMissing"/>: found missing by an earlier batch of the same call (asked again on
    /// the next call: a tool put back is used).</summary>
    private async Task<ExecResult?> RemoveAsync(string tool, List<string> batch, StrongBox<bool> toolMissing, CancellationToken cancellationToken)
    {
        if (!toolMissing.Value)
        {
            string[] argv = tool == "rm" ? ["rm", "-f", "--", .. batch] : [tool, "--", .. batch];
            ExecResult result = await Call("exec " + tool, () => client.ExecAsync(container.Id, argv, "0", cancellationToken)).ConfigureAwait(false);
            if (!result.CommandNotFound)
            {
                return result;
            }

            toolMissing.Value = true;
        }

        if (await FindLauncherAsync(cancellationToken).ConfigureAwait(false) is not { } launcher)
        {
            return null;
        }

        string[] command = [.. launcher, tool == "rm" ? "--fsync-rm" : "--fsync-rmdir", "--", .. batch];
        ExecResult through = await Call("exec filesync-launcher", () => client.ExecAsync(container.Id, command, "0", cancellationToken)).ConfigureAwait(false);
        return through.CommandNotFound ? null : through;
    }

    /// <summary>[host, dll], or null when the container has no launcher. A launcher found is remembered for this target's
    /// life (one sync); none found is asked again next time.</summary>
    private async Task<string[]?> FindLauncherAsync(CancellationToken cancellationToken) =>
        _launcher ??= await ProbeLauncherAsync(cancellationToken).ConfigureAwait(false);

    private async Task<string[]?> ProbeLauncherAsync(CancellationToken cancellationToken)
    {
        string? dll = null;
        foreach (string candidate in LauncherCandidates)
        {
            if (await StatAsync(candidate, cancellationToken).ConfigureAwait(false) == PathKind.File)
            {
                dll = candidate;
                break;
            }
        }

        if (dll is null)
        {
            return null;
        }

        foreach (string host in HostCandidates)
        {
            if (await StatAsync(host, cancellationToken).ConfigureAwait(false) is PathKind.File or PathKind.Link)
            {
                log.Detail($"FileSync: using {host} {dll} in container '{container.Name}'");
                return [host, dll];
            }
        }

        return ["dotnet", dll]; // on the container's PATH, if anywhere: the exec says when it is not
    }

    private static string UnixPathJoin(string folder, string name) => folder.EndsWith('/') ? folder + name : folder + "/" + name;
}
