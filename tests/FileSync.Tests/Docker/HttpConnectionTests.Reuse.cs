using System.Formats.Tar;
using System.Text;
using FileSync.Docker;
using FileSync.Targets;

namespace FileSync.Tests.Docker;

/// <summary>A first sync's calls share one connection: over ssh each connection is a process and a login.</summary>
public sealed partial class HttpConnectionTests
{
    private static readonly ContainerInfo WebInfo = new("id-web", "web", "img", "sha256:1", true, "running", "/app", "", new Dictionary<string, string>());

    [Fact]
    public async Task A_HEAD_answer_without_a_length_keeps_the_connection()
    {
        string stat = Convert.ToBase64String("""{"name":"app","size":4096,"mode":2147484141,"mtime":"2024-01-01T00:00:00Z","linkTarget":""}"""u8);
        await using var engine = new ScriptedEngine(exchange => exchange.WriteAsync(exchange.Target.Contains("/archive", StringComparison.Ordinal)
            ? $"HTTP/1.1 200 OK\r\nX-Docker-Container-Path-Stat: {stat}\r\n\r\n" // what dockerd sends: no Content-Length
            : Ok(NoContainers)));
        using var client = engine.Client();

        Assert.NotNull(await client.StatPathAsync("web", "/app", Ct));
        Assert.Empty(await client.ListContainersAsync([], Ct));

        Assert.Equal(1, engine.Connections);
    }

    [Fact]
    public async Task Reading_a_small_file_reads_the_archive_to_its_end_and_keeps_the_connection()
    {
        string tar = PasswdArchive("root:x:0:0:root:/root:/bin/sh\napp:x:1000:1000::/app:/bin/sh\n");
        await using var engine = new ScriptedEngine(exchange => exchange.WriteAsync(exchange.Target.Contains("/archive", StringComparison.Ordinal)
            ? $"HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nContent-Length: {tar.Length}\r\n\r\n{tar}"
            : Ok(NoContainers)));
        using var client = engine.Client();
        var target = new DockerTarget(client, WebInfo, new Core.RecordingLog());

        Assert.StartsWith("root:x:0:0", await target.ReadTextFileAsync("/etc/passwd", Ct), StringComparison.Ordinal);
        Assert.Empty(await client.ListContainersAsync([], Ct));

        Assert.Equal(1, engine.Connections);
    }

    /// <summary>A tar of one file, end blocks included, as text (all of it ASCII).</summary>
    private static string PasswdArchive(string content)
    {
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, TarEntryFormat.Ustar, leaveOpen: true))
        {
            writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, "passwd") { DataStream = new MemoryStream(Encoding.ASCII.GetBytes(content)) });
        }

        return Encoding.ASCII.GetString(tar.ToArray());
    }
}
