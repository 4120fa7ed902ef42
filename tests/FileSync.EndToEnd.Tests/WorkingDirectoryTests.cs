using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>A relative Dest is under the container's working directory; FileSyncWorkingDirectory overrides it.</summary>
public sealed class WorkingDirectoryTests(PackageFixture package)
{
    [Fact]
    public async Task Relative_dest_follows_the_containers_working_directory_unless_overridden()
    {
        await using var container = await CustomContainer.StartAsync(workingDirectory: "/srv/site");
        using var project = new ConsumerProject(package, "working-directory")
            .Rule("public/*.txt", dest: "static", strip: "public/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("public/hello.txt", "hello\n");

        (await project.SyncAsync()).Succeeded();

        Assert.Equal("hello\n", await InContainer.CatAsync(container.Id, "/srv/site/static/hello.txt"));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/app/static"));

        var overridden = SyncSummary.Single((await project.SyncAsync("-p:FileSyncWorkingDirectory=/opt/override")).Succeeded());

        Assert.Equal("hello\n", await InContainer.CatAsync(container.Id, "/opt/override/static/hello.txt"));
        // The file's old destination is no longer owned by any source: it is deleted.
        Assert.Equal((1, 1), (overridden.Changed, overridden.Deleted));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/srv/site/static/hello.txt"));
    }
}
