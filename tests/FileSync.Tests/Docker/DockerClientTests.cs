using System.Diagnostics;
using System.Formats.Tar;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using FileSync.Docker;
using FileSync.Tests.Infrastructure;

namespace FileSync.Tests.Docker;

/// <summary>Against the real engine (DOCKER_HOST or the local socket); each check goes through the docker CLI.</summary>
public sealed class DockerClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static DockerClient NewClient() => DockerClient.Create((string?)null);

    [Fact]
    public async Task Version_is_the_engine_api_version()
    {
        using var client = NewClient();
        string expected = (await DockerCli.RunCheckedAsync(["version", "--format", "{{.Server.APIVersion}}"], Ct)).Trim();

        Assert.Equal(expected, await client.GetVersionAsync(Ct));
    }

    [Fact]
    public async Task Inspect_by_name_and_by_id_describes_the_container()
    {
        await using var container = await TestContainer.StartAsync(new Dictionary<string, string> { ["filesync.role"] = "web" }, ct: Ct);
        using var client = NewClient();

        var byName = await client.InspectContainerAsync(container.Name, Ct);
        var byId = await client.InspectContainerAsync(container.Id, Ct);
        var byShortId = await client.InspectContainerAsync(container.Id[..12], Ct);

        Assert.NotNull(byName);
        Assert.Equal(container.Id, byName.Id);
        Assert.Equal(container.Name, byName.Name);
        Assert.Equal(DockerCli.Image, byName.Image);
        Assert.Equal((await DockerCli.RunCheckedAsync(["image", "inspect", "--format", "{{.Id}}", DockerCli.Image], Ct)).Trim(), byName.ImageId);
        Assert.True(byName.Running);
        Assert.Equal("running", byName.Status);
        Assert.Equal("/app", byName.WorkingDir);
        Assert.Equal(string.Empty, byName.User);
        Assert.Equal("web", byName.Labels["filesync.role"]);
        Assert.Equal(byName.Id, byId?.Id);
        Assert.Equal(byName.Name, byId?.Name);
        Assert.Equal(byName.Id, byShortId?.Id);
    }

    [Fact]
    public async Task Inspect_reports_the_configured_user()
    {
        // Created, not started: the test image's root folder is 0700, so it cannot run as a non-root user.
        await using var container = await TestContainer.CreateAsync(user: "1000:1000", ct: Ct);
        using var client = NewClient();

        var info = await client.InspectContainerAsync(container.Id, Ct);

        Assert.Equal("1000:1000", info?.User);
        Assert.False(info?.Running);
        Assert.Equal("created", info?.Status);
    }

    [Fact]
    public async Task Inspect_of_a_missing_container_is_null()
    {
        using var client = NewClient();

        Assert.Null(await client.InspectContainerAsync("filesync-missing-" + Guid.NewGuid().ToString("N"), Ct));
    }

    [Fact]
    public async Task List_with_a_label_filter_finds_only_the_labelled_running_container()
    {
        string value = Guid.NewGuid().ToString("N");
        await using var labelled = await TestContainer.StartAsync(new Dictionary<string, string> { ["filesync.list"] = value, ["other"] = "x" }, ct: Ct);
        await using var unlabelled = await TestContainer.StartAsync(ct: Ct);
        await using var stopped = await TestContainer.StartAsync(new Dictionary<string, string> { ["filesync.list"] = value }, ct: Ct);
        await DockerCli.RunCheckedAsync(["kill", stopped.Id], Ct);
        using var client = NewClient();

        var found = await client.ListContainersAsync(["filesync.list=" + value], Ct);
        var both = await client.ListContainersAsync(["filesync.list=" + value, "other=x"], Ct);
        var none = await client.ListContainersAsync(["filesync.list=" + value, "other=y"], Ct);

        var summary = Assert.Single(found);
        Assert.Equal(labelled.Id, summary.Id);
        Assert.Equal([labelled.Name], summary.Names);
        Assert.Equal(DockerCli.Image, summary.Image);
        Assert.StartsWith("sha256:", summary.ImageId, StringComparison.Ordinal);
        Assert.Equal("running", summary.State);
        Assert.Equal(value, summary.Labels["filesync.list"]);
        Assert.Equal(labelled.Id, Assert.Single(both).Id);
        Assert.Empty(none);
        Assert.Contains(await client.ListContainersAsync([], Ct), c => c.Id == unlabelled.Id);
    }

    [Fact]
    public async Task PutArchive_streams_a_tar_into_the_container()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = NewClient();
        string bigFile = Path.Combine(Path.GetTempPath(), "filesync-big-" + Guid.NewGuid().ToString("N"));
        try
        {
            var data = new byte[5 * 1024 * 1024];
            new Random(42).NextBytes(data);
            await File.WriteAllBytesAsync(bigFile, data, Ct);
            string expectedMd5 = Convert.ToHexStringLower(MD5.HashData(data));
            const string UnicodeName = "app/dir with space/h\u00e9llo w\u00f6rld \u2713.txt";
            bool sawSeekableStream = true;

            await client.PutArchiveAsync(container.Id, "/", async (stream, ct) =>
            {
                sawSeekableStream = stream.CanSeek;
                await using var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
                var text = new PaxTarEntry(TarEntryType.RegularFile, UnicodeName)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes("hello\n")),
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    Uid = 1000,
                    Gid = 1000,
                };
                await tar.WriteEntryAsync(text, ct);
                await using var big = File.OpenRead(bigFile);
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, "app/big.bin") { DataStream = big }, ct);
            }, Ct);

            Assert.False(sawSeekableStream);
            Assert.Equal("hello\n", await container.ExecAsync("cat", "/" + UnicodeName));
            Assert.Equal("1000:1000 644", (await container.ExecAsync("stat", "-c", "%u:%g %a", "/" + UnicodeName)).Trim());
            Assert.StartsWith(expectedMd5 + " ", await container.ExecAsync("md5sum", "/app/big.bin"), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bigFile);
        }
    }

    [Fact]
    public async Task PutArchive_into_a_removed_container_is_a_404_and_sends_no_body()
    {
        var container = await TestContainer.StartAsync(ct: Ct);
        await using (container)
        {
            await container.RemoveAsync();
        }

        using var client = NewClient();
        bool bodyWritten = false;

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.PutArchiveAsync(container.Id, "/", async (stream, ct) =>
        {
            bodyWritten = true;
            await stream.WriteAsync(new byte[1024 * 1024], ct);
        }, Ct));

        Assert.Equal(404, ex.StatusCode);
        Assert.False(ex.Unreachable);
        Assert.Contains("No such container", ex.Message, StringComparison.Ordinal);
        Assert.False(bodyWritten);
    }

    [Fact]
    public async Task PutArchive_into_a_missing_folder_is_a_404_with_the_engine_message()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = NewClient();

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.PutArchiveAsync(container.Id, "/no/such/folder", WriteEmptyTarAsync, Ct));

        Assert.Equal(404, ex.StatusCode);
        Assert.Contains("Could not find the file /no/such/folder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutArchive_surfaces_the_writer_own_exception()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = NewClient();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.PutArchiveAsync(container.Id, "/", async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[512], ct);
            throw new InvalidOperationException("the writer failed");
        }, Ct));

        Assert.Equal("the writer failed", ex.Message);
        Assert.Equal("hello", (await client.ExecAsync(container.Id, ["echo", "hello"], null, Ct)).StdOut.Trim()); // the client still works
    }

    [Fact]
    public async Task GetArchive_returns_a_tar_of_the_file()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = NewClient();
        string expected = await container.ExecAsync("cat", "/etc/passwd");

        await using var stream = await client.GetArchiveAsync(container.Id, "/etc/passwd", Ct);

        Assert.NotNull(stream);
        await using var reader = new TarReader(stream);
        var entry = await reader.GetNextEntryAsync(cancellationToken: Ct);
        Assert.NotNull(entry);
        Assert.Equal("passwd", entry.Name);
        using var text = new StreamReader(entry.DataStream!);
        Assert.Equal(expected, await text.ReadToEndAsync(Ct));
        Assert.Contains("root:x:0:0", expected, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetArchive_of_a_missing_path_or_container_is_null()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = NewClient();

        Assert.Null(await client.GetArchiveAsync(container.Id, "/no/such/file", Ct));
        Assert.Null(await client.GetArchiveAsync("filesync-missing-" + Guid.NewGuid().ToString("N"), "/etc/passwd", Ct));
    }

    [Fact]
    public async Task Exec_rm_removes_the_file()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        await container.ExecAsync("touch", "/app/-odd name.txt");
        using var client = NewClient();

        var result = await client.ExecAsync(container.Id, ["rm", "-f", "--", "/app/-odd name.txt"], null, Ct);

        Assert.Equal(new ExecResult(0, string.Empty, string.Empty, false), result);
        Assert.Equal(1, (await container.TryExecAsync("test", "-e", "/app/-odd name.txt")).ExitCode);
    }

    [Fact]
    public async Task Exec_separates_stdout_and_stderr_and_reports_the_exit_code()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = NewClient();

        var result = await client.ExecAsync(container.Id, ["sh", "-c", "echo out; echo err >&2; echo more; exit 3"], null, Ct);
        var exit127 = await client.ExecAsync(container.Id, ["sh", "-c", "nosuchcommand"], null, Ct);

        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\nmore\n", result.StdOut);
        Assert.Equal("err\n", result.StdErr);
        Assert.False(result.CommandNotFound);
        Assert.Equal(127, exit127.ExitCode); // the shell's own "not found" is the command's result, not a missing executable
        Assert.False(exit127.CommandNotFound);
    }

    [Fact]
    public async Task Exec_runs_as_the_given_user()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = NewClient();

        Assert.StartsWith("uid=1000 gid=1000", (await client.ExecAsync(container.Id, ["id"], "1000:1000", Ct)).StdOut, StringComparison.Ordinal);
        Assert.Equal("0", (await client.ExecAsync(container.Id, ["id", "-u"], null, Ct)).StdOut.Trim());
    }

    [Fact]
    public async Task Exec_of_a_large_output_keeps_every_byte()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = NewClient();

        var result = await client.ExecAsync(container.Id, ["sh", "-c", "head -c 300000 /dev/zero | tr '\\0' a"], null, Ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new string('a', 300000), result.StdOut);
    }

    [Theory]
    [InlineData("nosuchcommand")]
    [InlineData("/nonexistent")]
    [InlineData("/bin/nosuch/rm")]
    public async Task Exec_of_a_missing_executable_is_CommandNotFound(string executable)
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = NewClient();

        var result = await client.ExecAsync(container.Id, [executable, "-f", "/x"], null, Ct);

        Assert.True(result.CommandNotFound, $"{result.ExitCode} {result.StdOut} {result.StdErr}");
        Assert.Equal(126, result.ExitCode); // engine 20.10 + runc; later engines may say 127
        Assert.Contains(executable, result.StdOut + result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_in_a_removed_container_is_a_404()
    {
        var container = await TestContainer.StartAsync(ct: Ct);
        await using (container)
        {
            await container.RemoveAsync();
        }

        using var client = NewClient();

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.ExecAsync(container.Id, ["true"], null, Ct));

        Assert.Equal(404, ex.StatusCode);
    }

    [Fact]
    public async Task Exec_in_a_stopped_container_is_a_409()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        await DockerCli.RunCheckedAsync(["kill", container.Id], Ct);
        using var client = NewClient();

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.ExecAsync(container.Id, ["true"], null, Ct));

        Assert.Equal(409, ex.StatusCode);
        Assert.Contains("is not running", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_starts_the_same_container_again()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = NewClient();
        string startedBefore = await container.ExecAsync("cat", "/proc/1/stat");

        await client.RestartAsync(container.Id, 0, Ct);

        var info = await client.InspectContainerAsync(container.Id, Ct);
        Assert.True(info?.Running);
        Assert.NotEqual(startedBefore, await container.ExecAsync("cat", "/proc/1/stat")); // a new PID 1 (start time differs)
        var ex = await Assert.ThrowsAsync<DockerException>(() => client.RestartAsync("filesync-missing-" + Guid.NewGuid().ToString("N"), 0, Ct));
        Assert.Equal(404, ex.StatusCode);
    }

    [Fact]
    public async Task Parallel_calls_share_one_client()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var client = NewClient();

        var tasks = new List<Task<ContainerInfo?>>();
        for (int i = 0; i < 16; i++)
        {
            tasks.Add(client.InspectContainerAsync(container.Id, Ct));
        }

        var execs = await Task.WhenAll(client.ExecAsync(container.Id, ["echo", "1"], null, Ct), client.ExecAsync(container.Id, ["echo", "2"], null, Ct));

        Assert.All(await Task.WhenAll(tasks), info => Assert.Equal(container.Id, info?.Id));
        Assert.Equal(["1\n", "2\n"], execs.Select(e => e.StdOut));
    }

    [Fact]
    public async Task A_socket_path_that_does_not_exist_is_unreachable_quickly()
    {
        string path = Path.Combine(Path.GetTempPath(), "filesync-nosock-" + Guid.NewGuid().ToString("N") + ".sock");
        using var client = DockerClient.Create(DockerEndpoint.Parse("unix://" + path, tls: false, certPath: null));
        var watch = Stopwatch.StartNew();

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.GetVersionAsync(Ct));

        Assert.True(ex.Unreachable);
        Assert.Null(ex.StatusCode);
        Assert.Contains("unix://" + path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Equal("unix://" + path, client.Endpoint);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), watch.Elapsed.ToString());
    }

    [Fact]
    public async Task A_socket_nobody_listens_on_is_unreachable()
    {
        string path = Path.Combine(Path.GetTempPath(), "filesync-deadsock-" + Guid.NewGuid().ToString("N") + ".sock");
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(path)); // bound, never listening: connections are refused
        try
        {
            using var client = DockerClient.Create(DockerEndpoint.Parse("unix://" + path, tls: false, certPath: null));

            var ex = await Assert.ThrowsAsync<DockerException>(() => client.InspectContainerAsync("x", Ct));

            Assert.True(ex.Unreachable, ex.Message);
            Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_closed_tcp_port_is_unreachable()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
            port = ((System.Net.IPEndPoint)probe.LocalEndPoint!).Port; // free once closed
        }

        using var client = DockerClient.Create(DockerEndpoint.Parse($"tcp://127.0.0.1:{port}", tls: false, certPath: null));

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.ListContainersAsync([], Ct));

        Assert.True(ex.Unreachable, ex.Message);
        Assert.Contains($"tcp://127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
    }

    private static async Task WriteEmptyTarAsync(Stream stream, CancellationToken ct)
    {
        await using var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "d/"), ct);
    }
}
