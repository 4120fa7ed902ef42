using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// <c>Include="**/*"</c> takes the project's files, never FileSync's own state and lock, and, like the SDK's default
/// items, not bin/ and obj/ unless <c>FileSyncExcludeBuildFolders=false</c>.
/// </summary>
public sealed class BuildFoldersTests(PackageFixture package)
{
    [Fact]
    public async Task Everything_syncs_twice_without_the_state_bin_or_obj_and_the_second_sync_sends_nothing()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "everything")
            .Rule("**/*", dest: "/app/src")
            .Property("FileSyncContainer", container.Id);
        project.WriteFile("wwwroot/site.css", "body{}\n");
        project.WriteFile("bin/Debug/leftover.dll", "not a source\n");

        (await project.SyncAsync()).Succeeded();
        var second = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.True(second.UpToDate, "the second sync sent something");
        Assert.Equal("body{}\n", await InContainer.CatAsync(container.Id, "/app/src/wwwroot/site.css"));
        Assert.True(await InContainer.ExistsAsync(container.Id, "/app/src/Consumer.csproj"));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/app/src/obj"));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/app/src/bin"));
    }

    [Fact]
    public async Task Build_folders_sync_when_asked_but_the_state_never_does()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "with-build-folders")
            .Rule("**/*", dest: "/app/src")
            .Property("FileSyncContainer", container.Id)
            .Property("FileSyncExcludeBuildFolders", "false");
        project.WriteFile("bin/Debug/leftover.dll", "a source now\n");

        (await project.SyncAsync()).Succeeded();
        (await project.SyncAsync()).Succeeded();

        Assert.Equal("a source now\n", await InContainer.CatAsync(container.Id, "/app/src/bin/Debug/leftover.dll"));
        Assert.True(await InContainer.ExistsAsync(container.Id, "/app/src/obj/project.assets.json"));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/app/src/obj/filesync"));
    }
}
