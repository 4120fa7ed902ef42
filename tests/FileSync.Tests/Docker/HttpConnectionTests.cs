using System.Net.Sockets;
using System.Text;
using FileSync.Docker;

namespace FileSync.Tests.Docker;

/// <summary>
/// FileSync's own HTTP/1.1 (<see cref="HttpConnection"/>), through <see cref="DockerClient"/>, against a scripted engine on a
/// Unix socket: the cases the real engine does not show on demand (connection reuse and loss, bodies split anywhere,
/// no 100 Continue, malformed answers, cancellation).
/// </summary>
public sealed partial class HttpConnectionTests
{
    private const string NoContainers = "[]";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Sequential_requests_share_one_connection()
    {
        await using var engine = new ScriptedEngine(async exchange =>
        {
            if (exchange.Target.Contains("/archive", StringComparison.Ordinal))
            {
                await exchange.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n");
            }

            await exchange.ReadContentAsync();
            await exchange.WriteAsync(exchange.Target switch
            {
                "/containers/json" => Ok(NoContainers),
                "/containers/web/json" => Chunked(Inspection("web")),
                _ => Chunked(""),
            });
        });
        using var client = engine.Client();

        Assert.Empty(await client.ListContainersAsync([], Ct));
        Assert.Equal("web", (await client.InspectContainerAsync("web", Ct))?.Name);
        await client.PutArchiveAsync("web", "/", (_, _) => Task.CompletedTask, Ct); // 200, with an empty chunked body
        Assert.Empty(await client.ListContainersAsync([], Ct));

        Assert.Equal(1, engine.Connections);
        Assert.Equal(["GET /containers/json", "GET /containers/web/json", "PUT /containers/web/archive?path=%2F", "GET /containers/json"], engine.Requests);
    }

    [Fact]
    public async Task A_connection_the_engine_closed_while_idle_is_replaced()
    {
        await using var engine = new ScriptedEngine(async exchange =>
        {
            await exchange.WriteAsync(Ok(NoContainers)); // keep-alive promised, then closed anyway
            exchange.Close();
        });
        using var client = engine.Client();

        for (int i = 0; i < 3; i++)
        {
            Assert.Empty(await client.ListContainersAsync([], Ct));
        }

        Assert.Equal(3, engine.Connections);
    }

    [Fact]
    public async Task A_chunked_response_split_anywhere_is_read_whole()
    {
        await using var engine = new ScriptedEngine(exchange => exchange.WriteBytewiseAsync(
            Chunked(Inspection("split"), chunk: 7).Replace("7\r\n", "7;ext=1\r\n", StringComparison.Ordinal)
                .Replace("\r\n0\r\n\r\n", "\r\n0\r\nX-Trailer: yes\r\n\r\n", StringComparison.Ordinal)));
        using var client = engine.Client();

        var first = await client.InspectContainerAsync("split", Ct);
        var second = await client.InspectContainerAsync("split", Ct);

        Assert.Equal(("split", "/app", "v"), (first?.Name, first?.WorkingDir, first?.Labels["k"]));
        Assert.Equal(first?.Id, second?.Id);
        Assert.Equal(1, engine.Connections); // the trailer was consumed: the connection stayed usable
    }

    [Fact]
    public async Task A_response_without_a_length_runs_to_the_end_of_the_connection()
    {
        await using var engine = new ScriptedEngine(async exchange =>
        {
            await exchange.WriteAsync("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n" + NoContainers);
            exchange.Close();
        });
        using var client = engine.Client();

        Assert.Empty(await client.ListContainersAsync([], Ct));
        Assert.Empty(await client.ListContainersAsync([], Ct));

        Assert.Equal(2, engine.Connections);
    }

    [Fact]
    public async Task Streamed_content_arrives_whole_after_100_Continue()
    {
        byte[] data = new byte[200_000];
        new Random(7).NextBytes(data);
        await using var engine = new ScriptedEngine(async exchange =>
        {
            if (exchange.Target == "/containers/json")
            {
                await exchange.WriteAsync(Ok(NoContainers));
                return;
            }

            await exchange.WriteAsync("HTTP/1.1 100 Continue\r\n\r\n");
            await exchange.ReadContentAsync();
            await exchange.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        });
        using var client = engine.Client();

        await client.PutArchiveAsync("web", "/", async (stream, ct) =>
        {
            // Odd sizes, so that chunk boundaries fall everywhere; one synchronous write too.
            for (int at = 0; at < data.Length;)
            {
                int n = Math.Min(data.Length - at, 1 + (at % 40_000));
                if (at == 0)
                {
                    stream.Write(data, at, n);
                }
                else
                {
                    await stream.WriteAsync(data.AsMemory(at, n), ct);
                }

                at += n;
            }
        }, Ct);
        await client.ListContainersAsync([], Ct);

        Assert.Equal(data, engine.Contents[0]);
        Assert.Equal(["PUT /containers/web/archive?path=%2F", "GET /containers/json"], engine.Requests);
        Assert.Equal(("100-continue", "chunked", "application/x-tar"), engine.FirstHeaders("Expect", "Transfer-Encoding", "Content-Type"));
        Assert.Equal(1, engine.Connections); // the content was ended properly: the connection served the next request
    }

    [Fact]
    public async Task Streamed_content_is_sent_when_the_engine_does_not_answer_Expect()
    {
        await using var engine = new ScriptedEngine(async exchange =>
        {
            await exchange.ReadContentAsync(); // no 100 Continue: the client sends after its wait
            await exchange.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");
        });
        using var client = engine.Client();

        await client.PutArchiveAsync("web", "/", (stream, ct) => stream.WriteAsync("tar"u8.ToArray(), ct).AsTask(), Ct);

        Assert.Equal("tar"u8.ToArray(), engine.Contents[0]);
    }

    [Fact]
    public async Task A_refusal_before_100_Continue_is_the_engine_error_and_the_content_is_not_asked_for()
    {
        await using var engine = new ScriptedEngine(exchange =>
            exchange.WriteAsync(Json("404 Not Found", """{"message":"No such container: gone"}""")));
        using var client = engine.Client();
        bool asked = false;

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.PutArchiveAsync("gone", "/", (_, _) =>
        {
            asked = true;
            return Task.CompletedTask;
        }, Ct));

        Assert.Equal(404, ex.StatusCode);
        Assert.Contains("No such container: gone (HTTP 404)", ex.Message, StringComparison.Ordinal);
        Assert.False(asked);
    }

    /// <summary>sentence, what the engine answers before closing the connection, text expected in the message.</summary>
    public static TheoryData<string, string, string> BrokenAnswers => new()
    {
        { "Not HTTP at all", "SSH-2.0-OpenSSH_9.6\r\n\r\n", "not an HTTP response" },
        { "Closed before any answer", "", "closed the connection" },
        { "Closed in the middle of the head", "HTTP/1.1 200 OK\r\nContent-Len", "closed the connection" },
        { "Closed before the announced length", "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n[{\"Id\"", "closed the connection" },
        { "Closed in the middle of a chunk", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n40\r\n[{\"Id\"", "closed the connection" },
        { "A chunk size that is not hexadecimal", "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "malformed chunked response" },
        { "A body that is not JSON", "HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nnot json!", "malformed JSON" },
    };

    [Theory]
    [MemberData(nameof(BrokenAnswers))]
    public async Task A_broken_answer_is_a_DockerException(string sentence, string answer, string expected)
    {
        await using var engine = new ScriptedEngine(async exchange =>
        {
            await exchange.WriteAsync(answer);
            exchange.Close();
        });
        using var client = engine.Client();

        var ex = await Record.ExceptionAsync(() => client.ListContainersAsync([], Ct));

        Assert.True(ex is DockerException { Unreachable: false } && ex.Message.Contains(expected, StringComparison.Ordinal), $"{sentence}: {ex}");
    }

    [Fact]
    public async Task A_request_waiting_for_the_engine_can_be_cancelled()
    {
        var received = new TaskCompletionSource();
        await using var engine = new ScriptedEngine(async exchange =>
        {
            received.TrySetResult();
            await Task.Delay(Timeout.Infinite, exchange.Stopping); // never answers
        });
        using var client = engine.Client();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        Task<IReadOnlyList<ContainerSummary>> call = client.ListContainersAsync([], cancel.Token);
        await received.Task.WaitAsync(Ct);
        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
    }

    private static string Inspection(string name) =>
        """{"Id":"id-NAME","Name":"/NAME","Image":"sha256:1","State":{"Status":"running","Running":true},"Config":{"Image":"img","WorkingDir":"/app","User":"","Labels":{"k":"v"}}}"""
            .Replace("NAME", name, StringComparison.Ordinal);

    private static string Ok(string json) => Json("200 OK", json);

    private static string Json(string status, string json) =>
        $"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {Encoding.UTF8.GetByteCount(json)}\r\n\r\n{json}";

    /// <summary>A 200 response whose body goes in chunks of <paramref name="chunk"/> characters (ASCII bodies only).</summary>
    private static string Chunked(string body, int chunk = 1000)
    {
        var text = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n");
        for (int at = 0; at < body.Length; at += chunk)
        {
            string part = body.Substring(at, Math.Min(chunk, body.Length - at));
            text.Append(part.Length.ToString("x", System.Globalization.CultureInfo.InvariantCulture)).Append("\r\n").Append(part).Append("\r\n");
        }

        return text.Append("0\r\n\r\n").ToString();
    }

    /// <summary>
    /// An engine stand-in on a Unix socket: for each request on each connection it reads the head, then runs the script,
    /// which answers with raw bytes (and reads the content, if it wants it). Records requests, contents and connections.
    /// </summary>
    private sealed class ScriptedEngine : IAsyncDisposable
    {
        private readonly string _path = Path.Combine(Path.GetTempPath(), "filesync-http-" + Guid.NewGuid().ToString("N")[..12] + ".sock");
        private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        private readonly CancellationTokenSource _stop = new();
        private readonly Func<Exchange, Task> _script;
        private readonly Task _loop;
        private readonly List<Task> _connections = [];
        private int _connectionCount;
        private Dictionary<string, string>? _firstHeaders;

        public ScriptedEngine(Func<Exchange, Task> script)
        {
            _script = script;
            _listener.Bind(new UnixDomainSocketEndPoint(_path));
            _listener.Listen();
            _loop = AcceptAsync();
        }

        public int Connections => Volatile.Read(ref _connectionCount);

        public List<string> Requests { get; } = [];

        public List<byte[]> Contents { get; } = [];

        /// <summary>Some header fields of the first request.</summary>
        public (string?, string?, string?) FirstHeaders(string a, string b, string c) =>
            (_firstHeaders?.GetValueOrDefault(a), _firstHeaders?.GetValueOrDefault(b), _firstHeaders?.GetValueOrDefault(c));

        public DockerClient Client() => DockerClient.Create(DockerEndpoint.Parse("unix://" + _path, tls: false, certPath: null));

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Dispose();
            // The accept loop ends first: only then is the list of connections complete, and read under its lock (read
            // while the loop still added to it, the copy could hold a null).
            await _loop.WaitAsync(TimeSpan.FromSeconds(10));
            Task[] connections;
            lock (_connections)
            {
                connections = [.. _connections];
            }

            await Task.WhenAll(connections).WaitAsync(TimeSpan.FromSeconds(10));
            File.Delete(_path);
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (true)
            {
                Socket socket;
                try
                {
                    socket = await _listener.AcceptAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                Interlocked.Increment(ref _connectionCount);
                lock (_connections)
                {
                    _connections.Add(ServeAsync(socket));
                }
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            await using var stream = new NetworkStream(socket, ownsSocket: true);
            var exchange = new Exchange(this, stream, _stop.Token);
            try
            {
                while (!exchange.Closed && await exchange.ReadHeadAsync())
                {
                    await _script(exchange);
                }
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or SocketException)
            {
                // The client went away, or the test ended.
            }
        }

        /// <summary>One request on one connection, as the script sees it.</summary>
        public sealed class Exchange(ScriptedEngine engine, NetworkStream stream, CancellationToken stopping)
        {
            private readonly List<byte> _pending = [];
            private Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);

            public CancellationToken Stopping => stopping;

            public string Target { get; private set; } = "";

            public bool Closed { get; private set; }

            private string? Header(string name) => _headers.GetValueOrDefault(name);

            public async Task WriteAsync(string raw) => await stream.WriteAsync(Encoding.UTF8.GetBytes(raw), stopping);

            public async Task WriteBytewiseAsync(string raw)
            {
                foreach (byte b in Encoding.UTF8.GetBytes(raw))
                {
                    await stream.WriteAsync(new[] { b }, stopping);
                }
            }

            public void Close()
            {
                Closed = true;
                stream.Socket.Shutdown(SocketShutdown.Both);
            }

            public async Task<bool> ReadHeadAsync()
            {
                string? line = await ReadLineAsync();
                if (line is null)
                {
                    return false;
                }

                string[] parts = line.Split(' ');
                Target = parts[1];
                lock (engine.Requests)
                {
                    engine.Requests.Add(parts[0] + " " + parts[1]);
                }

                _headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                while (await ReadLineAsync() is { Length: > 0 } header)
                {
                    int colon = header.IndexOf(':');
                    _headers[header[..colon]] = header[(colon + 1)..].Trim();
                }

                Interlocked.CompareExchange(ref engine._firstHeaders, _headers, null);

                return true;
            }

            /// <summary>Reads the request's content (by Content-Length, or chunked) and records it.</summary>
            public async Task ReadContentAsync()
            {
                var content = new List<byte>();
                if (Header("Transfer-Encoding") == "chunked")
                {
                    while (Convert.ToInt32((await ReadLineAsync())!.Split(';')[0], 16) is int size and > 0)
                    {
                        content.AddRange(await ReadBytesAsync(size));
                        await ReadLineAsync();
                    }

                    await ReadLineAsync();
                }
                else if (Header("Content-Length") is string length)
                {
                    content.AddRange(await ReadBytesAsync(int.Parse(length, System.Globalization.CultureInfo.InvariantCulture)));
                }

                lock (engine.Contents)
                {
                    engine.Contents.Add([.. content]);
                }
            }

            private async Task<string?> ReadLineAsync()
            {
                var line = new List<byte>();
                while (true)
                {
                    byte[] b = await ReadBytesAsync(1);
                    if (b.Length == 0)
                    {
                        return line.Count == 0 ? null : throw new IOException("the client closed the connection mid-line");
                    }

                    if (b[0] == '\n')
                    {
                        return Encoding.UTF8.GetString([.. line]).TrimEnd('\r');
                    }

                    line.Add(b[0]);
                }
            }

            private async Task<byte[]> ReadBytesAsync(int count)
            {
                var result = new byte[count];
                int read = await stream.ReadAtLeastAsync(result, count, throwOnEndOfStream: false, stopping);
                return read == count ? result : result[..read];
            }
        }
    }
}
