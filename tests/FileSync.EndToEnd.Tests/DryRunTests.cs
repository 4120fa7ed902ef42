using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>FileSyncDryRun prints the plan (copies and deletes) and touches nothing.</summary>
public sealed class DryRunTests(PackageFixture package)
{
    [Fact]
    public async Task A_dry_run_prints_the_plan_and_leaves_the_container_unchanged()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "dry-run")
            .Rule("web/*", dest: "/srv", strip: "web/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("web/changed.txt", "old\n");
        project.WriteFile("web/removed.txt", "removed\n");
        (await project.SyncAsync()).Succeeded();
        var before = await InContainer.Md5sumsAsync(container.Id, "/srv");

        project.WriteFile("web/changed.txt", "new content\n");
        project.WriteFile("web/added.txt", "added\n");
        project.DeleteFile("web/removed.txt");
        var result = (await project.SyncAsync("-p:FileSyncDryRun=true")).Succeeded();

        string[] plan = result.Output.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith("copy ", StringComparison.Ordinal) || line.StartsWith("delete ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(["copy   web/added.txt -> /srv/added.txt  [FileSyncRule Dest='/srv' Strip='web/']", "copy   web/changed.txt -> /srv/changed.txt  [FileSyncRule Dest='/srv' Strip='web/']", "delete /srv/removed.txt"], plan);
        Assert.Contains($"FileSync (dry run): 2 to copy, 1 to delete", result.Output, StringComparison.Ordinal);
        Assert.Empty(SyncSummary.All(result.Output));
        Assert.Equal(before, await InContainer.Md5sumsAsync(container.Id, "/srv"));

        // Nothing was recorded either: the real sync that follows does what the dry run showed.
        var real = SyncSummary.Single((await project.SyncAsync()).Succeeded());
        Assert.Equal((2, 1), (real.Changed, real.Deleted));
        Assert.Equal("new content\n", await InContainer.CatAsync(container.Id, "/srv/changed.txt"));
    }
}
