using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>FileSyncWatch and a wildcard rule's file replaced by a folder (adversary finding D7): no FSYNC1011 naming a rule nobody wrote, and the folder's file lands.</summary>
public sealed class WatchKindChangeTests(PackageFixture package)
{
    [Fact]
    public async Task A_file_replaced_by_a_folder_converges_without_a_warning_about_a_rule_the_user_never_wrote()
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "watch-kind-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "watch-kind")
            .Rule("site/**/*", dest: "/www", strip: "site/")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root);
        project.WriteFile("site/x", "a file first\n");

        using WatchProcess watch = await project.StartWatchAsync();
        await watch.NextSyncAsync();
        await watch.WaitForLineAsync(line => line.Contains("FileSync: watching", StringComparison.Ordinal), "saying it is watching");
        Assert.Equal("a file first\n", File.ReadAllText(Path.Combine(root, "www", "x")));

        project.DeleteFile("site/x");
        project.WriteFile("site/x/page.html", "<p>now a folder</p>\n");
        for (int sync = 0; sync < 3 && !File.Exists(Path.Combine(root, "www", "x", "page.html")); sync++)
        {
            await watch.NextSyncAsync(); // the delete and the new folder may come as one burst or two
        }

        Assert.Equal("<p>now a folder</p>\n", File.ReadAllText(Path.Combine(root, "www", "x", "page.html")));
        Assert.DoesNotContain("FSYNC1011", watch.Output, StringComparison.Ordinal);
        watch.Interrupt();
        await watch.WaitForExitAsync(TimeSpan.FromSeconds(30));
    }
}
