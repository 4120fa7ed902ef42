using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// The direct path (a local engine's container written through <c>/proc/&lt;pid&gt;/root</c>) against what containers
/// really hold, each outcome the one the engine's archive API gives.
/// </summary>
public sealed class DirectWriteAdversaryTests(PackageFixture package)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_file_bind_mounted_from_the_host_keeps_its_mount_and_the_sync_fails_as_through_the_engine()
    {
        string host = Path.Combine(Path.GetTempPath(), "fsync-direct-mount-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(host);
        string hostFile = Path.Combine(host, "settings.json");
        await File.WriteAllTextAsync(hostFile, "host\n", Ct);
        try
        {
            await using var container = await TestContainer.StartAsync(ct: Ct, options: ["-v", hostFile + ":/app/files/settings.json"]);
            using var project = Direct("direct-mount", "settings.json", container);
            project.WriteFile("settings.json", "synced\n");

            var result = await project.SyncAsync();

            // The engine's untar gets EBUSY on the mount point (FSYNC2005); from this host's mount namespace a rename over
            // it would succeed and detach the container's mount instead.
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("FSYNC2005", result.Output, StringComparison.Ordinal);
            Assert.Contains("/app/files/settings.json: cannot rename", result.Output, StringComparison.Ordinal);
            Assert.Contains(" /app/files/settings.json ", await InContainer.CatAsync(container.Id, "/proc/mounts"), StringComparison.Ordinal);
            Assert.Equal("host\n", await InContainer.CatAsync(container.Id, "/app/files/settings.json"));
            Assert.Equal("host\n", await File.ReadAllTextAsync(hostFile, Ct));
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }
    [Fact]
    public async Task Names_with_a_newline_land_byte_exact_as_through_the_engine()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var project = Direct("direct-newline", "**/*.txt", container);
        // PAX records carry both names; a reader that cuts records at a newline instead of by their length fails.
        project.WriteFile("new\nline.txt", "one\n");
        project.WriteFile("sub\nfolder/" + new string('n', 120) + ".txt", "two\n");

        var result = (await project.SyncAsync()).Succeeded();

        Assert.Equal(2, SyncSummary.Single(result).Changed);
        Assert.Equal("one\n", await InContainer.CatAsync(container.Id, "/app/files/new\nline.txt"));
        Assert.Equal("two\n", await InContainer.CatAsync(container.Id, "/app/files/sub\nfolder/" + new string('n', 120) + ".txt"));
        Assert.True(SyncSummary.Single((await project.SyncAsync()).Succeeded()).UpToDate);
    }
    [Fact]
    public async Task A_container_whose_process_chroots_gets_the_files_at_its_own_root_as_through_the_engine()
    {
        // /proc/<pid>/root is the process's root: here /jail inside the container, not the container's '/'.
        await using var container = await TestContainer.StartAsync(ct: Ct, command: ["sh", "-c", "mkdir -p /jail/bin && cp /bin/busybox /jail/bin/ && touch /jail/ready && exec chroot /jail /bin/busybox sleep 100000"]);
        using var project = Direct("direct-chroot", "**/*.txt", container);
        project.WriteFile("a.txt", "root\n");
        // The container's process has chrooted (bounded wait on that state, not on time).
        await DockerCli.RunCheckedAsync(["exec", container.Id, "sh", "-c", "for i in $(seq 300); do [ -e /jail/ready ] && [ \"$(readlink /proc/1/root)\" = /jail ] && exit 0; sleep 0.1; done; exit 1"], Ct);

        var result = (await project.SyncAsync("-v:d")).Succeeded();

        Assert.Contains("through the engine's archive API", result.Output, StringComparison.Ordinal);
        Assert.Equal("root\n", await InContainer.CatAsync(container.Id, "/app/files/a.txt"));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/jail/app/files/a.txt"), "written below the process's chroot");
    }
    [Fact]
    public async Task A_read_only_volume_is_not_called_a_read_only_root()
    {
        string host = Path.Combine(Path.GetTempPath(), "fsync-direct-ro-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(host);
        try
        {
            await using var container = await TestContainer.StartAsync(ct: Ct, options: ["-v", host + ":/app/files:ro"]);
            using var project = Direct("direct-ro-volume", "**/*.txt", container);
            project.WriteFile("a.txt", "alpha\n");

            var result = await project.SyncAsync();

            // The engine says "mounted volume is marked read-only" (FSYNC2005); its root is writable, so FSYNC2012's
            // advice (sync below a volume, or run without --read-only) would be wrong.
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("FSYNC2005", result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("FSYNC2012", result.Output, StringComparison.Ordinal);
            Assert.Empty(Directory.GetFileSystemEntries(host));
        }
        finally
        {
            Directory.Delete(host, recursive: true);
        }
    }

    /// <summary>A consumer whose rule puts <paramref name="include"/> under /app/files, written straight into the container.</summary>
    private ConsumerProject Direct(string name, string include, TestContainer container) => new ConsumerProject(package, name)
        .Rule(include, dest: "files")
        .Property("FileSyncContainer", container.Name)
        .Property("FileSyncDirectWrite", "true");
}
