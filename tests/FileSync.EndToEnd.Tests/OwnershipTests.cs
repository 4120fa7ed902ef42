using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>Synced files belong to the container's user; FileSyncOwner overrides it (and resends what is there).</summary>
public sealed class OwnershipTests(PackageFixture package)
{
    [Fact]
    public async Task Files_belong_to_the_container_user_unless_FileSyncOwner_says_otherwise()
    {
        await using var container = await TestContainer.StartAsync(user: "1000:1000", ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "ownership")
            .Rule("data/**/*", dest: "owned")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("data/top.txt", "top\n");
        project.WriteFile("data/sub/nested.txt", "nested\n");

        (await project.SyncAsync()).Succeeded();

        Assert.Equal(
            new Dictionary<string, string> { ["/app/owned/data/top.txt"] = "1000:1000", ["/app/owned/data/sub/nested.txt"] = "1000:1000" },
            await InContainer.StatAllAsync(container.Id, "/app/owned", "%u:%g"));
        Assert.Equal("1000:1000", await InContainer.StatAsync(container.Id, "%u:%g", "/app/owned/data/sub"));

        var overridden = SyncSummary.Single((await project.SyncAsync("-p:FileSyncOwner=1234:5678")).Succeeded());

        Assert.Equal(2, overridden.Changed);
        Assert.Equal(
            new Dictionary<string, string> { ["/app/owned/data/top.txt"] = "1234:5678", ["/app/owned/data/sub/nested.txt"] = "1234:5678" },
            await InContainer.StatAllAsync(container.Id, "/app/owned", "%u:%g"));
    }
}
