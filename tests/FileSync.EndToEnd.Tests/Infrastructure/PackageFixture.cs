using System.Text.RegularExpressions;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

[assembly: AssemblyFixture(typeof(PackageFixture))]

namespace FileSync.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The packed FileSync package, once per test run: FILESYNC_PACKAGE_DIR (build/test.sh packs into artifacts/package),
/// else a <c>dotnet pack</c> of src/FileSync.Tasks into a temporary folder. Consumers restore it into a packages folder
/// of this run only, so a stale FileSync of the same version in ~/.nuget/packages is never used.
/// Also checks once that the Docker engine answers: without it the tests fail, they never skip.
/// </summary>
public sealed partial class PackageFixture : IAsyncLifetime
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(10);

    private DirectoryInfo? _run;

    /// <summary>The folder holding FileSync.&lt;version&gt;.nupkg (the consumers' only package source).</summary>
    public string PackageDirectory { get; private set; } = "";

    /// <summary>The .nupkg file itself.</summary>
    public string PackagePath { get; private set; } = "";

    /// <summary>The package's version, from its file name.</summary>
    public string Version { get; private set; } = "";

    /// <summary>RestorePackagesPath of every consumer: empty at the start of the run.</summary>
    public string PackagesFolder { get; private set; } = "";

    /// <summary>Where consumer projects and other per-test folders are created; deleted at the end of the run.</summary>
    public string RunDirectory => _run?.FullName ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>The dotnet host that runs these tests (DOTNET_HOST_PATH under dotnet test), else dotnet on PATH.</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    public async ValueTask InitializeAsync()
    {
        await EnsureDockerAnswersAsync();
        _run = Directory.CreateTempSubdirectory("filesync-e2e-");
        PackagesFolder = Directory.CreateDirectory(Path.Combine(RunDirectory, "packages")).FullName;

        string? given = Environment.GetEnvironmentVariable("FILESYNC_PACKAGE_DIR");
        PackageDirectory = string.IsNullOrWhiteSpace(given) ? await PackAsync() : Path.GetFullPath(given);
        (PackagePath, Version) = FindPackage(PackageDirectory);
    }

    public ValueTask DisposeAsync()
    {
        _run?.Delete(recursive: true);
        return ValueTask.CompletedTask;
    }

    private static async Task EnsureDockerAnswersAsync()
    {
        DockerCli.Result version;
        try
        {
            version = await DockerCli.RunAsync(["version", "--format", "{{.Server.Version}}"]);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("The docker CLI could not be started; run build/setup-docker.sh. " + e.Message, e);
        }

        if (version.ExitCode != 0)
        {
            throw new InvalidOperationException($"The Docker engine does not answer 'docker version' (exit {version.ExitCode}): {version.StdErr.Trim()}. Run build/setup-docker.sh.");
        }

        var image = await DockerCli.RunAsync(["image", "inspect", "--format", "{{.Id}}", DockerCli.Image]);
        if (image.ExitCode != 0)
        {
            throw new InvalidOperationException($"The test image {DockerCli.Image} is missing: {image.StdErr.Trim()}. Run build/setup-docker.sh.");
        }
    }

    /// <summary><c>dotnet pack src/FileSync.Tasks -c Release</c> into this run's folder, with its own artifacts folder.</summary>
    private async Task<string> PackAsync()
    {
        string repo = FindRepositoryRoot();
        string output = Path.Combine(RunDirectory, "package");
        var result = await ChildProcess.RunAsync(
            DotnetHost,
            [
                "pack", Path.Combine(repo, "src", "FileSync.Tasks"), "-c", "Release", "-o", output,
                "--artifacts-path", Path.Combine(RunDirectory, "pack-artifacts"),
                "-nologo", "-nodeReuse:false", "-p:UseSharedCompilation=false",
            ],
            RunDirectory, // packing does not depend on the current folder
            ConsumerProject.ChildEnvironment(packagesFolder: null),
            PackTimeout,
            CancellationToken.None);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException("Packing FileSync failed. " + result);
        }

        return output;
    }

    /// <summary>
    /// Walks up to the folder holding FileSync.sln from the test assembly, else (an --artifacts-path outside the
    /// repository) from this source file's compile-time path, else from the current directory.
    /// </summary>
    internal static string FindRepositoryRoot()
    {
        string[] starts = [AppContext.BaseDirectory, Path.GetDirectoryName(SourceFile()) ?? "", Environment.CurrentDirectory];
        foreach (string start in starts.Where(Path.IsPathFullyQualified))
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "FileSync.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No folder above {string.Join(" or ", starts)} holds FileSync.sln; set FILESYNC_PACKAGE_DIR to a folder with the packed FileSync.");
    }

    private static string SourceFile([System.Runtime.CompilerServices.CallerFilePath] string path = "") => path;

    private static (string Path, string Version) FindPackage(string folder)
    {
        if (!Directory.Exists(folder))
        {
            throw new InvalidOperationException($"The package folder '{folder}' (FILESYNC_PACKAGE_DIR) does not exist.");
        }

        var packages = Directory.EnumerateFiles(folder, "FileSync.*.nupkg")
            .Select(path => (Path: path, Match: PackageFileName().Match(System.IO.Path.GetFileName(path))))
            .Where(package => package.Match.Success)
            .ToList();
        if (packages.Count != 1)
        {
            throw new InvalidOperationException($"Expected exactly one FileSync.<version>.nupkg in '{folder}', found {packages.Count}: {string.Join(", ", packages.Select(p => p.Path))}.");
        }

        return (packages[0].Path, packages[0].Match.Groups["version"].Value);
    }

    [GeneratedRegex(@"^FileSync\.(?<version>\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\.nupkg$")]
    private static partial Regex PackageFileName();
}
