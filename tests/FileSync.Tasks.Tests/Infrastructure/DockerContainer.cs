using System.Diagnostics;

namespace FileSync.Tasks.Tests.Infrastructure;

/// <summary>
/// A running <c>filesync-test:busybox</c> container (<c>--network none</c>), started with the docker CLI and removed by
/// id on dispose. Docker missing makes the test fail, never skip.
/// </summary>
internal sealed class DockerContainer : IAsyncDisposable
{
    private DockerContainer(string id) => Id = id;

    public string Id { get; }

    public static async Task<DockerContainer> StartAsync()
    {
        string name = "filesync-tasks-test-" + Guid.NewGuid().ToString("N")[..12];
        // The id file exists as soon as the container does: a container that fails to start is still removed by id.
        string idFile = Path.Combine(Path.GetTempPath(), name + ".cid");
        try
        {
            (int exit, string output) = await RunAsync("run", "-d", "--network", "none", "--name", name, "--label", "filesync.test=1", "--cidfile", idFile, "filesync-test:busybox");
            string id = File.Exists(idFile) ? (await File.ReadAllTextAsync(idFile)).Trim() : "";
            if (exit != 0 || id.Length == 0)
            {
                if (id.Length > 0)
                {
                    await RunAsync("rm", "-f", "-v", id);
                }

                throw new InvalidOperationException($"docker run exited with {exit}: {output}");
            }

            return new DockerContainer(id);
        }
        finally
        {
            File.Delete(idFile);
        }
    }

    /// <summary><c>docker exec</c>; returns stdout, throws on a non-zero exit.</summary>
    public async Task<string> ExecAsync(params string[] argv)
    {
        (int exit, string output) = await RunAsync(["exec", Id, .. argv]);
        return exit == 0 ? output : throw new InvalidOperationException($"docker exec {string.Join(' ', argv)} exited with {exit}: {output}");
    }

    public async ValueTask DisposeAsync()
    {
        (int exit, string output) = await RunAsync("rm", "-f", "-v", Id);
        if (exit != 0 && !output.Contains("No such container", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Could not remove test container {Id}: {output}");
        }
    }

    /// <summary>The CLI with an argument list (never a shell string); stdout on success, stderr otherwise.</summary>
    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("docker") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the docker CLI.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        string output = await stdout, errors = await stderr;
        return (process.ExitCode, process.ExitCode == 0 ? output : errors.Trim());
    }
}
