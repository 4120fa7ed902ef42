using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>A sync with nothing changed sends nothing: a file changed inside the container is left as it is.</summary>
public sealed class NoOpTests(PackageFixture package)
{
    [Fact]
    public async Task A_second_sync_sends_nothing_even_when_a_file_was_only_touched()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "no-op")
            .Rule("config/*.json", dest: "/etc/app")
            .Property("FileSyncContainer", container.Id);
        project.WriteFile("config/settings.json", "{ \"a\": 1 }\n");
        (await project.SyncAsync()).Succeeded();
        Assert.Equal("{ \"a\": 1 }\n", await InContainer.CatAsync(container.Id, "/etc/app/config/settings.json"));

        // Changed behind FileSync's back, inside the container: only a sync that sends the file would undo it.
        await InContainer.ExecAsync(container.Id, "cp", "/etc/group", "/etc/app/config/settings.json");
        string tampered = await InContainer.CatAsync(container.Id, "/etc/group");

        var second = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((true, container.Name, container.Id[..12]), (second.UpToDate, second.Name, second.ShortId));
        Assert.Equal(tampered, await InContainer.CatAsync(container.Id, "/etc/app/config/settings.json"));

        // A new modification time with the same content: the hash confirms nothing changed.
        File.SetLastWriteTimeUtc(project.PathOf("config/settings.json"), File.GetLastWriteTimeUtc(project.PathOf("config/settings.json")).AddMinutes(-5));
        var touched = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.True(touched.UpToDate);
        Assert.Equal(tampered, await InContainer.CatAsync(container.Id, "/etc/app/config/settings.json"));
    }
}
