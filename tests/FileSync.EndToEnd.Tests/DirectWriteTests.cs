using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// A local engine's container written straight through <c>/proc/&lt;pid&gt;/root</c> (the build runs as root here):
/// the same files, owners and refusals as the engine's archive API, deletes without <c>rm</c>, never a write through a
/// container link onto this host, and the new process after a restart.
/// </summary>
public sealed class DirectWriteTests(PackageFixture package)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Files_go_through_the_container_root_with_its_user_and_deletes_need_no_rm()
    {
        await using var container = await TestContainer.StartAsync(user: "1000:1000", ct: Ct);
        using var project = Direct(new ConsumerProject(package, "direct-files"), container);
        project.WriteFile("a.txt", "alpha\n");
        project.WriteFile("sub/b.txt", "beta\n");

        var first = (await project.SyncAsync("-v:d")).Succeeded();

        Assert.Contains("files go straight into /proc/", first.Output, StringComparison.Ordinal);
        Assert.Equal("alpha\n", await InContainer.CatAsync(container.Id, "/app/files/a.txt"));
        Assert.Equal("beta\n", await InContainer.CatAsync(container.Id, "/app/files/sub/b.txt"));
        Assert.Equal("1000:1000", await InContainer.StatAsync(container.Id, "%u:%g", "/app/files/sub/b.txt"));
        Assert.Equal("1000:1000 755", await InContainer.StatAsync(container.Id, "%u:%g %a", "/app/files/sub"));

        // No rm in the image any more: the engine path could only warn (FSYNC2006); this one deletes.
        await DockerCli.RunCheckedAsync(["exec", "-u", "0", container.Id, "rm", "/bin/rm"], Ct);
        project.DeleteFile("sub/b.txt");
        var deleted = (await project.SyncAsync()).Succeeded();

        Assert.DoesNotContain("FSYNC2006", deleted.Output, StringComparison.Ordinal);
        Assert.Equal((0, 1), (SyncSummary.Single(deleted).Changed, SyncSummary.Single(deleted).Deleted));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/app/files/sub/b.txt"));
        Assert.True(SyncSummary.Single((await project.SyncAsync()).Succeeded()).UpToDate);
    }

    [Fact]
    public async Task A_container_link_where_a_folder_goes_is_refused_and_nothing_lands_on_the_host()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        string name = "fsync-direct-" + Guid.NewGuid().ToString("N")[..12] + ".txt";
        // An absolute link: followed from this host it would be the host's own /tmp.
        await DockerCli.RunCheckedAsync(["exec", "-u", "0", container.Id, "ln", "-s", "/tmp", "/app/files"], Ct);
        using var project = Direct(new ConsumerProject(package, "direct-link"), container);
        project.WriteFile(name, "escape?\n");

        var result = await project.SyncAsync();

        Assert.Contains("FSYNC2010", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine("/tmp", name)), "written through the container's link onto the host");
        Assert.False(await InContainer.ExistsAsync(container.Id, "/tmp/" + name), "written through the container's link");
    }

    [Fact]
    public async Task After_a_restart_the_new_process_root_gets_the_sync()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var project = Direct(new ConsumerProject(package, "direct-restart"), container);
        project.WriteFile("a.txt", "one\n");
        (await project.SyncAsync()).Succeeded();
        string before = (await DockerCli.RunCheckedAsync(["inspect", "-f", "{{.State.Pid}}", container.Id], Ct)).Trim();

        await DockerCli.RunCheckedAsync(["restart", "-t", "0", container.Id], Ct);
        string after = (await DockerCli.RunCheckedAsync(["inspect", "-f", "{{.State.Pid}}", container.Id], Ct)).Trim();
        project.WriteFile("a.txt", "two\n");
        var result = (await project.SyncAsync("-v:d")).Succeeded();

        Assert.NotEqual(before, after);
        Assert.Contains($"/proc/{after}/root", result.Output, StringComparison.Ordinal);
        Assert.Equal("two\n", await InContainer.CatAsync(container.Id, "/app/files/a.txt"));
    }

    [Fact]
    public async Task A_file_where_the_container_has_a_folder_is_refused_as_the_engine_refuses_it()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        await DockerCli.RunCheckedAsync(["exec", "-u", "0", container.Id, "mkdir", "-p", "/app/files/taken/inner"], Ct);
        using var project = Direct(new ConsumerProject(package, "direct-kind"), container);
        project.WriteFile("taken", "a file\n");

        var result = await project.SyncAsync();

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("FSYNC2011", result.Output, StringComparison.Ordinal);
        Assert.Equal("folder", (await InContainer.StatAsync(container.Id, "%F", "/app/files/taken")).Replace("directory", "folder", StringComparison.Ordinal));
    }

    [Fact]
    public async Task FileSyncDirectWrite_false_keeps_the_engine_archive_api()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var project = new ConsumerProject(package, "direct-off")
            .Rule("**/*.txt", dest: "files")
            .Property("FileSyncContainer", container.Name)
            .Property("FileSyncDirectWrite", "false");
        project.WriteFile("a.txt", "alpha\n");

        var result = (await project.SyncAsync("-v:d")).Succeeded();

        Assert.DoesNotContain("files go straight into", result.Output, StringComparison.Ordinal);
        Assert.Contains("through the engine's archive API (FileSyncDirectWrite=false)", result.Output, StringComparison.Ordinal);
        Assert.Equal("alpha\n", await InContainer.CatAsync(container.Id, "/app/files/a.txt"));
    }

    private static ConsumerProject Direct(ConsumerProject project, TestContainer container) => project
        .Rule("**/*.txt;taken", dest: "files")
        .Property("FileSyncContainer", container.Name)
        .Property("FileSyncDirectWrite", "true");
}
