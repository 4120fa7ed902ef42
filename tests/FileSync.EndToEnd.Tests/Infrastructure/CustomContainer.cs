using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A container started with options the shared <see cref="TestContainer"/> does not take: a chosen name (to replace a
/// container by one of the same name), <c>-w</c>, another tag of the test image, or any other <c>docker run</c> option. <c>--network none</c>; removed by id.
/// </summary>
internal sealed class CustomContainer : IAsyncDisposable
{
    private CustomContainer(string id, string name)
    {
        Id = id;
        Name = name;
    }

    public string Id { get; }

    public string Name { get; }

    /// <param name="options">More <c>docker run</c> options, e.g. <c>--read-only</c>.</param>
    public static async Task<CustomContainer> StartAsync(string? name = null, string? workingDirectory = null, string image = DockerCli.Image, IReadOnlyList<string>? options = null)
    {
        name ??= NewName();
        var args = new List<string> { "run", "-d", "--network", "none", "--name", name, "--label", "filesync.test=1" };
        if (workingDirectory is not null)
        {
            args.Add("-w");
            args.Add(workingDirectory);
        }

        args.AddRange(options ?? []);

        // The id file is written as soon as the container exists, so one that fails to start is still removed by id.
        string idFile = Path.Combine(Path.GetTempPath(), name + "-" + Guid.NewGuid().ToString("N")[..8] + ".cid");
        args.Add("--cidfile");
        args.Add(idFile);
        args.Add(image);
        try
        {
            var result = await DockerCli.RunAsync(args, TestContext.Current.CancellationToken);
            string id = File.Exists(idFile) ? (await File.ReadAllTextAsync(idFile, TestContext.Current.CancellationToken)).Trim() : string.Empty;
            if (result.ExitCode != 0 || id.Length != 64)
            {
                if (id.Length > 0)
                {
                    await DockerCli.RunAsync(["rm", "-f", "-v", id], CancellationToken.None);
                }

                throw new InvalidOperationException($"docker run exited with {result.ExitCode}: {result.StdErr.Trim()}");
            }

            return new CustomContainer(id, name);
        }
        finally
        {
            File.Delete(idFile);
        }
    }

    /// <summary>A container name no other test uses.</summary>
    public static string NewName() => "filesync-e2e-" + Guid.NewGuid().ToString("N")[..12];

    public async ValueTask DisposeAsync()
    {
        var result = await DockerCli.RunAsync(["rm", "-f", "-v", Id]);
        if (result.ExitCode != 0 && !result.StdErr.Contains("No such container", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"Could not remove test container {Id}: {result.StdErr.Trim()}");
        }
    }
}
