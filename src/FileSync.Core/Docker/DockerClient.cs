using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.ExceptionServices;
using System.Text;
using System.Text.Json;

namespace FileSync.Docker;

/// <summary>A small Docker Engine API client: unversioned paths, one pooled connection set, source-generated JSON.</summary>
internal sealed class DockerClient : IDisposable
{
    private const int MaxExecOutputBytes = 4 * 1024 * 1024;
    private static readonly byte[] ExecStartBody = "{\"Detach\":false,\"Tty\":false}"u8.ToArray();

    private readonly HttpClient _http;

    private DockerClient(HttpClient http, string endpoint)
    {
        _http = http;
        Endpoint = endpoint;
    }

    /// <summary>For messages, e.g. <c>unix:///var/run/docker.sock</c>.</summary>
    public string Endpoint { get; }

    /// <summary><paramref name="host"/> null or empty: DOCKER_HOST, else the default socket. TLS from DOCKER_TLS_VERIFY / DOCKER_CERT_PATH.</summary>
    public static DockerClient Create(string? host) => Create(DockerEndpoint.Resolve(host));

    internal static DockerClient Create(DockerEndpoint endpoint)
    {
        var http = new HttpClient(endpoint.CreateHandler(), disposeHandler: true) { BaseAddress = endpoint.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        return new DockerClient(http, endpoint.Display);
    }

    public void Dispose() => _http.Dispose();

    /// <summary>The engine's API version (e.g. "1.41").</summary>
    public async Task<string> GetVersionAsync(CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, "version", null, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        var version = await ReadJsonAsync(response, DockerJsonContext.Default.VersionResponse, ct).ConfigureAwait(false);
        return version?.ApiVersion ?? throw new DockerException($"The Docker engine at {Endpoint} did not report its API version.");
    }

    /// <summary>GET /containers/{id}/json; null when the engine knows no such container.</summary>
    public async Task<ContainerInfo?> InspectContainerAsync(string nameOrId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrId);
        using var response = await SendAsync(HttpMethod.Get, "containers/" + Uri.EscapeDataString(nameOrId) + "/json", null, ct).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        var c = await ReadJsonAsync(response, DockerJsonContext.Default.ContainerInspectResponse, ct).ConfigureAwait(false)
            ?? throw new DockerException($"The Docker engine at {Endpoint} returned an empty inspection of '{nameOrId}'.");
        return new ContainerInfo(
            c.Id ?? string.Empty,
            TrimSlash(c.Name),
            c.Config?.Image ?? string.Empty,
            c.Image ?? string.Empty,
            c.State?.Running ?? false,
            c.State?.Status ?? string.Empty,
            c.Config?.WorkingDir ?? string.Empty,
            c.Config?.User ?? string.Empty,
            (IReadOnlyDictionary<string, string>?)c.Config?.Labels ?? EmptyLabels);
    }

    /// <summary>Running containers carrying every label filter ("k=v" or "k").</summary>
    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IReadOnlyList<string> labelFilters, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(labelFilters);
        string path = "containers/json";
        if (labelFilters.Count > 0)
        {
            string filters = JsonSerializer.Serialize(new LabelFilters { Label = labelFilters }, DockerJsonContext.Default.LabelFilters);
            path += "?filters=" + Uri.EscapeDataString(filters);
        }

        using var response = await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        var items = await ReadJsonAsync(response, DockerJsonContext.Default.ListContainerListItem, ct).ConfigureAwait(false);
        if (items is null || items.Count == 0)
        {
            return [];
        }

        var result = new ContainerSummary[items.Count];
        for (int i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var names = new string[item.Names?.Count ?? 0];
            for (int n = 0; n < names.Length; n++)
            {
                names[n] = TrimSlash(item.Names![n]);
            }

            result[i] = new ContainerSummary(item.Id ?? string.Empty, names, item.Image ?? string.Empty, item.ImageId ?? string.Empty,
                item.State ?? string.Empty, (IReadOnlyDictionary<string, string>?)item.Labels ?? EmptyLabels);
        }

        return result;
    }

    /// <summary>PUT /containers/{id}/archive?path=...: extracts the tar that <paramref name="writeTar"/> writes, streamed
    /// (chunked, never buffered). The body is only produced once the engine accepted the request (Expect: 100-continue),
    /// so a missing container or folder surfaces as a <see cref="DockerException"/> with the engine's message.</summary>
    public async Task PutArchiveAsync(string id, string path, Func<Stream, CancellationToken, Task> writeTar, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(writeTar);
        var content = new StreamingContent(writeTar);
        using var request = new HttpRequestMessage(HttpMethod.Put, ArchivePath(id, path)) { Content = content };
        request.Headers.ExpectContinue = true;
        using var response = await SendAsync(request, HttpCompletionOption.ResponseContentRead, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
    }

    /// <summary>GET /containers/{id}/archive?path=...: a tar stream the caller disposes; null when the container or path does not exist.</summary>
    public async Task<Stream?> GetArchiveAsync(string id, string path, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var response = await SendAsync(HttpMethod.Get, ArchivePath(id, path), null, ct).ConfigureAwait(false);
        try
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                response.Dispose();
                return null;
            }

            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            return await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false); // disposing it releases the response
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Runs <paramref name="argv"/> in the container (no shell, no TTY) and waits for it; collects stdout and stderr.</summary>
    public async Task<ExecResult> ExecAsync(string id, IReadOnlyList<string> argv, string? user, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (argv is null || argv.Count == 0)
        {
            throw new ArgumentException("The command must have at least one element.", nameof(argv));
        }

        var create = new ExecCreateRequest { AttachStdout = true, AttachStderr = true, Cmd = argv, User = string.IsNullOrEmpty(user) ? null : user };
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(create, DockerJsonContext.Default.ExecCreateRequest);
        string execId;
        using (var response = await SendAsync(HttpMethod.Post, "containers/" + Uri.EscapeDataString(id) + "/exec", body, ct).ConfigureAwait(false))
        {
            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            var created = await ReadJsonAsync(response, DockerJsonContext.Default.IdResponse, ct).ConfigureAwait(false);
            execId = created?.Id ?? throw new DockerException($"The Docker engine at {Endpoint} did not return an exec id.");
        }

        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        using (var response = await SendAsync(HttpMethod.Post, "exec/" + execId + "/start", ExecStartBody, ct).ConfigureAwait(false))
        {
            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            await DemultiplexAsync(stream, stdout, stderr, ct).ConfigureAwait(false);
        }

        int exitCode = await GetExecExitCodeAsync(execId, ct).ConfigureAwait(false);
        string outText = Encoding.UTF8.GetString(stdout.GetBuffer(), 0, (int)stdout.Length);
        string errText = Encoding.UTF8.GetString(stderr.GetBuffer(), 0, (int)stderr.Length);
        return new ExecResult(exitCode, outText, errText, IsCommandNotFound(exitCode, outText, errText));
    }

    /// <summary>POST /containers/{id}/restart; the engine's default stop timeout applies.</summary>
    public Task RestartAsync(string id, CancellationToken ct) => RestartAsync(id, null, ct);

    /// <summary>POST /containers/{id}/restart?t=...: SIGTERM, then SIGKILL after <paramref name="stopTimeoutSeconds"/>.</summary>
    public async Task RestartAsync(string id, int? stopTimeoutSeconds, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        string path = "containers/" + Uri.EscapeDataString(id) + "/restart";
        if (stopTimeoutSeconds is int t)
        {
            path += "?t=" + t.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        using var response = await SendAsync(HttpMethod.Post, path, null, ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
    }

    /// <summary>The runtime could not start the executable: it does not exist (by path or on PATH). runc through the engine
    /// reports "OCI runtime exec failed: ... executable file not found in $PATH" or "... no such file or directory", exit 126.</summary>
    internal static bool IsCommandNotFound(int exitCode, string stdout, string stderr)
    {
        if (exitCode is not (126 or 127))
        {
            return false;
        }

        string text = stderr.Length == 0 ? stdout : stderr + "\n" + stdout;
        return text.Contains("OCI runtime", StringComparison.OrdinalIgnoreCase)
            && (text.Contains("not found", StringComparison.OrdinalIgnoreCase) || text.Contains("no such file or directory", StringComparison.OrdinalIgnoreCase));
    }

    private async Task<int> GetExecExitCodeAsync(string execId, CancellationToken ct)
    {
        // The stream ends once the process's output is closed; the exit code is normally recorded before that.
        // Should it not be yet, ask again briefly rather than report a wrong code.
        for (int attempt = 0; ; attempt++)
        {
            using var response = await SendAsync(HttpMethod.Get, "exec/" + execId + "/json", null, ct).ConfigureAwait(false);
            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            var inspect = await ReadJsonAsync(response, DockerJsonContext.Default.ExecInspectResponse, ct).ConfigureAwait(false);
            if (inspect is { Running: false, ExitCode: int code })
            {
                return code;
            }

            if (attempt >= 200)
            {
                throw new DockerException($"The Docker engine at {Endpoint} did not report the exit code of exec {execId}.");
            }

            await Task.Delay(10, ct).ConfigureAwait(false);
        }
    }

    /// <summary>Reads the engine's multiplexed stream: frames of [type, 0, 0, 0, size (big-endian uint32)] + payload.</summary>
    private static async Task DemultiplexAsync(Stream stream, MemoryStream stdout, MemoryStream stderr, CancellationToken ct)
    {
        byte[] header = new byte[8];
        byte[] buffer = new byte[16 * 1024];
        while (true)
        {
            int read = await stream.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, ct).ConfigureAwait(false);
            if (read < header.Length)
            {
                return; // EOF (a partial header means the engine went away; keep what arrived)
            }

            var target = header[0] == 2 ? stderr : stdout;
            long remaining = ((long)header[4] << 24) | ((long)header[5] << 16) | ((long)header[6] << 8) | header[7];
            while (remaining > 0)
            {
                int n = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    return;
                }

                if (target.Length + n <= MaxExecOutputBytes)
                {
                    target.Write(buffer, 0, n);
                }

                remaining -= n;
            }
        }
    }

    private static string ArchivePath(string id, string path) =>
        "containers/" + Uri.EscapeDataString(id) + "/archive?path=" + Uri.EscapeDataString(path);

    private static string TrimSlash(string? name) => string.IsNullOrEmpty(name) ? string.Empty : name[0] == '/' ? name.Substring(1) : name;

    private static readonly IReadOnlyDictionary<string, string> EmptyLabels = new Dictionary<string, string>();

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[]? jsonBody, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        if (jsonBody is not null)
        {
            request.Content = new ByteArrayContent(jsonBody);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        return await SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, HttpCompletionOption completion, CancellationToken ct)
    {
        try
        {
            return await _http.SendAsync(request, completion, ct).ConfigureAwait(false);
        }
        catch (Exception) when (request.Content is StreamingContent { Failure: { } failure })
        {
            failure.Throw(); // the caller's tar writer failed (not the connection): surface its own exception
            throw;
        }
        catch (OperationCanceledException ex) when (!ct.IsCancellationRequested)
        {
            throw new DockerException($"Cannot connect to the Docker engine at {Endpoint}: no answer within {DockerEndpoint.ConnectTimeout.TotalSeconds:0} s.", unreachable: true, innerException: ex);
        }
        catch (HttpRequestException ex) when (ex.InnerException is DockerException inner)
        {
            throw new DockerException(inner.Message, inner.StatusCode, inner.Unreachable, inner.InvalidEndpoint, ex);
        }
        catch (HttpRequestException ex) when (IsConnectFailure(ex))
        {
            throw new DockerException($"Cannot connect to the Docker engine at {Endpoint}: {Reason(ex)}", unreachable: true, innerException: ex);
        }
        catch (HttpRequestException ex)
        {
            throw new DockerException($"The request to the Docker engine at {Endpoint} failed: {Reason(ex)}", innerException: ex);
        }
    }

    private static bool IsConnectFailure(HttpRequestException ex) =>
        ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
        || ex.InnerException is SocketException or TimeoutException or System.Security.Authentication.AuthenticationException;

    private static string Reason(HttpRequestException ex)
    {
        // "The SSL connection could not be established, see inner exception." needs the innermost message; others hold it already.
        Exception inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return ex.Message.Contains(inner.Message, StringComparison.Ordinal) ? ex.Message : ex.Message + " " + inner.Message;
    }

    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        string text = string.Empty;
        try
        {
            text = (await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false)).Trim();
            text = (text.StartsWith('{') ? JsonSerializer.Deserialize(text, DockerJsonContext.Default.ErrorResponse)?.Message?.Trim() : null) ?? text;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException)
        {
        }

        int status = (int)response.StatusCode;
        string message = text.Length == 0 ? response.ReasonPhrase ?? "error" : text.Length > 1000 ? text.Substring(0, 1000) : text;
        throw new DockerException($"Docker engine at {Endpoint}: {message} (HTTP {status})", statusCode: status);
    }

    private async Task<T?> ReadJsonAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken ct)
    {
        try
        {
            using var stream = await response.Content.ReadAsStreamAsync(ct).ConfigureAwait(false);
            return await JsonSerializer.DeserializeAsync(stream, typeInfo, ct).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            throw new DockerException($"The Docker engine at {Endpoint} returned malformed JSON: {ex.Message}", innerException: ex);
        }
    }

    /// <summary>A request body produced by a callback while it is sent: chunked, never buffered.</summary>
    private sealed class StreamingContent : HttpContent
    {
        private readonly Func<Stream, CancellationToken, Task> _write;

        public StreamingContent(Func<Stream, CancellationToken, Task> write)
        {
            _write = write;
            Headers.ContentType = new MediaTypeHeaderValue("application/x-tar");
        }

        /// <summary>Set when the callback failed by itself, not because writing to the connection failed.</summary>
        public ExceptionDispatchInfo? Failure { get; private set; }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            var guarded = new GuardedStream(stream);
            try
            {
                await _write(guarded, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException && !guarded.Failed)
            {
                Failure = ExceptionDispatchInfo.Capture(ex);
                throw;
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false; // Transfer-Encoding: chunked
        }
    }

    /// <summary>Write-only pass-through that remembers whether the connection itself failed.</summary>
    private sealed class GuardedStream(Stream inner) : Stream
    {
        public bool Failed { get; private set; }
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Flush() => Guard(() => inner.Flush());
        public override void Write(byte[] buffer, int offset, int count) => Guard(() => inner.Write(buffer, offset, count));
        public override Task FlushAsync(CancellationToken ct) => GuardAsync(() => new ValueTask(inner.FlushAsync(ct))).AsTask();
        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken ct) => WriteAsync(buffer.AsMemory(offset, count), ct).AsTask();
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken ct = default) => GuardAsync(() => inner.WriteAsync(buffer, ct));

        private void Guard(Action write)
        {
            try { write(); }
            catch { Failed = true; throw; }
        }

        private async ValueTask GuardAsync(Func<ValueTask> write)
        {
            try { await write().ConfigureAwait(false); }
            catch { Failed = true; throw; }
        }
    }
}
