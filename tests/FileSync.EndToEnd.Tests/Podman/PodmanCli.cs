using System.Diagnostics;

namespace FileSync.EndToEnd.Tests.Podman;

/// <summary>The <c>podman</c> CLI with <see cref="PodmanService.GlobalFlags"/>, argv only: the independent checker of
/// what FileSync did through Podman's API, as the docker CLI is for Docker.</summary>
internal static class PodmanCli
{
    public const string Image = "filesync-test:busybox";

    public static async Task<(int ExitCode, string StdOut, string StdErr)> RunAsync(IEnumerable<string> args, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo("podman") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false };
        foreach (string arg in (IEnumerable<string>)[.. PodmanService.GlobalFlags, .. args])
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start podman.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout, await stderr);
    }

    public static async Task<string> RunCheckedAsync(IEnumerable<string> args, CancellationToken ct = default)
    {
        var result = await RunAsync(args, ct);
        return result.ExitCode == 0
            ? result.StdOut
            : throw new InvalidOperationException($"podman {string.Join(' ', args)} exited with {result.ExitCode}: {result.StdErr.Trim()}");
    }
}

/// <summary>
/// A Podman container from the busybox test image, <c>--network none</c>, removed by id on dispose. The ulimits are
/// the sandbox's own (Podman's defaults raise them, which this sandbox refuses).
/// </summary>
internal sealed class PodmanContainer : IAsyncDisposable
{
    private PodmanContainer(string id, string name)
    {
        Id = id;
        Name = name;
    }

    public string Id { get; }

    public string Name { get; }

    /// <param name="command">The container's command instead of the image's (<c>sleep infinity</c>).</param>
    public static async Task<PodmanContainer> StartAsync(string? user = null, string[]? command = null, string? image = null, string? label = null, CancellationToken ct = default)
    {
        string name = "filesync-podman-" + Guid.NewGuid().ToString("N")[..12];
        string idFile = Path.Combine(Path.GetTempPath(), name + ".cid");
        List<string> args = ["run", "-d", "--network", "none", "--name", name, "--label", "filesync.test=1", "--cidfile", idFile,
            "--ulimit", "nofile=1024:1024", "--ulimit", "nproc=1024:1024"];
        if (label is not null)
        {
            args.AddRange(["--label", label]);
        }

        if (user is not null)
        {
            args.AddRange(["--user", user]);
        }

        args.Add(image ?? PodmanCli.Image);
        args.AddRange(command ?? []);
        try
        {
            var result = await PodmanCli.RunAsync(args, ct);
            string id = File.Exists(idFile) ? (await File.ReadAllTextAsync(idFile, ct)).Trim() : string.Empty;
            if (result.ExitCode != 0 || id.Length != 64)
            {
                if (id.Length > 0)
                {
                    await PodmanCli.RunAsync(["rm", "-f", "-t", "0", id], CancellationToken.None);
                }

                throw new InvalidOperationException($"podman run exited with {result.ExitCode}: {result.StdErr.Trim()}");
            }

            return new PodmanContainer(id, name);
        }
        finally
        {
            File.Delete(idFile);
        }
    }

    /// <summary><c>podman exec &lt;id&gt; argv...</c>; stdout, throws on a non-zero exit.</summary>
    public Task<string> ExecAsync(params string[] argv) => PodmanCli.RunCheckedAsync(["exec", Id, .. argv], TestContext.Current.CancellationToken);

    public async Task<bool> ExistsAsync(string path)
    {
        var result = await PodmanCli.RunAsync(["exec", Id, "ls", "-d", "--", path], TestContext.Current.CancellationToken);
        return result.ExitCode == 0 || (result.StdErr.Contains("No such file or directory", StringComparison.Ordinal)
            ? false
            : throw new InvalidOperationException($"podman exec ls -d {path} exited with {result.ExitCode}: {result.StdErr.Trim()}"));
    }

    public async ValueTask DisposeAsync()
    {
        var result = await PodmanCli.RunAsync(["rm", "-f", "-t", "0", Id]);
        if (result.ExitCode != 0 && !result.StdErr.Contains("no such container", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"Could not remove Podman test container {Id}: {result.StdErr.Trim()}");
        }

        EndMonitors(Id);
    }

    /// <summary>
    /// Podman leaves a <c>conmon</c> per exec session running for its exit delay (5 minutes) after the container is
    /// gone; the test ends those of this container (their argv names it: <c>-c &lt;id&gt;</c>), by pid.
    /// </summary>
    private static void EndMonitors(string containerId)
    {
        foreach (string folder in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out int pid))
            {
                continue;
            }

            string[] argv;
            try
            {
                argv = File.ReadAllText(Path.Combine(folder, "cmdline")).Split('\0');
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                continue; // ended meanwhile
            }

            int c = Array.IndexOf(argv, "-c");
            if (argv.Length > 0 && Path.GetFileName(argv[0]) == "conmon" && c >= 0 && c + 1 < argv.Length && argv[c + 1] == containerId)
            {
                try
                {
                    using var monitor = System.Diagnostics.Process.GetProcessById(pid);
                    monitor.Kill();
                }
                catch (Exception e) when (e is ArgumentException or InvalidOperationException)
                {
                    // ended meanwhile
                }
            }
        }
    }
}
