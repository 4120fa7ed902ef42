using FileSync.Diagnostics;
using FileSync.Docker;
using FileSync.Targets;
using FileSync.Tests.Core;

namespace FileSync.Tests.Docker;

/// <summary>
/// Endpoints that misbehave (ADVERSARY.md): accepts and is silent, headers then a silent body, stops reading an upload,
/// garbage, closes mid-response. Every call has a bound (connect, response, stall) and ends in a coded error naming the
/// endpoint, never a hang; a transfer that keeps moving is never cut. Short bounds through the test seam.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class EngineTimeoutTests
{
    private static readonly DockerTimeouts Short = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    private static readonly ContainerInfo Web = new("id-web", "web", "img", "sha256:1", true, "running", "/app", "", new Dictionary<string, string>());
    private readonly RecordingLog _log = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<bool> Transports => new() { false, true };

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task An_engine_that_accepts_and_stays_silent_fails_with_the_response_timeout(bool unix)
    {
        await using var engine = new MisbehavingEngine(unix, peer => peer.ReadHeadAsync());

        Diagnostic error = await ResolveFailsAsync(engine, new TargetSettings("docker") { Container = "web" });

        AssertNames(engine, error, "FSYNC2021");
        Assert.Contains("'GET /containers/web/json' within 1 s (the response timeout)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_TLS_endpoint_that_never_answers_the_handshake_fails_with_the_connect_timeout()
    {
        string certs = Directory.CreateTempSubdirectory("filesync-nocerts-").FullName;
        try
        {
            await using var engine = new MisbehavingEngine(unix: false, _ => Task.CompletedTask); // accepts, then silence
            using var client = engine.Client(Short, tls: true, certPath: certs);

            Diagnostic error = await ResolveFailsAsync(client, new TargetSettings("docker") { Container = "web" });

            AssertNames(engine, error, "FSYNC2020");
            Assert.Contains("within 1 s (the connect timeout", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(certs, recursive: true);
        }
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task Headers_then_a_silent_archive_fail_with_the_stall_timeout(bool unix)
    {
        await using var engine = new MisbehavingEngine(unix, async peer =>
        {
            await peer.ReadHeadAsync();
            await peer.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nContent-Length: 10240\r\n\r\n" + new string('x', 1000));
        });
        using var client = engine.Client(Short);
        await using Stream archive = Assert.IsAssignableFrom<Stream>(await client.GetArchiveAsync("id-web", "/srv", Ct));

        var failure = await Assert.ThrowsAsync<DockerException>(() => archive.CopyToAsync(Stream.Null, Ct));

        Diagnostic error = DockerErrors.Describe(failure, client.Endpoint);
        AssertNames(engine, error, "FSYNC2022");
        Assert.Contains("no progress for 1 s while receiving the response for 'GET /containers/id-web/archive?path=%2Fsrv'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Transports))]
    public async Task An_engine_that_stops_reading_an_upload_fails_with_the_stall_timeout(bool unix)
    {
        await using var engine = new MisbehavingEngine(unix, async peer =>
        {
            await peer.ReadHeadAsync();
            await peer.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n");
            await peer.ReadSomeAsync(64 * 1024); // then never reads again
        });
        using var client = engine.Client(Short);
        var target = new DockerTarget(client, Web, _log);

        var failure = await Assert.ThrowsAsync<FileSyncException>(() => target.UploadAsync("/", WriteZerosAsync(256L * 1024 * 1024), Ct));

        AssertNames(engine, failure.Diagnostic, "FSYNC2022");
        Assert.Contains("no progress for 1 s while sending the request body for 'PUT /containers/id-web/archive?path=%2F&noOverwriteDirNonDir=true'", failure.Diagnostic.Message, StringComparison.Ordinal);
    }

    /// <summary>sentence, what the engine answers mid-upload (then it reads no more), text expected in the FSYNC2005 error.</summary>
    public static TheoryData<string, string, string> EarlyAnswers => new()
    {
        { "An error answer: the engine's message, at once", "HTTP/1.1 500 Internal Server Error\r\nContent-Type: application/json\r\nContent-Length: 34\r\n\r\n{\"message\":\"no space left on dev\"}", "no space left on dev (HTTP 500)" },
        { "Garbage: the broken answer, at once", "SSH-2.0-OpenSSH_9.6\r\n\r\n", "not an HTTP response: 'SSH-2.0-OpenSSH_9.6'" },
    };

    [Theory]
    [MemberData(nameof(EarlyAnswers))]
    public async Task An_answer_in_the_middle_of_an_upload_ends_it_with_that_answer_not_a_stall(string sentence, string answer, string expected)
    {
        await using var engine = new MisbehavingEngine(unix: true, async peer =>
        {
            await peer.ReadHeadAsync();
            await peer.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n");
            await peer.ReadSomeAsync(64 * 1024);
            await peer.WriteAsync(answer); // and never reads again
        });
        using var client = engine.Client(Short);

        var failure = await Assert.ThrowsAsync<FileSyncException>(() => new DockerTarget(client, Web, _log).UploadAsync("/", WriteZerosAsync(256L * 1024 * 1024), Ct));

        Assert.True(failure.Diagnostic.Code == "FSYNC2005" && failure.Diagnostic.Message.Contains(expected, StringComparison.Ordinal), $"{sentence}: {failure.Diagnostic}");
    }

    [Fact]
    public async Task An_upload_that_keeps_moving_is_never_cut_however_long_it_takes()
    {
        const int size = 2 * 1024 * 1024;
        await using var engine = new MisbehavingEngine(unix: true, async peer =>
        {
            await peer.ReadHeadAsync();
            await peer.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n");
            // ~640 KB/s: each write waits for the socket's buffer (~200 KB) to drain, a quarter of the bound; ~3 bounds in all.
            await peer.ReadChunkedSlowlyAsync(64 * 1024, TimeSpan.FromMilliseconds(100));
            await peer.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        });
        using var client = engine.Client(Short);

        await new DockerTarget(client, Web, _log).UploadAsync("/", WriteZerosAsync(size), Ct);

        Assert.True(engine.ContentBytes > size, $"{engine.ContentBytes} bytes arrived");
    }

    [Fact]
    public async Task An_archive_that_trickles_in_longer_than_every_bound_is_read_whole()
    {
        string content = string.Concat(Enumerable.Range(0, 40).Select(i => $"line {i}\n"));
        await using var engine = new MisbehavingEngine(unix: false, async peer =>
        {
            await peer.ReadHeadAsync();
            await peer.WriteAsync($"HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nContent-Length: {content.Length}\r\n\r\n");
            await peer.TrickleAsync(content, bytes: 16, TimeSpan.FromMilliseconds(100)); // ~2 s in all, never 1 s silent
        });
        using var client = engine.Client(Short);

        await using Stream archive = Assert.IsAssignableFrom<Stream>(await client.GetArchiveAsync("web", "/big", Ct));
        using var reader = new StreamReader(archive);

        Assert.Equal(content, await reader.ReadToEndAsync(Ct));
    }

    [Fact]
    public async Task A_small_answer_that_trickles_on_and_on_fails_with_the_response_timeout()
    {
        await using var engine = new MisbehavingEngine(unix: false, async peer =>
        {
            await peer.ReadHeadAsync();
            await peer.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n");
            await peer.TrickleAsync(new string(' ', 100_000), bytes: 1, TimeSpan.FromMilliseconds(100)); // moving, but endless
        });

        Diagnostic error = await ResolveFailsAsync(engine, new TargetSettings("docker") { Container = "web" });

        AssertNames(engine, error, "FSYNC2021");
        Assert.Contains("'GET /containers/web/json' within 1 s (the response timeout)", error.Message, StringComparison.Ordinal);
    }

    /// <summary>sentence, what the endpoint answers to the request before it closes the connection.</summary>
    public static TheoryData<string, string> Garbage => new()
    {
        { "Not HTTP at all: another service on the port", "SSH-2.0-OpenSSH_9.6\r\n\r\n" },
        { "A status line without a status", "HTTP/1.1 OK\r\n\r\n" },
        { "Closed in the middle of the head", "HTTP/1.1 200 OK\r\nContent-Len" },
        { "Closed in the middle of the body", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{\"Id\":\"id-" },
        { "A body that is not JSON", "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!" },
    };

    [Theory]
    [MemberData(nameof(Garbage))]
    public async Task Garbage_or_a_connection_that_dies_mid_response_is_a_coded_error_naming_the_endpoint(string sentence, string answer)
    {
        await using var engine = new MisbehavingEngine(unix: false, async peer =>
        {
            await peer.ReadHeadAsync();
            await peer.WriteAsync(answer);
            peer.Close();
        });

        Diagnostic error = await ResolveFailsAsync(engine, new TargetSettings("docker") { Container = "web" });

        Assert.True(error.Code == "FSYNC2023", $"{sentence}: {error}");
        Assert.Contains(engine.Endpoint, error.Message, StringComparison.Ordinal);
        Assert.Contains("'GET /containers/web/json'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_exec_the_engine_never_answers_fails_with_the_response_timeout()
    {
        await using var engine = new MisbehavingEngine(unix: true, peer => peer.ReadHeadAsync());
        using var client = engine.Client(Short);

        var failure = await Assert.ThrowsAsync<FileSyncException>(() => new DockerTarget(client, Web, _log).DeleteAsync(["/app/gone.txt"], Ct));

        AssertNames(engine, failure.Diagnostic, "FSYNC2021");
        Assert.Contains("'POST /containers/id-web/exec'", failure.Diagnostic.Message, StringComparison.Ordinal);
    }

    /// <summary>sentence, what follows the archive's headers, code expected.</summary>
    public static TheoryData<string, bool, string> BrokenArchives => new()
    {
        { "The archive (a small file) stops moving", false, "FSYNC2021" },
        { "The connection dies mid-archive", true, "FSYNC2023" },
    };

    [Theory]
    [MemberData(nameof(BrokenArchives))]
    public async Task Reading_the_container_user_from_an_archive_that_breaks_off_is_a_coded_error(string sentence, bool close, string code)
    {
        await using var engine = new MisbehavingEngine(unix: true, async peer =>
        {
            await peer.ReadHeadAsync();
            await peer.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n200\r\n" + new string('p', 100));
            if (close)
            {
                peer.Close();
            }
        });
        using var client = engine.Client(Short);
        using var temp = new TempFolder();
        var target = new DockerTarget(client, Web with { User = "app" }, _log);

        var failure = await Assert.ThrowsAsync<FileSyncException>(() => new Syncer(_log).SyncOneAsync([], target, new SyncOptions(temp.Combine("state")), Ct));

        Assert.True(failure.Diagnostic.Code == code, $"{sentence}: {failure.Diagnostic}");
        Assert.Contains(engine.Endpoint, failure.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("'GET /containers/id-web/archive?path=%2Fetc%2Fpasswd'", failure.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_container_user_read_from_an_endless_trickle_fails_with_the_response_timeout()
    {
        await using var engine = new MisbehavingEngine(unix: true, async peer =>
        {
            await peer.ReadHeadAsync();
            await peer.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nContent-Length: 100000\r\n\r\n");
            await peer.TrickleAsync(new string('x', 100_000), bytes: 1, TimeSpan.FromMilliseconds(100)); // a tar header in ~50 s
        });
        using var client = engine.Client(Short);
        using var temp = new TempFolder();
        var target = new DockerTarget(client, Web with { User = "app" }, _log);

        var failure = await Assert.ThrowsAsync<FileSyncException>(() => new Syncer(_log).SyncOneAsync([], target, new SyncOptions(temp.Combine("state")), Ct));

        AssertNames(engine, failure.Diagnostic, "FSYNC2021");
        Assert.Contains("'GET /containers/id-web/archive?path=%2Fetc%2Fpasswd' within 1 s", failure.Diagnostic.Message, StringComparison.Ordinal);
    }

    private Task<Diagnostic> ResolveFailsAsync(MisbehavingEngine engine, TargetSettings settings) => ResolveFailsAsync(engine.Client(Short), settings);

    private async Task<Diagnostic> ResolveFailsAsync(DockerClient client, TargetSettings settings)
    {
        using (client)
        {
            var failure = await Assert.ThrowsAsync<FileSyncException>(() => TargetFactory.ResolveAsync(settings, _ => client, _log, Ct));
            return failure.Diagnostic;
        }
    }

    private static void AssertNames(MisbehavingEngine engine, Diagnostic error, string code)
    {
        Assert.True(error.Code == code, $"expected {code}, got {error}");
        Assert.Contains($"at '{engine.Endpoint}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("FileSyncDockerTimeout", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A tar writer stand-in: <paramref name="size"/> zero bytes in 64 KB writes.</summary>
    private static Func<Stream, CancellationToken, Task> WriteZerosAsync(long size) => async (stream, ct) =>
    {
        byte[] block = new byte[64 * 1024];
        for (long sent = 0; sent < size; sent += block.Length)
        {
            await stream.WriteAsync(block.AsMemory(0, (int)Math.Min(block.Length, size - sent)), ct);
        }
    };
}
