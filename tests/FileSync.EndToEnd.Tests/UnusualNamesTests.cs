using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// Names MSBuild's wildcards mangle on Unix, through the real MSBuild: a backslash in a file name (MSBuild hands it
/// over as '/') arrives byte-exact and is deleted when deleted; a name that is not valid UTF-8 is named in a warning;
/// a path past the host's limit fails the rule with a code that says so.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class UnusualNamesTests(PackageFixture package)
{
    [Fact]
    public async Task Backslash_names_arrive_byte_exact_and_a_name_that_is_not_UTF8_is_named_not_dropped()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "unusual-names")
            .Rule("tree/**/*", dest: "/app/u", strip: "tree/")
            .Property("FileSyncContainer", container.Id);
        project.WriteFile("tree/a\\b.txt", "a backslash b\n");
        project.WriteFile("tree/c/d\\e.txt", "d backslash e\n");
        project.WriteFile("tree/plain.txt", "plain\n");
        byte[] invalid = [.. Encoding.UTF8.GetBytes(project.PathOf("tree/bad")), 0xFF, .. ".txt"u8, 0];
        int fd = creat(invalid, 0b110_100_100);
        Assert.True(fd >= 0, "could not create the file with an invalid UTF-8 name");
        _ = close(fd);
        try
        {
            ProcessResult first = (await project.SyncAsync()).Succeeded();

            Assert.Equal(3, SyncSummary.Single(first).Changed);
            Assert.Equal("a backslash b\n", await InContainer.CatAsync(container.Id, "/app/u/a\\b.txt"));
            Assert.Equal("d backslash e\n", await InContainer.CatAsync(container.Id, "/app/u/c/d\\e.txt"));
            Assert.Contains("warning FSYNC1015", first.Output, StringComparison.Ordinal);
            Assert.Contains(project.PathOf("tree/bad\uFFFD.txt"), first.Output, StringComparison.Ordinal);

            project.DeleteFile("tree/a\\b.txt");
            var second = SyncSummary.Single((await project.SyncAsync()).Succeeded());

            Assert.Equal((0, 1), (second.Changed, second.Deleted));
            Assert.False(await InContainer.ExistsAsync(container.Id, "/app/u/a\\b.txt"));
            Assert.Equal("d backslash e\n", await InContainer.CatAsync(container.Id, "/app/u/c/d\\e.txt"));
        }
        finally
        {
            _ = unlink(invalid); // .NET cannot name it to delete it
        }
    }

    [Fact]
    public async Task A_path_past_the_host_limit_below_a_glob_is_named_with_its_length()
    {
        using var project = new ConsumerProject(package, "long-path")
            .Rule("tree/**/*", dest: "/app/u")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", Directory.CreateTempSubdirectory("filesync-long-").FullName);
        project.WriteFile("tree/ok.txt", "ok\n");
        string deep = DeepTree.Create(project.PathOf("tree"), 4200);
        try
        {
            ProcessResult result = (await project.SyncAsync()).Failed();

            Assert.Contains("error FSYNC1017", result.Output, StringComparison.Ordinal);
            Assert.Contains(project.PathOf("tree/ddd"), result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("FSYNC1004", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            DeepTree.Remove(deep);
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int creat(byte[] path, int mode);

    [DllImport("libc")]
    private static extern int close(int fd);

    [DllImport("libc")]
    private static extern int unlink(byte[] path);
}
