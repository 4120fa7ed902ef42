using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>Through the packed package: the container's own folders keep their mode, owner and kind, and a file <-> folder
/// swap in the sources converges.</summary>
public sealed class ContainerFoldersTests(PackageFixture package)
{
    [Fact]
    public async Task Syncing_into_existing_system_folders_with_an_owner_changes_only_the_files_and_a_kind_swap_converges()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        await InContainer.ExecAsync(container.Id, "sh", "-c", "mkdir -p /var/lib/private-things && chmod 0710 /var/lib/private-things");
        using var project = new ConsumerProject(package, "container-folders")
            .Rule("rootfs/**/*", dest: "/", strip: "rootfs/")
            .Property("FileSyncContainer", container.Name)
            .Property("FileSyncOwner", "4321:4321");
        project.WriteFile("rootfs/tmp/drop/hello.txt", "hello\n");
        project.WriteFile("rootfs/var/lib/private-things/state.json", "{}\n");

        (await project.SyncAsync()).Succeeded();

        Assert.Equal("1777 0:0", await InContainer.StatAsync(container.Id, "%a %u:%g", "/tmp"));
        Assert.Equal("755 0:0", await InContainer.StatAsync(container.Id, "%a %u:%g", "/var/lib"));
        Assert.Equal("710 0:0", await InContainer.StatAsync(container.Id, "%a %u:%g", "/var/lib/private-things"));
        Assert.Equal("755 4321:4321", await InContainer.StatAsync(container.Id, "%a %u:%g", "/tmp/drop"));
        Assert.Equal("4321:4321", await InContainer.StatAsync(container.Id, "%u:%g", "/var/lib/private-things/state.json"));

        project.DeleteFile("rootfs/var/lib/private-things/state.json");
        project.WriteFile("rootfs/var/lib/private-things/state.json/v2.json", "{\"v\":2}\n");
        (await project.SyncAsync()).Succeeded();

        Assert.Equal("{\"v\":2}\n", await InContainer.CatAsync(container.Id, "/var/lib/private-things/state.json/v2.json"));
        Assert.Equal("710 0:0", await InContainer.StatAsync(container.Id, "%a %u:%g", "/var/lib/private-things"));
        Assert.Contains("up to date", (await project.SyncAsync()).Succeeded().Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_synced_file_the_container_replaced_with_a_folder_is_left_alone_when_the_source_goes_and_the_syncs_converge()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "container-made-folder")
            .Rule("cfg/**/*", dest: "/srv/cfg", strip: "cfg/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("cfg/cache.db", "from the host\n");
        project.WriteFile("cfg/other.txt", "other\n");
        (await project.SyncAsync()).Succeeded();

        // The app replaces the synced file with a folder of its own; then the user deletes the source.
        await InContainer.ExecAsync(container.Id, "sh", "-c", "rm /srv/cfg/cache.db && mkdir /srv/cfg/cache.db && echo precious > /srv/cfg/cache.db/data");
        project.DeleteFile("cfg/cache.db");
        project.DeleteFile("cfg/other.txt");

        ProcessResult result = (await project.SyncAsync()).Succeeded();

        string warning = Assert.Single(result.Output.Split('\n').Where(line => line.Contains("warning FSYNC2040:", StringComparison.Ordinal)).Select(line => line.Trim()).Distinct());
        Assert.Contains("'/srv/cfg/cache.db'", warning, StringComparison.Ordinal);
        Assert.Equal("precious\n", await InContainer.CatAsync(container.Id, "/srv/cfg/cache.db/data"));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/srv/cfg/other.txt"));
        Assert.True(SyncSummary.Single((await project.SyncAsync()).Succeeded()).UpToDate);
    }
}
