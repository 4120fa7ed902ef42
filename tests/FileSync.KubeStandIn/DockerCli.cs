using System.Diagnostics;

namespace FileSync.KubeStandIn;

/// <summary>The <c>docker</c> CLI, always with an argument list (never a shell string).</summary>
internal static class DockerCli
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, bool redirectStdin)
    {
        var psi = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = redirectStdin,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        return psi;
    }

    public static async Task<Result> RunAsync(IEnumerable<string> args, CancellationToken ct = default)
    {
        using var process = Process.Start(StartInfo(args, redirectStdin: true))
            ?? throw new InvalidOperationException("Could not start the docker CLI.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static async Task<string> RunCheckedAsync(IReadOnlyList<string> args, CancellationToken ct = default)
    {
        var result = await RunAsync(args, ct);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker {string.Join(' ', args)} exited with {result.ExitCode}: {result.StdErr.Trim()}");
        }

        return result.StdOut;
    }

    /// <summary>
    /// <c>docker run -d --network none</c>; returns the new container's id and its image's id once it runs. The id file is written as soon
    /// as the container exists, so <paramref name="started"/> learns a container that failed to start too (removed by id).
    /// </summary>
    public static async Task<(string Id, string ImageId)> RunContainerAsync(string name, StandInContainer spec, Action<string> started, CancellationToken ct)
    {
        string idFile = Path.Combine(Path.GetTempPath(), name + ".cid");
        var args = new List<string> { "run", "-d", "--network", "none", "--name", name, "--label", "filesync.kstand=1", "--cidfile", idFile };
        if (spec.WorkingDir is not null)
        {
            args.Add("--workdir");
            args.Add(spec.WorkingDir);
        }

        if (spec.Command is { Count: > 0 } command)
        {
            args.Add("--entrypoint");
            args.Add(command[0]);
        }

        args.Add(spec.Image);
        if (spec.Command is { Count: > 1 })
        {
            args.AddRange(spec.Command.Skip(1));
        }

        try
        {
            var result = await RunAsync(args, ct);
            string id = File.Exists(idFile) ? (await File.ReadAllTextAsync(idFile, ct)).Trim() : string.Empty;
            if (id.Length > 0)
            {
                started(id);
            }

            if (result.ExitCode != 0 || id.Length != 64)
            {
                throw new InvalidOperationException($"docker run for {name} exited with {result.ExitCode}: {result.StdErr.Trim()}");
            }

            // Readiness: the container must be running now (an image whose command exits at once is a test error).
            string[] state = (await RunCheckedAsync(["inspect", "--format", "{{.State.Running}} {{.Image}}", id], ct)).Trim().Split(' ');
            if (state[0] != "true")
            {
                throw new InvalidOperationException($"Container {name} ({spec.Image}) is not running after docker run: give it a long-running command.");
            }

            return (id, state[1]);
        }
        finally
        {
            File.Delete(idFile);
        }
    }

    /// <summary><c>docker rm -f -v</c> by id; a container already gone is fine.</summary>
    public static async Task RemoveAsync(IReadOnlyCollection<string> ids)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var result = await RunAsync(["rm", "-f", "-v", .. ids], CancellationToken.None);
        if (result.ExitCode != 0 && !result.StdErr.Contains("No such container", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Could not remove stand-in containers: {result.StdErr.Trim()}");
        }
    }
}
