using FileSync.Docker;
using FileSync.Targets;
using FileSync.Tests.Infrastructure;

namespace FileSync.Tests.Docker;

/// <summary>
/// Which containers are written through /proc/&lt;pid&gt;/root: only a process proved to be the container's (its cgroup
/// names the container's id, read through the pinned /proc entry), of an engine on a Unix socket; and the root then
/// tells the same kinds as the engine's path stat.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class ContainerRootTests(SharedContainer shared) : IClassFixture<SharedContainer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [MemberData(nameof(PathStatTests.Kinds), MemberType = typeof(PathStatTests))]
    public async Task The_root_tells_the_kinds_the_engine_tells(string sentence, string relative, string expected)
    {
        string root = "/tmp/direct-stat-" + Guid.NewGuid().ToString("N")[..12];
        await shared.Container.ExecAsync("sh", "-c", $"mkdir -p {root}/folder && echo x > {root}/folder/file.txt && ln -s {root}/folder {root}/link && ln -s /nowhere {root}/dangling && mkfifo {root}/fifo");
        using var client = DockerClientTests.NewClient();
        var info = Assert.IsType<ContainerInfo>(await client.InspectContainerAsync(shared.Container.Id, Ct));
        ContainerRoot found = Assert.IsType<ContainerRoot>(ContainerRoot.Find(info, client.IsUnixSocket, out string why), exactMatch: true);
        var direct = new DockerTarget(client, info, new Core.RecordingLog(), new DirectoryTarget(found, new ContainerReporting(info.Name, new Core.RecordingLog())));

        PathKind kind = await direct.StatAsync(root + "/" + relative, Ct);
        PathKind engine = await new DockerTarget(client, info, new Core.RecordingLog()).StatAsync(root + "/" + relative, Ct);

        Assert.True(expected == kind.ToString() && engine == kind, $"{sentence}: expected {expected}, got {kind} (engine: {engine}; {why})");
    }

    [Fact]
    public async Task A_process_outside_the_container_cgroup_is_never_taken_for_it()
    {
        using var client = DockerClientTests.NewClient();
        var info = Assert.IsType<ContainerInfo>(await client.InspectContainerAsync(shared.Container.Id, Ct));

        // This test's own process, as if the engine (say, in a VM behind a forwarded socket) had reported its pid.
        ContainerRoot? root = ContainerRoot.Find(info with { Pid = Environment.ProcessId }, unixSocket: true, out string why);

        Assert.Null(root);
        Assert.Contains("cgroup", why, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_process_moved_into_the_container_cgroup_is_never_taken_for_it()
    {
        // As runc's init is, for a moment, before it enters the container (a restart reusing the old pid): in the
        // container's cgroup, but with this host's mount namespace and root.
        using var client = DockerClientTests.NewClient();
        var info = Assert.IsType<ContainerInfo>(await client.InspectContainerAsync(shared.Container.Id, Ct));
        using var host = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sleep", "300"))!;
        try
        {
            await File.WriteAllTextAsync(CgroupProcs(info), host.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), Ct);
            Assert.Contains(info.Id, await File.ReadAllTextAsync($"/proc/{host.Id}/cgroup", Ct), StringComparison.Ordinal);

            ContainerRoot? root = ContainerRoot.Find(info with { Pid = host.Id }, unixSocket: true, out string why);

            Assert.Null(root);
            Assert.Contains("mount namespace", why, StringComparison.Ordinal);
        }
        finally
        {
            host.Kill();
        }
    }

    /// <summary>The cgroup.procs of the container's first cgroup line that names it (v1 controller, or v2 / hybrid).</summary>
    private static string CgroupProcs(ContainerInfo info)
    {
        string[] fields = File.ReadAllLines($"/proc/{info.Pid}/cgroup").First(l => l.Contains(info.Id, StringComparison.Ordinal)).Split(':', 3);
        string controller = fields[1].Split(',')[0].Replace("name=", "", StringComparison.Ordinal);
        string mount = controller.Length > 0 ? Path.Combine("/sys/fs/cgroup", controller)
            : Directory.Exists("/sys/fs/cgroup/unified") ? "/sys/fs/cgroup/unified" : "/sys/fs/cgroup";
        return Path.Combine(mount, fields[2].TrimStart('/'), "cgroup.procs");
    }

    [Fact]
    public async Task An_engine_not_on_a_unix_socket_is_never_written_directly()
    {
        using var client = DockerClientTests.NewClient();
        var info = Assert.IsType<ContainerInfo>(await client.InspectContainerAsync(shared.Container.Id, Ct));

        Assert.Null(ContainerRoot.Find(info, unixSocket: false, out string why));
        Assert.Contains("Unix socket", why, StringComparison.Ordinal);
        Assert.NotNull(ContainerRoot.Find(info, unixSocket: true, out _));
    }

    [Fact]
    public async Task A_removed_container_root_is_not_opened_again()
    {
        var container = await TestContainer.StartAsync(ct: Ct);
        ContainerRoot root;
        try
        {
            using var client = DockerClientTests.NewClient();
            var info = Assert.IsType<ContainerInfo>(await client.InspectContainerAsync(container.Id, Ct));
            root = Assert.IsType<ContainerRoot>(ContainerRoot.Find(info, client.IsUnixSocket, out _), exactMatch: true);
            using (TargetFolder opened = Assert.IsAssignableFrom<TargetFolder>(root.TryOpen(out _)))
            {
                Assert.Equal(PathKind.Folder, opened.Kind("app"));
            }
        }
        finally
        {
            await container.DisposeAsync();
        }

        Assert.Null(root.TryOpen(out string why));
        Assert.NotEmpty(why);
    }
    [Fact]
    public async Task A_file_the_container_has_mounted_is_neither_replaced_nor_deleted()
    {
        // Unlinking or renaming over a mount point of another mount namespace succeeds and detaches the mount there:
        // the container would lose its bind mount (the engine's untar and rm inside the container get EBUSY).
        string root = "/tmp/direct-mount-" + Guid.NewGuid().ToString("N")[..12];
        await shared.Container.ExecAsync("sh", "-c", $"mkdir -p {root}/volume && echo mounted > {root}/source && echo under > {root}/m.txt");
        (DockerTarget direct, int pid) = await DirectAsync();
        await MountInContainerAsync(pid, $"{root}/source", $"{root}/m.txt");
        await MountInContainerAsync(pid, $"{root}/volume", $"{root}/volume");

        IReadOnlyList<string> notDeleted = await direct.DeleteAsync([root + "/m.txt"], Ct);
        IReadOnlyList<string> kept = await direct.RemoveFoldersAsync([root + "/volume"], Ct);
        var replace = await Record.ExceptionAsync(() => direct.UploadAsync(root, Core.TestArchive.Of(Core.TestArchive.File("m.txt", "synced\n")), Ct));

        string mounts = await shared.Container.ExecAsync("cat", "/proc/mounts");
        Assert.Equal([root + "/m.txt"], notDeleted);
        Assert.Equal([root + "/volume"], kept);
        Assert.Contains("FSYNC2005", Assert.IsType<FileSync.Diagnostics.FileSyncException>(replace).Message, StringComparison.Ordinal);
        Assert.Contains($" {root}/m.txt ", mounts, StringComparison.Ordinal);
        Assert.Contains($" {root}/volume ", mounts, StringComparison.Ordinal);
        Assert.Equal("mounted\n", await shared.Container.ExecAsync("cat", root + "/m.txt"));
    }

    private async Task<(DockerTarget Target, int Pid)> DirectAsync()
    {
        using var client = DockerClientTests.NewClient();
        var info = Assert.IsType<ContainerInfo>(await client.InspectContainerAsync(shared.Container.Id, Ct));
        ContainerRoot found = Assert.IsType<ContainerRoot>(ContainerRoot.Find(info, client.IsUnixSocket, out _), exactMatch: true);
        return (new DockerTarget(DockerClientTests.NewClient(), info, new Core.RecordingLog(), new DirectoryTarget(found, new ContainerReporting(info.Name, new Core.RecordingLog()))), info.Pid);
    }

    /// <summary>A bind mount made in the container's own mount namespace, as <c>docker run -v</c> makes them.</summary>
    private static async Task MountInContainerAsync(int pid, string source, string target)
    {
        using var mount = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("nsenter")
        {
            ArgumentList = { "-t", pid.ToString(System.Globalization.CultureInfo.InvariantCulture), "-m", "--", "mount", "--bind", source, target },
            RedirectStandardError = true,
        })!;
        string error = await mount.StandardError.ReadToEndAsync(Ct);
        await mount.WaitForExitAsync(Ct);
        Assert.True(mount.ExitCode == 0, $"nsenter mount --bind {source} {target}: {error}");
    }
}
