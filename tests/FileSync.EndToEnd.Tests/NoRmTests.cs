using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// A container without <c>rm</c> (distroless-like): deletes cannot happen, and the build says so without failing; the
/// delete stays pending (every later sync says so again) and happens on the first sync after <c>rm</c> is back.
/// </summary>
public sealed class NoRmTests(PackageFixture package)
{
    [Fact]
    public async Task A_delete_without_rm_warns_with_FSYNC2006_stays_pending_and_completes_once_rm_is_back()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "no-rm")
            .Rule("keep.txt;gone.txt", dest: "files")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("keep.txt", "keep\n");
        project.WriteFile("gone.txt", "gone\n");
        (await project.SyncAsync()).Succeeded();
        await DockerCli.RunCheckedAsync(["exec", "-u", "0", container.Id, "rm", "/bin/rm"], TestContext.Current.CancellationToken);

        project.DeleteFile("gone.txt");
        var result = (await project.SyncAsync()).Succeeded();

        string warning = Assert.Single(Warnings(result));
        Assert.Contains("/app/files/gone.txt", warning, StringComparison.Ordinal);
        Assert.Contains(container.Name, warning, StringComparison.Ordinal);
        Assert.Equal("gone\n", await InContainer.CatAsync(container.Id, "/app/files/gone.txt"));
        Assert.Equal("keep\n", await InContainer.CatAsync(container.Id, "/app/files/keep.txt"));

        // Nothing changed since: the pending delete is tried again, and still cannot happen.
        var again = (await project.SyncAsync()).Succeeded();

        Assert.Contains("/app/files/gone.txt", Assert.Single(Warnings(again)), StringComparison.Ordinal);
        Assert.Equal("gone\n", await InContainer.CatAsync(container.Id, "/app/files/gone.txt"));

        // rm is back (busybox's applet link, as the image had it): the next sync deletes the file and counts it.
        await DockerCli.RunCheckedAsync(["exec", "-u", "0", container.Id, "/bin/busybox", "ln", "-s", "busybox", "/bin/rm"], TestContext.Current.CancellationToken);
        var completed = (await project.SyncAsync()).Succeeded();

        Assert.Empty(Warnings(completed));
        Assert.Equal((0, 1), (SyncSummary.Single(completed).Changed, SyncSummary.Single(completed).Deleted));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/app/files/gone.txt"));
        Assert.Equal("keep\n", await InContainer.CatAsync(container.Id, "/app/files/keep.txt"));
        Assert.True(SyncSummary.Single((await project.SyncAsync()).Succeeded()).UpToDate, "the delete is still pending after it happened");
    }

    private static List<string> Warnings(ProcessResult result) =>
        result.Output.Split('\n').Where(line => line.Contains("warning FSYNC2006:", StringComparison.Ordinal)).Select(line => line.Trim()).Distinct().ToList();
}
