using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text;
using FileSync.Docker;
using FileSync.Tests.Infrastructure;

namespace FileSync.Tests.Docker;

/// <summary>Against the real engine (DOCKER_HOST or the local socket), in one shared running container; every effect is
/// checked through the docker CLI. Tests that stop, restart or remove containers are in <see cref="DockerLifecycleTests"/>.</summary>
public sealed class DockerClientTests(SharedContainer shared) : IClassFixture<SharedContainer>
{
    private readonly TestContainer _container = shared.Container;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    internal static DockerClient NewClient() => DockerClient.Create((string?)null);

    private static string UniqueFolder() => "/tmp/t-" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task List_filters_running_containers_by_label()
    {
        using var client = NewClient();

        var web = await client.ListContainersAsync(["filesync.role=web"], Ct);
        var none = await client.ListContainersAsync(["filesync.none=" + Guid.NewGuid().ToString("N")], Ct);

        Assert.Contains(web, summary => summary.Id == _container.Id);
        Assert.Empty(none);
    }

    [Fact]
    public async Task Inspect_by_name_and_by_id_describes_the_container()
    {
        using var client = NewClient();

        var byName = await client.InspectContainerAsync(_container.Name, Ct);
        var byId = await client.InspectContainerAsync(_container.Id, Ct);
        var byShortId = await client.InspectContainerAsync(_container.Id[..12], Ct);

        Assert.NotNull(byName);
        Assert.Equal(_container.Id, byName.Id);
        Assert.Equal(_container.Name, byName.Name);
        Assert.Equal(DockerCli.Image, byName.Image);
        Assert.Equal((await DockerCli.RunCheckedAsync(["image", "inspect", "--format", "{{.Id}}", DockerCli.Image], Ct)).Trim(), byName.ImageId);
        Assert.True(byName.Running);
        Assert.Equal("running", byName.Status);
        Assert.Equal("/app", byName.WorkingDir);
        Assert.Equal(string.Empty, byName.User);
        Assert.Equal("web", byName.Labels["filesync.role"]);
        Assert.NotNull(byId);
        Assert.Equal(byName, byId with { Labels = byName.Labels });
        Assert.Equal(byName.Labels, byId?.Labels);
        Assert.Equal(byName.Id, byShortId?.Id);
    }

    [Fact]
    public async Task Inspect_of_a_missing_container_is_null()
    {
        using var client = NewClient();

        Assert.Null(await client.InspectContainerAsync("filesync-missing-" + Guid.NewGuid().ToString("N"), Ct));
    }

    [Fact]
    public async Task PutArchive_streams_a_tar_into_the_container()
    {
        using var client = NewClient();
        string folder = UniqueFolder();
        string bigFile = Path.Combine(Path.GetTempPath(), "filesync-big-" + Guid.NewGuid().ToString("N"));
        try
        {
            var data = new byte[5 * 1024 * 1024];
            new Random(42).NextBytes(data);
            await File.WriteAllBytesAsync(bigFile, data, Ct);
            string expectedMd5 = Convert.ToHexStringLower(MD5.HashData(data));
            string unicodeName = folder[1..] + "/dir with space/h\u00e9llo w\u00f6rld \u2713.txt"; // no parent entries: the engine makes them
            bool sawSeekableStream = true;

            await client.PutArchiveAsync(_container.Id, "/", async (stream, ct) =>
            {
                sawSeekableStream = stream.CanSeek;
                await using var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
                var text = new PaxTarEntry(TarEntryType.RegularFile, unicodeName)
                {
                    DataStream = new MemoryStream(Encoding.UTF8.GetBytes("hello\n")),
                    Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    Uid = 1000,
                    Gid = 1000,
                };
                await tar.WriteEntryAsync(text, ct);
                await using var big = File.OpenRead(bigFile);
                await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.RegularFile, folder[1..] + "/big.bin") { DataStream = big }, ct);
            }, Ct);

            Assert.False(sawSeekableStream);
            Assert.Equal("hello\n", await _container.ExecAsync("cat", "/" + unicodeName));
            Assert.Equal("1000:1000 644", (await _container.ExecAsync("stat", "-c", "%u:%g %a", "/" + unicodeName)).Trim());
            Assert.StartsWith(expectedMd5 + " ", await _container.ExecAsync("md5sum", folder + "/big.bin"), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(bigFile);
        }
    }

    [Fact]
    public async Task PutArchive_into_a_missing_folder_is_a_404_with_the_engine_message()
    {
        using var client = NewClient();

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.PutArchiveAsync(_container.Id, "/no/such/folder", WriteEmptyTarAsync, Ct));

        Assert.Equal(404, ex.StatusCode);
        Assert.Contains("Could not find the file /no/such/folder", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutArchive_surfaces_the_writer_own_exception()
    {
        using var client = NewClient();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => client.PutArchiveAsync(_container.Id, "/", async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[512], ct);
            throw new InvalidOperationException("the writer failed");
        }, Ct));

        Assert.Equal("the writer failed", ex.Message);
        Assert.Equal("hello\n", (await client.ExecAsync(_container.Id, ["echo", "hello"], null, Ct)).StdOut); // the client still works
    }

    [Fact]
    public async Task GetArchive_returns_a_tar_of_the_file()
    {
        using var client = NewClient();
        string expected = await _container.ExecAsync("cat", "/etc/passwd");

        await using var stream = await client.GetArchiveAsync(_container.Id, "/etc/passwd", Ct);

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
        using var client = NewClient();

        Assert.Null(await client.GetArchiveAsync(_container.Id, "/no/such/file", Ct));
        Assert.Null(await client.GetArchiveAsync("filesync-missing-" + Guid.NewGuid().ToString("N"), "/etc/passwd", Ct));
    }

    [Fact]
    public async Task Exec_rm_removes_the_file()
    {
        string file = UniqueFolder() + "-odd name.txt";
        await _container.ExecAsync("touch", file);
        using var client = NewClient();

        var result = await client.ExecAsync(_container.Id, ["rm", "-f", "--", file], null, Ct);

        Assert.Equal(new ExecResult(0, string.Empty, string.Empty, false), result);
        Assert.Equal(1, (await _container.TryExecAsync("test", "-e", file)).ExitCode);
    }

    [Fact]
    public async Task Exec_separates_stdout_and_stderr_and_reports_the_exit_code()
    {
        using var client = NewClient();

        var result = await client.ExecAsync(_container.Id, ["sh", "-c", "echo out; echo err >&2; echo more; exit 3"], null, Ct);
        var exit127 = await client.ExecAsync(_container.Id, ["sh", "-c", "nosuchcommand"], null, Ct);

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
        using var client = NewClient();

        // "uid=1000(app) gid=1000(app) ..." when the image's /etc/passwd names the user, else "uid=1000 gid=1000 ...".
        Assert.Matches(@"^uid=1000(\([^)]*\))? gid=1000(\([^)]*\))? ", (await client.ExecAsync(_container.Id, ["id"], "1000:1000", Ct)).StdOut);
        Assert.Equal("0\n", (await client.ExecAsync(_container.Id, ["id", "-u"], null, Ct)).StdOut);
    }

    [Fact]
    public async Task Exec_of_a_large_output_keeps_every_byte()
    {
        using var client = NewClient();

        var result = await client.ExecAsync(_container.Id, ["sh", "-c", "head -c 300000 /dev/zero | tr '\\0' a"], null, Ct);

        Assert.Equal(0, result.ExitCode);
        Assert.Equal(new string('a', 300000), result.StdOut);
    }

    [Theory]
    [InlineData("nosuchcommand")]
    [InlineData("/nonexistent")]
    [InlineData("/bin/nosuch/rm")]
    public async Task Exec_of_a_missing_executable_is_CommandNotFound(string executable)
    {
        using var client = NewClient();

        var result = await client.ExecAsync(_container.Id, [executable, "-f", "/x"], null, Ct);

        Assert.True(result.CommandNotFound, $"{result.ExitCode} {result.StdOut} {result.StdErr}");
        Assert.Equal(126, result.ExitCode); // engine 20.10 + runc; other runtimes may say 127
        Assert.Contains(executable, result.StdOut + result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parallel_calls_share_one_client()
    {
        using var client = NewClient();

        var tasks = new List<Task<ContainerInfo?>>();
        for (int i = 0; i < 16; i++)
        {
            tasks.Add(client.InspectContainerAsync(_container.Id, Ct));
        }

        var execs = await Task.WhenAll(client.ExecAsync(_container.Id, ["echo", "1"], null, Ct), client.ExecAsync(_container.Id, ["echo", "2"], null, Ct));

        Assert.All(await Task.WhenAll(tasks), info => Assert.Equal(_container.Id, info?.Id));
        Assert.Equal(["1\n", "2\n"], execs.Select(e => e.StdOut));
    }

    private static async Task WriteEmptyTarAsync(Stream stream, CancellationToken ct)
    {
        await using var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        await tar.WriteEntryAsync(new PaxTarEntry(TarEntryType.Directory, "d/"), ct);
    }
}
