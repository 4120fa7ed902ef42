using FileSync.Docker;
using FileSync.Targets;
using FileSync.Tests.Infrastructure;

namespace FileSync.Tests.Docker;

/// <summary>The engine's path stat (HEAD archive) and its refusal to replace a folder with a file (noOverwriteDirNonDir).</summary>
public sealed class PathStatTests(SharedContainer shared) : IClassFixture<SharedContainer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string, string> Kinds => new()
    {
        { "a folder", "folder", "Folder" },
        { "a regular file", "folder/file.txt", "File" },
        { "a link to a folder is the link, not followed", "link", "Link" },
        { "a link that leads nowhere", "dangling", "Link" },
        { "a fifo", "fifo", "Other" },
        { "nothing", "missing", "Missing" },
    };

    [Theory]
    [MemberData(nameof(Kinds))]
    public async Task Stat_tells_the_kind_without_following_the_last_link(string sentence, string relative, string expected)
    {
        string root = "/tmp/stat-" + Guid.NewGuid().ToString("N")[..12];
        await shared.Container.ExecAsync("sh", "-c", $"mkdir -p {root}/folder && echo x > {root}/folder/file.txt && ln -s {root}/folder {root}/link && ln -s /nowhere {root}/dangling && mkfifo {root}/fifo");
        using var client = DockerClientTests.NewClient();
        var info = Assert.IsType<ContainerInfo>(await client.InspectContainerAsync(shared.Container.Id, Ct));
        var target = new DockerTarget(client, info, new Core.RecordingLog());

        PathKind kind = await target.StatAsync(root + "/" + relative, Ct);

        Assert.True(expected == kind.ToString(), $"{sentence}: expected {expected}, got {kind}");
    }

    [Fact]
    public async Task Put_with_noOverwriteDirNonDir_refuses_a_file_over_a_folder_and_names_the_path()
    {
        string root = "/tmp/put-" + Guid.NewGuid().ToString("N")[..12];
        await shared.Container.ExecAsync("sh", "-c", $"mkdir -p {root}/cfg/sub && echo keep > {root}/cfg/sub/keep.db");
        using var client = DockerClientTests.NewClient();
        byte[] archive = TarOf("cfg", "a file\n");

        var error = await Assert.ThrowsAsync<DockerException>(() => client.PutArchiveAsync(shared.Container.Id, root, (stream, token) => stream.WriteAsync(archive, token).AsTask(), Ct, noOverwriteDirNonDir: true));

        EngineRefusal refusal = Assert.IsType<EngineRefusal>(EngineRefusal.Parse(error.Message));
        Assert.Equal((root + "/cfg", true), (refusal.Path, refusal.HeldFolder));
        Assert.Equal("keep\n", await shared.Container.ExecAsync("cat", root + "/cfg/sub/keep.db"));
    }

    [Theory]
    [InlineData("plain", "/app/cfg")]
    [InlineData("quote and backslash", "/app/a\"b\\c")]
    [InlineData("newline and non-ASCII", "/app/a\nb/é")]
    public void The_engines_quoted_path_is_read_back_exactly(string sentence, string path)
    {
        string quoted = "\"" + path.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n") + "\"";

        EngineRefusal? refusal = EngineRefusal.Parse($"Error processing tar file(exit status 1): cannot overwrite non-directory {quoted} with directory \"/app\"");

        Assert.True(refusal is not null, sentence);
        Assert.Equal((path, false), (refusal.Path, refusal.HeldFolder));
    }

    /// <summary>Podman (buildah's copier) refuses with its own words: the failed open/symlink/link of a non-folder where
    /// a folder is kept, or the failed mkdir of a folder where a non-folder is kept (Podman 4.3's text).</summary>
    [Theory]
    [InlineData("copier: put: error creating \"/app/cfg\": copier: put: error creating file at \"/app/cfg\": open /app/cfg: file exists", "/app/cfg", true)]
    [InlineData("copier: put: error creating \"/app/cfg\": symlink ../x /app/cfg: file exists", "/app/cfg", true)]
    [InlineData("copier: put: error creating \"/app/f\": mkdir /app/f: file exists", "/app/f", false)]
    [InlineData("copier: put: error creating \"/app/a\\\"b\": mkdir /app/a\"b: file exists", "/app/a\"b", false)]
    public void Podmans_refusal_is_read_as_the_same_refusal(string message, string path, bool heldFolder)
    {
        EngineRefusal? refusal = EngineRefusal.Parse(message);

        Assert.NotNull(refusal);
        Assert.Equal((path, heldFolder), (refusal.Path, refusal.HeldFolder));
    }

    [Theory]
    [InlineData("copier: put: error creating \"/app/cfg\": open /app/cfg: permission denied")]
    [InlineData("copier: put: error creating \"/app/f\": mkdir /app/f: no space left on device")]
    public void Podmans_other_put_errors_are_not_refusals(string message) => Assert.Null(EngineRefusal.Parse(message));

    private static byte[] TarOf(string name, string content)
    {
        using var buffer = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(buffer, leaveOpen: true))
        {
            var entry = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name)
            {
                DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(content)),
            };
            writer.WriteEntry(entry);
        }

        return buffer.ToArray();
    }
}
