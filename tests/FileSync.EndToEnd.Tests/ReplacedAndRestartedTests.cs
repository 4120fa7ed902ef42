using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>A restarted container keeps its files (nothing to send); a replaced one of the same name gets everything.</summary>
public sealed class ReplacedAndRestartedTests(PackageFixture package)
{
    [Fact]
    public async Task A_restart_needs_nothing_and_a_replacement_gets_every_file()
    {
        string name = CustomContainer.NewName();
        using var project = new ConsumerProject(package, "replaced")
            .Rule("files/*", dest: "data", strip: "files/")
            .Property("FileSyncContainer", name);
        project.WriteFile("files/a.txt", "a\n");
        project.WriteFile("files/b.txt", "b\n");

        string firstId;
        await using (var original = await CustomContainer.StartAsync(name))
        {
            firstId = original.Id;
            (await project.SyncAsync()).Succeeded();
            await DockerCli.RunCheckedAsync(["restart", "-t", "0", original.Id], TestContext.Current.CancellationToken);

            var afterRestart = SyncSummary.Single((await project.SyncAsync()).Succeeded());

            Assert.Equal((true, original.Id[..12]), (afterRestart.UpToDate, afterRestart.ShortId));
            Assert.Equal("a\n", await InContainer.CatAsync(original.Id, "/app/data/a.txt"));
            Assert.Equal("b\n", await InContainer.CatAsync(original.Id, "/app/data/b.txt"));
        }

        await using var replacement = await CustomContainer.StartAsync(name);
        Assert.NotEqual(firstId, replacement.Id);

        var afterReplace = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((2, replacement.Id[..12]), (afterReplace.Changed, afterReplace.ShortId));
        Assert.Equal("a\n", await InContainer.CatAsync(replacement.Id, "/app/data/a.txt"));
        Assert.Equal("b\n", await InContainer.CatAsync(replacement.Id, "/app/data/b.txt"));
    }
}
