using System.Xml.Linq;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// dotnet build -t:FileSyncWatch against a real container: what is saved, created (in a new folder) or deleted while it
/// runs lands in or leaves the container; Ctrl+C ends it with the state saved, so a cold SyncToContainer after it has
/// nothing to send.
/// </summary>
public sealed class WatchTests(PackageFixture package)
{
    private static readonly TimeSpan EndsWithin = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Saves_new_folders_and_deletes_land_until_Ctrl_C()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "watch")
            .Rule("site/**/*", dest: "www", strip: "site/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("site/index.html", "<h1>one</h1>\n");
        project.WriteFile("site/old.txt", "old\n");

        using WatchProcess watch = await project.StartWatchAsync();
        SyncSummary first = await watch.NextSyncAsync();
        await watch.WaitForLineAsync(line => line.Contains("FileSync: watching", StringComparison.Ordinal), "saying it is watching");

        Assert.Equal((2, 0), (first.Changed, first.Deleted));
        Assert.Equal("<h1>one</h1>\n", await InContainer.CatAsync(container.Id, "/app/www/index.html"));

        project.WriteFile("site/index.html", "<h1>two</h1>\n");
        Assert.Equal((1, 0), Counts(await watch.NextSyncAsync()));
        Assert.Equal("<h1>two</h1>\n", await InContainer.CatAsync(container.Id, "/app/www/index.html"));

        project.WriteFile("site/new/deeper/page.html", "<p>new</p>\n");
        Assert.Equal((1, 0), Counts(await watch.NextSyncAsync()));
        Assert.Equal("<p>new</p>\n", await InContainer.CatAsync(container.Id, "/app/www/new/deeper/page.html"));

        project.DeleteFile("site/old.txt");
        Assert.Equal((0, 1), Counts(await watch.NextSyncAsync()));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/app/www/old.txt"));

        watch.Interrupt();
        Assert.NotEqual(0, await watch.WaitForExitAsync(EndsWithin)); // MSBuild reports a cancelled build as failed

        SyncSummary after = SyncSummary.Single((await project.SyncAsync()).Succeeded());
        Assert.True(after.UpToDate, "The state after Ctrl+C should match the container: " + after);
    }

    [Fact]
    public async Task Polling_finds_a_save()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "watch-polling")
            .Rule("conf/*.json", dest: "/etc/app", strip: "conf/")
            .Property("FileSyncContainer", container.Name)
            .Property("FileSyncUsePolling", "true");
        project.WriteFile("conf/app.json", "{\"v\":1}\n");

        using WatchProcess watch = await project.StartWatchAsync();
        string watching = await watch.WaitForLineAsync(line => line.Contains("FileSync: watching", StringComparison.Ordinal), "saying it is watching");
        Assert.Contains("(polling)", watching, StringComparison.Ordinal);

        project.WriteFile("conf/app.json", "{\"v\":2,\"longer\":true}\n");
        Assert.Equal((1, 0), Counts(await watch.NextSyncAsync()));
        Assert.Equal("{\"v\":2,\"longer\":true}\n", await InContainer.CatAsync(container.Id, "/etc/app/app.json"));

        watch.Interrupt();
        await watch.WaitForExitAsync(EndsWithin);
    }

    /// <summary>
    /// Files created during the watch are taken exactly as MSBuild's expansion takes them: MSBuild's names that differ
    /// from Skaffold's (case-insensitive names below the glob's fixed folder, brackets and braces as plain characters,
    /// Exclude, FileSync's bin/obj removes), and names MSBuild escapes or mangles. If the watch took one file more or less, the cold sync after it would
    /// delete or send it instead of being up to date.
    /// </summary>
    [Fact]
    public async Task Files_created_during_the_watch_are_those_a_cold_build_syncs()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "watch-agree")
            .Element(new XElement("ItemGroup", new XElement("FileSyncRule",
                new XAttribute("Include", "**/*.txt"), new XAttribute("Exclude", "skip/**"), new XAttribute("Dest", "t"))))
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("a.txt", "a\n");

        using WatchProcess watch = await project.StartWatchAsync();
        await watch.WaitForLineAsync(line => line.Contains("FileSync: watching", StringComparison.Ordinal), "saying it is watching");

        foreach (string name in (string[])["B.TXT", "sub/C.Txt", "x[1].txt", "{a,b}.txt", ".hidden/d.txt", "skip/e.txt", "obj/f.txt", "bin/g.txt", "h.txt.bak",
            "a;b.txt", "50%.txt", "$(x).txt", "back\\slash.txt", "sp ace/-rf.txt"])
        {
            project.WriteFile(name, name + "\n");
        }

        project.WriteFile("zz-last.txt", "last\n");
        while (!await InContainer.ExistsAsync(container.Id, "/app/t/zz-last.txt"))
        {
            await watch.NextSyncAsync(); // events arrive in order: the last file synced means every earlier one was seen
        }

        watch.Interrupt();
        await watch.WaitForExitAsync(EndsWithin);

        Assert.Equal(
            ["/app/t/$(x).txt", "/app/t/.hidden/d.txt", "/app/t/50%.txt", "/app/t/B.TXT", "/app/t/a.txt", "/app/t/a;b.txt", "/app/t/back\\slash.txt",
             "/app/t/sp ace/-rf.txt", "/app/t/sub/C.Txt", "/app/t/x[1].txt", "/app/t/zz-last.txt", "/app/t/{a,b}.txt"],
            (await InContainer.ExecAsync(container.Id, "find", "/app/t", "-type", "f")).Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal));
        SyncSummary after = SyncSummary.Single((await project.SyncAsync()).Succeeded());
        Assert.True(after.UpToDate, "A cold sync after the watch should have nothing to do: " + after);
    }

    [Fact]
    public async Task A_changed_project_file_ends_the_watch_with_FSYNC7002()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "watch-project")
            .Rule("*.json", dest: "/etc/app")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("app.json", "{}\n");

        using WatchProcess watch = await project.StartWatchAsync();
        await watch.WaitForLineAsync(line => line.Contains("FileSync: watching", StringComparison.Ordinal), "saying it is watching");
        File.AppendAllText(project.ProjectPath, "<!-- edited -->\n");

        await watch.WaitForLineAsync(line => line.Contains("warning FSYNC7002", StringComparison.Ordinal), "with FSYNC7002");
        Assert.Equal(0, await watch.WaitForExitAsync(EndsWithin));
    }

    [Fact]
    public async Task With_no_target_configured_it_warns_and_ends()
    {
        using var project = new ConsumerProject(package, "watch-none").Rule("*.json", dest: "/etc/app");
        project.WriteFile("app.json", "{}\n");

        using WatchProcess watch = await project.StartWatchAsync();

        Assert.Equal(0, await watch.WaitForExitAsync(EndsWithin));
        Assert.Contains("warning FSYNC0001", watch.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("FileSync: watching", watch.Output, StringComparison.Ordinal);
    }

    private static (int, int) Counts(SyncSummary summary) => (summary.Changed, summary.Deleted);
}
