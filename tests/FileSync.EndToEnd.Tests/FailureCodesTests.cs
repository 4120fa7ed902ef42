using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Faults;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// The codes of the README's error table that only a real engine or a real file system can raise, each from a situation
/// that genuinely produces it, with the exact code (and severity) in the build output and what happens next.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class FailureCodesTests(PackageFixture package)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> NothingMatches => new()
    {
        { "FileSyncSelector", "filesync.e2e.nothing=" + Guid.NewGuid().ToString("N") },
        { "FileSyncImage", "filesync-e2e-no-such-image:" + Guid.NewGuid().ToString("N")[..12] },
    };

    [Theory]
    [MemberData(nameof(NothingMatches))]
    public async Task No_running_container_matching_a_selector_or_image_is_FSYNC2004(string property, string value)
    {
        using var project = new ConsumerProject(package, "fsync2004").Rule("a.txt", dest: "www").Property(property, value);
        project.WriteFile("a.txt", "a\n");

        var result = (await project.SyncAsync()).Failed();

        string error = Assert.Single(FaultKit.Diagnostics(result, "error", "FSYNC2004"));
        Assert.Contains(value, error, StringComparison.Ordinal);
        Assert.Empty(SyncSummary.All(result.Output));
    }

    [Fact]
    public async Task A_read_only_root_filesystem_refuses_the_upload_with_FSYNC2012_naming_the_path_and_nothing_is_recorded()
    {
        await using var container = await CustomContainer.StartAsync(options: ["--read-only"]);
        using var project = new ConsumerProject(package, "fsync2005")
            .Rule("a.txt", dest: "/opt/site") // no volume there: the root file system, read-only
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("a.txt", "a\n");

        var result = (await project.SyncAsync()).Failed();

        // The engine's refusal is recognised and named (FSYNC2005 stays for an upload broken off: ContainerKilledMidSyncTests).
        string error = Assert.Single(FaultKit.Diagnostics(result, "error", "FSYNC2012"));
        Assert.Contains(container.Name, error, StringComparison.Ordinal);
        Assert.Contains("'/'", error, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"error FSYNC(?!2012)\d{4}:", result.Output);
        Assert.False(await InContainer.ExistsAsync(container.Id, "/opt/site/a.txt"));
        // Nothing recorded as synced: the next sync still has the file to send (and nothing to delete while it exists).
        Assert.Contains("FileSync (dry run): 1 to copy, 0 to delete", (await project.SyncAsync("-p:FileSyncDryRun=true")).Succeeded().Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failed_rm_is_FSYNC2007_stays_pending_and_completes_once_the_cause_is_gone()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var project = new ConsumerProject(package, "fsync2007")
            .Rule("a.txt;b.txt", dest: "files")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("a.txt", "a\n");
        project.WriteFile("b.txt", "b\n");
        (await project.SyncAsync()).Succeeded();
        // In the container, rm fails (a wrapper that refuses, as rm does on a file it cannot remove). A synced file the
        // container turned into a folder is not such a failure: ContainerFoldersTests (FSYNC2040).
        await AsRootAsync(container.Id, "sh", "-c", "rm /bin/rm && printf '#!/bin/sh\\necho \"rm: cannot remove: Operation not permitted\" >&2\\nexit 1\\n' > /bin/rm && chmod 755 /bin/rm");

        project.DeleteFile("a.txt");
        var failed = (await project.SyncAsync()).Failed();

        string error = Assert.Single(FaultKit.Diagnostics(failed, "error", "FSYNC2007"));
        Assert.Contains(container.Name, error, StringComparison.Ordinal);
        Assert.Contains("Operation not permitted", error, StringComparison.Ordinal);
        Assert.True(await InContainer.ExistsAsync(container.Id, "/app/files/a.txt"));

        // Still pending: the next sync tries again (and fails again) although nothing changed here.
        var again = (await project.SyncAsync()).Failed();
        Assert.Single(FaultKit.Diagnostics(again, "error", "FSYNC2007"));

        await AsRootAsync(container.Id, "/bin/busybox", "rm", "/bin/rm");
        await AsRootAsync(container.Id, "/bin/busybox", "ln", "-s", "busybox", "/bin/rm");
        var completed = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((0, 1), (completed.Changed, completed.Deleted));
        Assert.Equal("b\n", await InContainer.CatAsync(container.Id, "/app/files/b.txt"));
        Assert.True(SyncSummary.Single((await project.SyncAsync()).Succeeded()).UpToDate);
    }

    [Fact]
    public async Task A_state_folder_the_build_cannot_write_is_FSYNC3003_and_the_next_sync_sends_again()
    {
        const int User = 1000;
        string target = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "fsync3003-target-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "fsync3003")
            .Rule("a.txt", dest: "/site")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", target);
        project.WriteFile("a.txt", "one\n");
        (await project.SyncAsync()).Succeeded(); // as root: restored, state written
        string stateFolder = Path.Combine(project.Directory, "obj", "filesync");
        string state = Assert.Single(Directory.GetFiles(stateFolder, "*.state"));
        byte[] stateBefore = File.ReadAllBytes(state);

        // The build runs as an ordinary user who owns the project and the target but cannot write the state folder.
        MakeReachable(package.RunDirectory);
        await RunCheckedAsync("chown", "-R", $"{User}:{User}", project.Directory, target);
        File.SetUnixFileMode(stateFolder, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        project.WriteFile("a.txt", "two\n");
        var home = Directory.CreateDirectory(Path.Combine(project.Directory, "home")).FullName;
        await RunCheckedAsync("chown", $"{User}:{User}", home, project.PathOf("a.txt"));
        var asUser = new Dictionary<string, string?> { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home };

        var result = (await project.BuildAsync(["-t:SyncToContainer"], asUser, uid: User)).Succeeded();

        string warning = Assert.Single(FaultKit.Diagnostics(result, "warning", "FSYNC3003"));
        Assert.Contains(state, warning, StringComparison.Ordinal);
        Assert.Equal("two\n", File.ReadAllText(Path.Combine(target, "site", "a.txt")));
        Assert.Equal(stateBefore, File.ReadAllBytes(state));

        // Writable again: the state still says "one", so the next sync sends the file again.
        File.SetUnixFileMode(stateFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        var next = SyncSummary.Single((await project.BuildAsync(["-t:SyncToContainer"], asUser, uid: User)).Succeeded());
        Assert.Equal(1, next.Changed);
        Assert.NotEqual(stateBefore, File.ReadAllBytes(state));
    }

    /// <summary>The run folder is made 0700 by CreateTempSubdirectory: another user could not reach the project in it.</summary>
    private static void MakeReachable(string folder) =>
        File.SetUnixFileMode(folder, File.GetUnixFileMode(folder) | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

    private static async Task RunCheckedAsync(string program, params string[] arguments)
    {
        var result = await ChildProcess.RunAsync(program, arguments, "/", new Dictionary<string, string?>(), TimeSpan.FromMinutes(1), Ct);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    private static Task<string> AsRootAsync(string id, params string[] argv) =>
        DockerCli.RunCheckedAsync(["exec", "-u", "0", id, .. argv], Ct);
}
