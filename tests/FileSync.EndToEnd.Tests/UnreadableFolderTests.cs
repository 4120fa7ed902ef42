using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// A source folder the user cannot read is not a deleted folder: MSBuild's glob skips it without a word, so its files
/// leave the rule items, but their copies stay in the target. Run for real as a non-root user (uid 1000 through
/// setpriv): root reads through chmod 000.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class UnreadableFolderTests(PackageFixture package)
{
    private const string User = "1000";

    [Theory]
    [InlineData(false)]
    [InlineData(true)] // the rule in a skaffold.yaml: FileSync's own walk skips the folder as MSBuild's glob does
    public async Task Files_below_a_folder_chmod_000_stay_in_the_target_with_a_warning(bool fromSkaffoldYaml)
    {
        string target = Directory.CreateTempSubdirectory("filesync-unreadable-").FullName;
        using var project = new ConsumerProject(package, "unreadable")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", target);
        if (fromSkaffoldYaml)
        {
            project.WriteFile("skaffold.yaml", "apiVersion: skaffold/v4beta11\nbuild:\n  artifacts:\n  - image: app\n    sync:\n      manual:\n      - {src: 'src/**/*', dest: /app, strip: src/}\n");
        }
        else
        {
            project.Rule("src/**/*", dest: "/app", strip: "src/");
        }

        project.WriteFile("src/locked/l1.txt", "kept\n");
        project.WriteFile("src/open.txt", "open\n");
        project.WriteFile("src/gone.txt", "deleted for real\n");
        (await project.SyncAsync()).Succeeded(); // as root: restores, and the first sync sends all three
        Assert.Equal("kept\n", File.ReadAllText(Path.Combine(target, "app/locked/l1.txt")));

        // The run's folder is 0700 (a temp folder): let the user through it to the project and the packages.
        File.SetUnixFileMode(package.RunDirectory, File.GetUnixFileMode(package.RunDirectory) | UnixFileMode.OtherExecute);
        string home = Directory.CreateTempSubdirectory("filesync-home-").FullName;
        foreach (string path in (string[])[project.Directory, target, home])
        {
            await RunCheckedAsync("chown", "-R", $"{User}:{User}", "--", path);
        }

        File.SetUnixFileMode(project.PathOf("src/locked"), UnixFileMode.None);
        project.DeleteFile("src/gone.txt");
        try
        {
            ProcessResult result = await SyncAsUserAsync(project, home);

            Assert.True(result.ExitCode == 0, result.ToString());
            Assert.True(File.Exists(Path.Combine(target, "app/locked/l1.txt")), "the unreadable file was deleted in the target. " + result);
            Assert.Equal("kept\n", File.ReadAllText(Path.Combine(target, "app/locked/l1.txt")));
            Assert.Contains("warning FSYNC1014", result.Output, StringComparison.Ordinal);
            Assert.Contains(project.PathOf("src/locked"), result.Output, StringComparison.Ordinal);
            Assert.False(File.Exists(Path.Combine(target, "app/gone.txt")), "a file deleted for real is still deleted");
            Assert.Equal("open\n", File.ReadAllText(Path.Combine(target, "app/open.txt")));
        }
        finally
        {
            File.SetUnixFileMode(project.PathOf("src/locked"), (UnixFileMode)0b111_101_101);
            Directory.Delete(home, recursive: true);
            Directory.Delete(target, recursive: true);
        }
    }

    private async Task<ProcessResult> SyncAsUserAsync(ConsumerProject project, string home)
    {
        var env = ConsumerProject.ChildEnvironment(package.PackagesFolder);
        env["HOME"] = home;
        env["DOTNET_CLI_HOME"] = home;
        ProcessResult result = await ChildProcess.RunAsync(
            "setpriv",
            ["--reuid", User, "--regid", User, "--clear-groups", "--", PackageFixture.DotnetHost, "build", project.ProjectPath, "-nologo", "-nodeReuse:false", "-tl:off", "--no-restore", "-t:SyncToContainer"],
            project.Directory,
            env,
            TimeSpan.FromMinutes(4),
            TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(result.ToString());
        return result;
    }

    private static async Task RunCheckedAsync(string program, params string[] arguments)
    {
        ProcessResult result = await ChildProcess.RunAsync(program, arguments, "/", new Dictionary<string, string?>(), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.ToString());
    }
}
