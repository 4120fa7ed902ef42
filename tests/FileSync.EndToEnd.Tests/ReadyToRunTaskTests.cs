using System.Runtime.InteropServices;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>The SDK 10 MSBuild on linux-x64 loads the package's ReadyToRun task assembly, and it syncs like the portable one.</summary>
public sealed class ReadyToRunTaskTests(PackageFixture package)
{
    [Fact]
    public async Task The_SDK_here_loads_the_ReadyToRun_task_and_it_syncs()
    {
        // The SDK's MSBuild runs on the same dotnet as this test; the package has ReadyToRun code for net10.0 linux-x64.
        Assert.Equal(("net10", "linux-x64"), ($"net{Environment.Version.Major}", RuntimeInformation.RuntimeIdentifier));
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "r2r-root-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "r2r")
            .Rule("assets/**/*", dest: "/srv", strip: "assets/")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root);
        project.WriteFile("assets/a.txt", "ready\n");

        ProcessResult result = (await project.SyncAsync("-v:d")).Succeeded();

        string expected = Path.Combine("tasks", "net10.0-linux-x64", "FileSync.Tasks.dll");
        string line = Assert.Single(result.Output.Split('\n'), l => l.Contains("Using \"SyncFiles\" task from assembly", StringComparison.Ordinal));
        Assert.Contains(expected, line.Replace('\\', '/').Replace("/../", "/", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal("ready\n", File.ReadAllText(Path.Combine(root, "srv", "a.txt")));
    }
}
