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

    [Fact]
    public async Task A_user_given_by_name_is_resolved_through_the_containers_passwd()
    {
        await using var container = await TestContainer.StartAsync(user: "app", ct: TestContext.Current.CancellationToken);
        // Not the image's 1000:1000: ids that only /etc/passwd, read at sync time, can give.
        await AsRootAsync(container.Id, "sed", "-i", "s/^app:x:1000:1000:/app:x:2345:2346:/", "/etc/passwd");
        using var project = new ConsumerProject(package, "owner-by-name")
            .Rule("data/**/*", dest: "named")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("data/a.txt", "a\n");

        var result = (await project.SyncAsync()).Succeeded();

        Assert.DoesNotContain("FSYNC2009", result.Output, StringComparison.Ordinal);
        Assert.Equal(
            new Dictionary<string, string> { ["/app/named/data/a.txt"] = "2345:2346" },
            await InContainer.StatAllAsync(container.Id, "/app/named", "%u:%g"));
    }

    [Fact]
    public async Task A_user_name_not_in_passwd_warns_FSYNC2009_and_files_belong_to_root()
    {
        await using var container = await TestContainer.StartAsync(user: "app", ct: TestContext.Current.CancellationToken);
        // A container cannot start as a user its passwd lacks; the entry goes once it runs (as a setup script might do).
        await AsRootAsync(container.Id, "sed", "-i", "/^app:/d", "/etc/passwd");
        using var project = new ConsumerProject(package, "owner-unknown")
            .Rule("data/**/*", dest: "unknown")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("data/a.txt", "a\n");

        var result = (await project.SyncAsync()).Succeeded();

        string warning = Assert.Single(result.Output.Split('\n').Where(line => line.Contains("warning FSYNC2009:", StringComparison.Ordinal)).Select(line => line.Trim()).Distinct());
        Assert.Contains("'app'", warning, StringComparison.Ordinal);
        Assert.Contains(container.Name, warning, StringComparison.Ordinal);
        // (docker exec cannot run as the container's user any more: as root)
        Assert.Equal("0:0", (await AsRootAsync(container.Id, "stat", "-c", "%u:%g", "/app/unknown/data/a.txt")).Trim());
    }

    private static Task<string> AsRootAsync(string id, params string[] argv) =>
        DockerCli.RunCheckedAsync(["exec", "-u", "0", id, .. argv], TestContext.Current.CancellationToken);
}
