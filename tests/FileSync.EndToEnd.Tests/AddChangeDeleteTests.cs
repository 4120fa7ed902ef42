using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>Added, changed and deleted files land in the container (relative Dest under its WORKDIR, /app).</summary>
public sealed class AddChangeDeleteTests(PackageFixture package)
{
    [Fact]
    public async Task Added_changed_and_deleted_files_reach_the_container()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "add-change-delete")
            .Rule("site/**/*", dest: "www", strip: "site/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("site/index.html", "<h1>one</h1>\n");
        project.WriteFile("site/css/app.css", "body { color: red; }\n");
        project.WriteFile("site/js/app.js", "console.log('one');\n");

        var added = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((false, 3, 0, "docker", container.Name, container.Id[..12]), (added.UpToDate, added.Changed, added.Deleted, added.Kind, added.Name, added.ShortId));
        Assert.Equal("<h1>one</h1>\n", await InContainer.CatAsync(container.Id, "/app/www/index.html"));
        Assert.Equal("body { color: red; }\n", await InContainer.CatAsync(container.Id, "/app/www/css/app.css"));
        Assert.Equal("console.log('one');\n", await InContainer.CatAsync(container.Id, "/app/www/js/app.js"));

        project.WriteFile("site/css/app.css", "body { color: blue; }\n");
        var changed = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((1, 0), (changed.Changed, changed.Deleted));
        Assert.Equal("body { color: blue; }\n", await InContainer.CatAsync(container.Id, "/app/www/css/app.css"));

        project.DeleteFile("site/js/app.js");
        var deleted = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((0, 1), (deleted.Changed, deleted.Deleted));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/app/www/js/app.js"));
        Assert.Equal(
            ["/app/www/css/app.css", "/app/www/index.html"],
            (await InContainer.Md5sumsAsync(container.Id, "/app/www")).Keys.Order(StringComparer.Ordinal));
    }
}
