using System.Diagnostics;
using System.Formats.Tar;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A container of the chiseled-like image (build/chiseled-image.sh: the machine's .NET runtime, no shell, no rm, no tar,
/// USER 1654) running <c>dotnet filesync-launcher.dll Consumer.dll</c> from a project's build output, copied to /app
/// before it starts. <c>--network none</c>; removed by id.
/// </summary>
internal sealed class ChiseledApp : IAsyncDisposable
{
    public const string Image = "filesync-test:chiseled";

    /// <summary>The same with the ASP.NET Core runtime (<c>build/chiseled-image.sh --aspnet</c>).</summary>
    public const string AspNetImage = "filesync-test:chiseled-aspnet";

    private static readonly SemaphoreSlim ImageGate = new(1, 1);
    private static readonly HashSet<string> ReadyImages = [];

    private ChiseledApp(string id, string name)
    {
        Id = id;
        Name = name;
    }

    public string Id { get; }

    public string Name { get; }

    /// <summary>Builds the image once per run (the script keeps an image of its recipe's version).</summary>
    public static async Task EnsureImageAsync(string image = Image)
    {
        await ImageGate.WaitAsync(TestContext.Current.CancellationToken);
        try
        {
            if (!ReadyImages.Contains(image))
            {
                string[] argv = [Path.Combine(Repository.Root, "build", "chiseled-image.sh"), .. image == AspNetImage ? ["--aspnet"] : Array.Empty<string>()];
                ProcessResult result = await ChildProcess.RunAsync("bash", argv, Repository.Root,
                    new Dictionary<string, string?>(), TimeSpan.FromMinutes(5), TestContext.Current.CancellationToken);
                Assert.True(result.ExitCode == 0, result.ToString());
                ReadyImages.Add(image);
            }
        }
        finally
        {
            ImageGate.Release();
        }
    }

    /// <param name="outputFolder">The build output (bin/Debug/net10.0) holding Consumer.dll and filesync-launcher.dll.</param>
    /// <param name="command">What follows the image's ENTRYPOINT (dotnet).</param>
    public static Task<ChiseledApp> StartAsync(string outputFolder, params string[] command) =>
        StartAsync(Image, ["--network", "none"], "/app", outputFolder, command);

    /// <summary>A container of <paramref name="image"/> (<c>docker create</c> <paramref name="options"/>) with the build
    /// output copied to <paramref name="folder"/>, made with its parents if the image has none.</summary>
    public static async Task<ChiseledApp> StartAsync(string image, IReadOnlyList<string> options, string folder, string outputFolder, IReadOnlyList<string> command)
    {
        await EnsureImageAsync(image);
        string name = CustomContainer.NewName();
        string id = (await DockerCli.RunCheckedAsync(["create", .. options, "--name", name, "--label", "filesync.test=1", image, .. command], TestContext.Current.CancellationToken)).Trim();
        var app = new ChiseledApp(id, name);
        string staging = Path.Combine(Path.GetTempPath(), "chiseled-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            // docker cp makes the last folder of a destination, not its parents: stage the whole path below /.
            string below = Path.Combine(staging, folder.Trim('/'));
            Directory.CreateDirectory(below);
            foreach (string file in Directory.EnumerateFiles(outputFolder, "*", SearchOption.AllDirectories))
            {
                string copy = Path.Combine(below, Path.GetRelativePath(outputFolder, file));
                Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
                File.Copy(file, copy);
            }

            await DockerCli.RunCheckedAsync(["cp", staging + "/.", id + ":/"], TestContext.Current.CancellationToken);
            await DockerCli.RunCheckedAsync(["start", id], TestContext.Current.CancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        finally
        {
            Directory.Delete(staging, recursive: true);
        }
    }

    /// <summary>State.StartedAt: changes when the container restarts, not when a process inside it does.</summary>
    public async Task<string> StartedAtAsync() => (await DockerCli.RunCheckedAsync(["inspect", "-f", "{{.State.StartedAt}} {{.State.Running}}", Id], TestContext.Current.CancellationToken)).Trim();

    /// <summary>The container's log (stdout and stderr), one entry per line.</summary>
    public async Task<List<string>> LogAsync()
    {
        DockerCli.Result result = await DockerCli.RunAsync(["logs", Id], TestContext.Current.CancellationToken);
        return (result.StdOut + result.StdErr).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.TrimEnd('\r')).ToList();
    }

    /// <summary>Follows the log (<c>docker logs -f</c>) until a line equals <paramref name="line"/> (a minute at most).</summary>
    public async Task WaitForLineAsync(string line)
    {
        var start = new ProcessStartInfo("docker") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in (string[])["logs", "-f", Id])
        {
            start.ArgumentList.Add(arg);
        }

        using var follow = Process.Start(start)!;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TimeSpan.FromMinutes(1));
        try
        {
            Task<bool> stdout = ContainsLineAsync(follow.StandardOutput, line, timeout.Token);
            Task<bool> stderr = ContainsLineAsync(follow.StandardError, line, timeout.Token);
            Task<bool> first = await Task.WhenAny(stdout, stderr);
            bool found = await first || (await Task.WhenAll(stdout, stderr)).Any(x => x);
            Assert.True(found, $"'{line}' never appeared in the log of {Name}:\n{string.Join('\n', await LogAsync())}");
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            Assert.Fail($"'{line}' did not appear within a minute in the log of {Name}:\n{string.Join('\n', await LogAsync())}");
        }
        finally
        {
            follow.Kill();
        }
    }

    private static async Task<bool> ContainsLineAsync(StreamReader reader, string line, CancellationToken cancellationToken)
    {
        while (await reader.ReadLineAsync(cancellationToken) is { } read)
        {
            if (read.TrimEnd('\r') == line)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A file's bytes and owner read back with <c>docker cp container:path -</c> (the image has no cat, no stat); null when missing.</summary>
    public async Task<(byte[] Content, int Uid, int Gid)?> ReadAsync(string path)
    {
        var start = new ProcessStartInfo("docker") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in (string[])["cp", Id + ":" + path, "-"])
        {
            start.ArgumentList.Add(arg);
        }

        using var copy = Process.Start(start)!;
        var archive = new MemoryStream();
        Task<string> error = copy.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await copy.StandardOutput.BaseStream.CopyToAsync(archive, TestContext.Current.CancellationToken);
        await copy.WaitForExitAsync(TestContext.Current.CancellationToken);
        if (copy.ExitCode != 0)
        {
            string message = await error;
            return message.Contains("Could not find the file", StringComparison.Ordinal) || message.Contains("No such", StringComparison.Ordinal) || message.Contains("not a directory", StringComparison.Ordinal)
                ? null
                : throw new InvalidOperationException($"docker cp {Id}:{path} - exited with {copy.ExitCode}: {message}");
        }

        archive.Position = 0;
        using var reader = new TarReader(archive);
        TarEntry entry = reader.GetNextEntry() ?? throw new InvalidOperationException($"docker cp {Id}:{path} - gave an empty archive");
        var content = new MemoryStream();
        entry.DataStream?.CopyTo(content);
        return (content.ToArray(), entry.Uid, entry.Gid);
    }

    public async ValueTask DisposeAsync()
    {
        var result = await DockerCli.RunAsync(["rm", "-f", "-v", Id]);
        if (result.ExitCode != 0 && !result.StdErr.Contains("No such container", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Could not remove test container {Id}: {result.StdErr.Trim()}");
        }
    }
}
