using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// The container is removed and a new one of the same name started while the sources changed: the new instance has no
/// state, so the next sync sends every current file (and deletes nothing it never had), leaving it exactly matching.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ContainerReplacedTests(PackageFixture package)
{
    [Fact]
    public async Task A_replacement_of_the_same_name_gets_every_current_file_and_nothing_else()
    {
        string name = CustomContainer.NewName();
        using var project = new ConsumerProject(package, "replaced-faults")
            .Rule("site/**/*", dest: "site", strip: "site/")
            .Property("FileSyncContainer", name);
        project.WriteFile("site/index.html", "<h1>one</h1>\n");
        project.WriteFile("site/css/app.css", "body {}\n");
        project.WriteFile("site/js/old.js", "old\n");
        project.WriteFile("site/img/logo.bin", [0, 1, 2, 3, 255]);

        string firstId;
        await using (var original = await CustomContainer.StartAsync(name))
        {
            firstId = original.Id;
            var first = SyncSummary.Single((await project.SyncAsync()).Succeeded());
            Assert.Equal(4, first.Changed);
        }

        // Between the syncs: one file changed, one deleted, one added.
        project.WriteFile("site/css/app.css", "body { color: blue; }\n");
        project.DeleteFile("site/js/old.js");
        project.WriteFile("site/js/new.js", "new\n");
        await using var replacement = await CustomContainer.StartAsync(name);
        Assert.NotEqual(firstId, replacement.Id);

        var next = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((false, FaultKit.LocalMd5s(project.PathOf("site")).Count, 0, replacement.Id[..12]), (next.UpToDate, next.Changed, next.Deleted, next.ShortId));
        await FaultKit.AssertContainerMatchesAsync(replacement.Id, "/app/site", project.PathOf("site"));

        var again = SyncSummary.Single((await project.SyncAsync()).Succeeded());
        Assert.True(again.UpToDate, "The sync after the replacement recorded what it sent; the next one has nothing to do.");
    }
}
