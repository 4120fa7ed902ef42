using System.Diagnostics;

namespace FileSync.Tests.Infrastructure;

/// <summary>The <c>docker</c> CLI, run with an argument list (never a shell string). An independent checker for our own client.</summary>
internal static class DockerCli
{
    public const string Image = "filesync-test:busybox";

    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static async Task<Result> RunAsync(IEnumerable<string> args, CancellationToken ct = default)
    {
        var psi = new ProcessStartInfo("docker")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start the docker CLI.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs the CLI and returns its stdout; throws (failing the test) on a non-zero exit.</summary>
    public static async Task<string> RunCheckedAsync(IEnumerable<string> args, CancellationToken ct = default)
    {
        var result = await RunAsync(args, ct);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"docker {string.Join(' ', args)} exited with {result.ExitCode}: {result.StdErr.Trim()}");
        }

        return result.StdOut;
    }
}

/// <summary>A container started from <see cref="DockerCli.Image"/> with <c>--network none</c>; removed by id on dispose.</summary>
internal sealed class TestContainer : IAsyncDisposable
{
    private TestContainer(string id, string name)
    {
        Id = id;
        Name = name;
    }

    public string Id { get; }

    public string Name { get; }

    /// <summary><c>docker run -d</c>: a running container; <paramref name="options"/> are more <c>docker run</c> options (e.g. <c>-v</c>),
    /// <paramref name="command"/> the container's command instead of the image's.</summary>
    public static Task<TestContainer> StartAsync(IReadOnlyDictionary<string, string>? labels = null, string? user = null, CancellationToken ct = default, IReadOnlyList<string>? options = null, IReadOnlyList<string>? command = null) =>
        RunAsync(["run", "-d", .. options ?? []], labels, user, ct, command);

    /// <summary><c>docker create</c>: a container that exists but never ran (e.g. with a user the image cannot start as).</summary>
    public static Task<TestContainer> CreateAsync(IReadOnlyDictionary<string, string>? labels = null, string? user = null, CancellationToken ct = default) =>
        RunAsync(["create"], labels, user, ct);

    private static async Task<TestContainer> RunAsync(string[] command, IReadOnlyDictionary<string, string>? labels, string? user, CancellationToken ct, IReadOnlyList<string>? containerCommand = null)
    {
        string name = "filesync-test-" + Guid.NewGuid().ToString("N")[..12];
        var args = new List<string>(command) { "--network", "none", "--name", name, "--label", "filesync.test=1" };
        foreach (var label in labels ?? new Dictionary<string, string>())
        {
            args.Add("--label");
            args.Add(label.Key + "=" + label.Value);
        }

        if (user is not null)
        {
            args.Add("--user");
            args.Add(user);
        }

        // The id file is written as soon as the container exists, so a container that fails to start is still removed by id.
        string idFile = Path.Combine(Path.GetTempPath(), name + ".cid");
        args.Add("--cidfile");
        args.Add(idFile);
        args.Add(DockerCli.Image);
        args.AddRange(containerCommand ?? []);
        try
        {
            var result = await DockerCli.RunAsync(args, ct);
            string id = File.Exists(idFile) ? (await File.ReadAllTextAsync(idFile, ct)).Trim() : string.Empty;
            if (result.ExitCode != 0 || id.Length != 64)
            {
                if (id.Length > 0)
                {
                    await DockerCli.RunAsync(["rm", "-f", "-v", id], CancellationToken.None);
                }

                throw new InvalidOperationException($"docker {command[0]} exited with {result.ExitCode}: {result.StdErr.Trim()}");
            }

            return new TestContainer(id, name);
        }
        finally
        {
            File.Delete(idFile);
        }
    }

    /// <summary><c>docker exec &lt;id&gt; argv...</c>; returns stdout, throws on a non-zero exit.</summary>
    public Task<string> ExecAsync(params string[] argv) => DockerCli.RunCheckedAsync(["exec", Id, .. argv]);

    /// <summary><c>docker exec &lt;id&gt; argv...</c> with its exit code.</summary>
    public Task<DockerCli.Result> TryExecAsync(params string[] argv) => DockerCli.RunAsync(["exec", Id, .. argv]);

    public Task RemoveAsync() => DockerCli.RunCheckedAsync(["rm", "-f", "-v", Id]);

    public async ValueTask DisposeAsync()
    {
        var result = await DockerCli.RunAsync(["rm", "-f", "-v", Id]);
        if (result.ExitCode != 0 && !result.StdErr.Contains("No such container", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Could not remove test container {Id}: {result.StdErr.Trim()}");
        }
    }
}

/// <summary>One running container shared by the tests of a class (xunit class fixture); removed by id at the end.
/// Tests that use it must not stop, restart or remove it, and must write only below paths of their own.</summary>
public sealed class SharedContainer : IAsyncLifetime
{
    private TestContainer? _container;

    internal TestContainer Container => _container ?? throw new InvalidOperationException("The shared container was not started.");

    public async ValueTask InitializeAsync() =>
        _container = await TestContainer.StartAsync(new Dictionary<string, string> { ["filesync.role"] = "web" });

    public ValueTask DisposeAsync() => _container?.DisposeAsync() ?? default;
}
