using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// The after-build hook: a plain <c>dotnet build</c> syncs when a container is configured, MSBuild skips the sync when
/// nothing changed, and CI turns the hook off.
/// </summary>
public sealed class AfterBuildTests(PackageFixture package)
{
    [Fact]
    public async Task A_plain_build_syncs_skips_when_nothing_changed_and_stays_off_in_CI()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "after-build")
            .Rule("wwwroot/**/*", dest: "wwwroot", strip: "wwwroot/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("wwwroot/index.html", "first\n");

        var first = SyncSummary.Single((await project.BuildAsync([], ConsumerProject.WithoutCi)).Succeeded());

        Assert.Equal((1, container.Id[..12]), (first.Changed, first.ShortId));
        Assert.Equal("first\n", await InContainer.CatAsync(container.Id, "/app/wwwroot/index.html"));

        var unchanged = (await project.BuildAsync(["-v:d"], ConsumerProject.WithoutCi)).Succeeded();

        Assert.Contains("Skipping target \"_FileSyncSync\"", unchanged.Output, StringComparison.Ordinal);
        Assert.Empty(SyncSummary.All(unchanged.Output));

        project.WriteFile("wwwroot/index.html", "second\n");
        var edited = SyncSummary.Single((await project.BuildAsync([], ConsumerProject.WithoutCi)).Succeeded());

        Assert.Equal((1, 0), (edited.Changed, edited.Deleted));
        Assert.Equal("second\n", await InContainer.CatAsync(container.Id, "/app/wwwroot/index.html"));

        project.WriteFile("wwwroot/index.html", "third\n");
        var inCi = (await project.BuildAsync(["-v:d"], new Dictionary<string, string?> { ["CI"] = "true", ["ContinuousIntegrationBuild"] = null })).Succeeded();

        Assert.DoesNotContain("Target \"_FileSyncSync\"", inCi.Output, StringComparison.Ordinal);
        Assert.Empty(SyncSummary.All(inCi.Output));
        Assert.Equal("second\n", await InContainer.CatAsync(container.Id, "/app/wwwroot/index.html"));
    }
}
