using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// FileSyncSelector and FileSyncImage pick every matching running container. Each test narrows the match to
/// containers it started (a label or an image tag of this test only), so no other test's container is written to.
/// </summary>
public sealed class SelectorsTests(PackageFixture package)
{
    [Fact]
    public async Task A_label_selector_syncs_every_matching_container_and_no_other()
    {
        string run = Guid.NewGuid().ToString("N")[..12];
        var web = new Dictionary<string, string> { ["com.docker.compose.service"] = "web", ["filesync.e2e.run"] = run };
        await using var first = await TestContainer.StartAsync(web, ct: TestContext.Current.CancellationToken);
        await using var second = await TestContainer.StartAsync(web, ct: TestContext.Current.CancellationToken);
        await using var other = await TestContainer.StartAsync(new Dictionary<string, string> { ["filesync.e2e.run"] = run }, ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "selector")
            .Rule("app.json", dest: ".")
            .Property("FileSyncSelector", $"com.docker.compose.service=web,filesync.e2e.run={run}");
        project.WriteFile("app.json", "{ \"replica\": true }\n");

        var result = (await project.SyncAsync()).Succeeded();

        AssertSyncedOnce(result, first.Id, second.Id);
        Assert.Equal("{ \"replica\": true }\n", await InContainer.CatAsync(first.Id, "/app/app.json"));
        Assert.Equal("{ \"replica\": true }\n", await InContainer.CatAsync(second.Id, "/app/app.json"));
        Assert.False(await InContainer.ExistsAsync(other.Id, "/app/app.json"));
    }

    [Fact]
    public async Task An_image_picks_every_running_container_of_that_image()
    {
        // A tag of the test image for this test only: other tests' containers of filesync-test:busybox are never matched.
        string image = "filesync-e2e-" + Guid.NewGuid().ToString("N")[..12];
        await DockerCli.RunCheckedAsync(["tag", DockerCli.Image, image + ":latest"], TestContext.Current.CancellationToken);
        try
        {
            await using var first = await CustomContainer.StartAsync(image: image);
            await using var second = await CustomContainer.StartAsync(image: image);
            await using var other = await CustomContainer.StartAsync();
            using var project = new ConsumerProject(package, "image")
                .Rule("app.json", dest: "/config")
                .Property("FileSyncImage", image);
            project.WriteFile("app.json", "{ \"image\": true }\n");

            var result = (await project.SyncAsync()).Succeeded();

            AssertSyncedOnce(result, first.Id, second.Id);
            Assert.Equal("{ \"image\": true }\n", await InContainer.CatAsync(first.Id, "/config/app.json"));
            Assert.Equal("{ \"image\": true }\n", await InContainer.CatAsync(second.Id, "/config/app.json"));
            Assert.False(await InContainer.ExistsAsync(other.Id, "/config/app.json"));
        }
        finally
        {
            await DockerCli.RunAsync(["rmi", image + ":latest"], CancellationToken.None);
        }
    }

    /// <summary>One summary line per instance, exactly for these containers, each with the one file sent.</summary>
    private static void AssertSyncedOnce(ProcessResult result, params string[] containerIds)
    {
        IReadOnlyList<SyncSummary> summaries = SyncSummary.All(result.Output);
        Assert.Equal(containerIds.Select(id => id[..12]).Order(StringComparer.Ordinal), summaries.Select(summary => summary.ShortId).Order(StringComparer.Ordinal));
        Assert.All(summaries, summary => Assert.Equal((false, 1, 0), (summary.UpToDate, summary.Changed, summary.Deleted)));
    }
}
