using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// The packed package against a real container with a broken obj/filesync, from each entry point (an explicit sync, the
/// after-build sync, a dry run): a coded FSYNC error naming the path, never MSB4018 or a stack trace, nothing sent.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class BrokenStateFolderTests(PackageFixture package)
{
    [Fact]
    public async Task A_folder_in_place_of_the_state_then_obj_filesync_as_a_file_are_coded_errors_from_every_entry_point()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "broken-state")
            .Rule("wwwroot/**/*", dest: "wwwroot", strip: "wwwroot/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("wwwroot/index.html", "first\n");
        (await project.SyncAsync()).Succeeded();
        string state = FaultKit.StateFile(project);
        string stateFolder = Path.GetDirectoryName(state)!;
        project.WriteFile("wwwroot/new.html", "new\n");

        File.Delete(state);
        Directory.CreateDirectory(Path.Combine(state, "inside"));
        foreach (string[] arguments in (string[][])[["-t:SyncToContainer"], ["-t:SyncToContainer", "-p:FileSyncDryRun=true"], []])
        {
            ProcessResult result = (await project.BuildAsync(arguments, ConsumerProject.WithoutCi)).Failed();

            string error = Assert.Single(FaultKit.Diagnostics(result, "error", "FSYNC3005"));
            Assert.Contains($"'{state}'", error, StringComparison.Ordinal);
            AssertNoCrash(result);
        }

        Directory.Delete(stateFolder, recursive: true);
        File.WriteAllText(stateFolder, "not a folder\n");
        foreach (string[] arguments in (string[][])[["-t:SyncToContainer"], []])
        {
            ProcessResult result = (await project.BuildAsync(arguments, ConsumerProject.WithoutCi)).Failed();

            Assert.Single(FaultKit.Diagnostics(result, "error", "FSYNC3004"));
            AssertNoCrash(result);
        }

        Assert.Equal(1, (await DockerCli.RunAsync(["exec", container.Id, "test", "-e", "/app/wwwroot/new.html"], TestContext.Current.CancellationToken)).ExitCode);
    }

    private static void AssertNoCrash(ProcessResult result)
    {
        Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\n\s+at [\w.]+\(", result.Output);
    }
}
