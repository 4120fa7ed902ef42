using System.IO.Compression;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// Packing does not depend on the current folder: a copy of the repository under a path with spaces packs, as a solution
/// and as the task project, from an unrelated working directory, into the same file list as the fixture's package.
/// </summary>
public sealed class PackFromAnywhereTests(PackageFixture package)
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(6);

    [Fact]
    public async Task A_repository_under_a_path_with_spaces_packs_from_a_foreign_folder()
    {
        string repo = CopySources(Path.Combine(package.RunDirectory, "pack " + Guid.NewGuid().ToString("N")[..8], "a repo"));
        string elsewhere = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "elsewhere-" + Guid.NewGuid().ToString("N")[..8])).FullName;

        // A solution of the two product projects: the repository's own also lists the tests, which this copy leaves out.
        await DotnetAsync(["new", "sln", "-n", "Packable", "-o", repo], elsewhere);
        string solution = Assert.Single(Directory.GetFiles(repo, "Packable.sln*"));
        await DotnetAsync(["sln", solution, "add", Path.Combine(repo, "src", "FileSync.Core"), Path.Combine(repo, "src", "FileSync.Tasks")], elsewhere);

        // The same file list as the package every other test uses (PackageContentsTests lists that one exactly).
        string[] expected = Entries(package.PackageDirectory);

        // First, outputs elsewhere (build/bench.sh packs so; nothing is in bin/ yet): the launcher is found where it
        // was built, not assumed in bin/.
        string withArtifacts = Path.Combine(elsewhere, "with artifacts path");
        await DotnetAsync(["pack", Path.Combine(repo, "src", "FileSync.Tasks"), "-c", "Release", "-o", withArtifacts, "--artifacts-path", Path.Combine(elsewhere, "artifacts"), "-p:UseSharedCompilation=false"], elsewhere);
        Assert.Equal(expected, Entries(withArtifacts));

        string fromSolution = Path.Combine(elsewhere, "from solution");
        await DotnetAsync(["pack", solution, "-c", "Release", "-o", fromSolution, "-p:UseSharedCompilation=false"], elsewhere);
        Assert.Equal(expected, Entries(fromSolution));

        string fromProject = Path.Combine(elsewhere, "from project");
        await DotnetAsync(["pack", Path.Combine(repo, "src", "FileSync.Tasks"), "-c", "Release", "--no-build", "-o", fromProject], elsewhere);
        Assert.Equal(expected, Entries(fromProject));

    }

    /// <summary>The files a pack reads: the repository's props, the package's build files, the README and src/ without outputs.</summary>
    private static string CopySources(string target)
    {
        string root = PackageFixture.FindRepositoryRoot();
        foreach (string file in (string[])["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props", "README.md", "NuGet.config", "global.json"])
        {
            CopyFile(root, target, file);
        }

        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "build"), "*", SearchOption.AllDirectories).Where(path => path.EndsWith(".props", StringComparison.Ordinal) || path.EndsWith(".targets", StringComparison.Ordinal)))
        {
            CopyFile(root, target, Path.GetRelativePath(root, file));
        }

        foreach (string file in Directory.EnumerateFiles(Path.Combine(root, "src"), "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(root, file);
            string[] parts = relative.Split(Path.DirectorySeparatorChar);
            if (!parts.Contains("bin") && !parts.Contains("obj"))
            {
                CopyFile(root, target, relative);
            }
        }

        return target;
    }

    private static void CopyFile(string root, string target, string relative)
    {
        string source = Path.Combine(root, relative);
        if (File.Exists(source))
        {
            string destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            File.Copy(source, destination);
        }
    }

    private static string[] Entries(string folder)
    {
        string nupkg = Assert.Single(Directory.GetFiles(folder, "FileSync.*.nupkg"));
        using ZipArchive zip = ZipFile.OpenRead(nupkg);
        return zip.Entries
            .Select(entry => entry.FullName)
            .Where(name => !name.StartsWith("package/", StringComparison.Ordinal) && !name.StartsWith("_rels/", StringComparison.Ordinal) && name != "[Content_Types].xml")
            .Order(StringComparer.Ordinal)
            .ToArray();
    }

    private static async Task DotnetAsync(string[] arguments, string workingDirectory)
    {
        var result = await ChildProcess.RunAsync(
            PackageFixture.DotnetHost,
            [.. arguments, .. arguments[0] is "pack" ? (string[])["-nologo", "-nodeReuse:false"] : []],
            workingDirectory,
            ConsumerProject.ChildEnvironment(packagesFolder: null),
            PackTimeout,
            TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(result.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
