using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>A container without <c>rm</c> (distroless-like): deletes cannot happen, and the build says so without failing.</summary>
public sealed class NoRmTests(PackageFixture package)
{
    [Fact]
    public async Task A_delete_without_rm_warns_with_FSYNC2006_and_leaves_the_file()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "no-rm")
            .Rule("keep.txt;gone.txt", dest: "files")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("keep.txt", "keep\n");
        project.WriteFile("gone.txt", "gone\n");
        (await project.SyncAsync()).Succeeded();
        await InContainer.ExecAsync(container.Id, "rm", "/bin/rm");

        project.DeleteFile("gone.txt");
        var result = (await project.SyncAsync()).Succeeded();

        string warning = Assert.Single(result.Output.Split('\n').Where(line => line.Contains("warning FSYNC2006:", StringComparison.Ordinal)).Select(line => line.Trim()).Distinct());
        Assert.Contains("/app/files/gone.txt", warning, StringComparison.Ordinal);
        Assert.Contains(container.Name, warning, StringComparison.Ordinal);
        Assert.Equal("gone\n", await InContainer.CatAsync(container.Id, "/app/files/gone.txt"));
        Assert.Equal("keep\n", await InContainer.CatAsync(container.Id, "/app/files/keep.txt"));
    }
}
