using System.Text;
using System.Text.Json;

namespace FileSync.Docker;

/// <summary>A small Docker Engine API client: unversioned paths, our own HTTP/1.1 (<see cref="HttpConnection"/>) and JSON
/// (<see cref="DockerJson"/>), both chosen for a short first call in a fresh build process.</summary>
internal sealed class DockerClient : IDisposable
{
    private const int MaxExecOutputBytes = 4 * 1024 * 1024;
    private const string Json = "application/json";
    private static readonly byte[] ExecStartBody = "{\"Detach\":false,\"Tty\":false}"u8.ToArray();

    private readonly HttpConnectionPool _http;
    private readonly string _basePath;

    private DockerClient(HttpConnectionPool http, string basePath, string endpoint, bool unixSocket)
    {
        _http = http;
        _basePath = basePath;
        Endpoint = endpoint;
        IsUnixSocket = unixSocket;
    }

    /// <summary>The engine listens on a Unix socket of this host's file system (it may still run elsewhere: a VM's
    /// socket forwarded here, so a container's pid is checked before it is trusted, see Targets.ContainerRoot).</summary>
    public bool IsUnixSocket { get; }

    /// <summary>For messages, e.g. <c>unix:///var/run/docker.sock</c>.</summary>
    public string Endpoint { get; }

    /// <summary><paramref name="host"/> null or empty: DOCKER_HOST, else the default socket. TLS from DOCKER_TLS_VERIFY / DOCKER_CERT_PATH.</summary>
    public static DockerClient Create(string? host) => Create(DockerEndpoint.Resolve(host));

    /// <summary>As <see cref="Create(string?)"/>, with the bounds on connecting, waiting for an answer and a stalled transfer.</summary>
    public static DockerClient Create(string? host, DockerTimeouts timeouts) => Create(DockerEndpoint.Resolve(host), timeouts);

    /// <summary>Test seam: an endpoint as parsed, and (tests) short bounds.</summary>
    internal static DockerClient Create(DockerEndpoint endpoint, DockerTimeouts? timeouts = null) =>
        new(new HttpConnectionPool(endpoint.CreateConnector(timeouts ?? DockerTimeouts.Default)), endpoint.BasePath, endpoint.Display, endpoint.Transport == DockerTransport.Unix);

    public void Dispose() => _http.Dispose();

    /// <summary>GET /containers/{id}/json; null when the engine knows no such container.</summary>
    public async Task<ContainerInfo?> InspectContainerAsync(string nameOrId, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrId);
        using var response = await SendAsync(new("GET", "containers/" + Uri.EscapeDataString(nameOrId) + "/json"), ct).ConfigureAwait(false);
        if (response.StatusCode == 404)
        {
            return null;
        }

        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return Parse(response, await response.ReadBodyAsync(ct).ConfigureAwait(false), json => DockerJson.ReadContainer(json));
    }

    /// <summary>Running containers carrying every label filter ("k=v" or "k").</summary>
    public async Task<IReadOnlyList<ContainerSummary>> ListContainersAsync(IReadOnlyList<string> labelFilters, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(labelFilters);
        string path = "containers/json";
        if (labelFilters.Count > 0)
        {
            path += "?filters=" + Uri.EscapeDataString(DockerJson.LabelFilters(labelFilters));
        }

        using var response = await SendAsync(new("GET", path), ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        return Parse(response, await response.ReadBodyAsync(ct).ConfigureAwait(false), json => DockerJson.ReadContainerList(json));
    }

    /// <summary>PUT /containers/{id}/archive?path=...: extracts the tar that <paramref name="writeTar"/> writes, streamed
    /// (chunked, never buffered). The body is only produced once the engine accepted the request (Expect: 100-continue),
    /// so a missing container or folder surfaces as a <see cref="DockerException"/> with the engine's message.
    /// <paramref name="noOverwriteDirNonDir"/>: the engine refuses (naming the path) to replace a folder with a
    /// non-folder or the reverse, instead of deleting what is there.</summary>
    public async Task PutArchiveAsync(string id, string path, Func<Stream, CancellationToken, Task> writeTar, CancellationToken ct, bool noOverwriteDirNonDir = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(writeTar);
        string target = ArchivePath(id, path) + (noOverwriteDirNonDir ? "&noOverwriteDirNonDir=true" : "");
        using var response = await SendAsync(new("PUT", target, "application/x-tar", WriteContent: writeTar), ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        await response.ReadBodyAsync(ct).ConfigureAwait(false); // (empty) to its end: the connection is reused
    }

    /// <summary>HEAD /containers/{id}/archive?path=...: what is at <paramref name="path"/>, from the engine's
    /// X-Docker-Container-Path-Stat header (an lstat: the last component is not followed); null when nothing is there.</summary>
    public async Task<PathStat?> StatPathAsync(string id, string path, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var response = await SendAsync(new("HEAD", ArchivePath(id, path)), ct).ConfigureAwait(false);
        if (response.StatusCode == 404)
        {
            return null;
        }

        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        string header = response.Header("X-Docker-Container-Path-Stat")
            ?? throw new DockerException($"The Docker engine at {Endpoint} did not describe '{path}'.");
        try
        {
            byte[] json = Convert.FromBase64String(header);
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("mode"u8) && reader.Read())
                {
                    return new PathStat(reader.GetUInt32());
                }
            }
        }
        catch (Exception e) when (e is FormatException or JsonException or InvalidOperationException)
        {
            throw new DockerException($"The Docker engine at {Endpoint} described '{path}' in a form FileSync cannot read: {e.Message}", innerException: e);
        }

        throw new DockerException($"The Docker engine at {Endpoint} did not give the mode of '{path}'.");
    }

    /// <summary>GET /containers/{id}/archive?path=...: a tar stream the caller disposes; null when the container or path does not exist.</summary>
    public async Task<Stream?> GetArchiveAsync(string id, string path, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        ArgumentException.ThrowIfNullOrEmpty(path);
        var response = await SendAsync(new("GET", ArchivePath(id, path)), ct).ConfigureAwait(false);
        try
        {
            if (response.StatusCode == 404)
            {
                response.Dispose();
                return null;
            }

            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            return response.Body; // disposing it releases the connection
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>POST /containers/{id}/restart?t=...: stops the container (SIGTERM, then a kill after
    /// <paramref name="stopSeconds"/>) and starts it again; its writable layer, with the synced files, is kept.</summary>
    public async Task RestartContainerAsync(string id, int stopSeconds, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        string target = "containers/" + Uri.EscapeDataString(id) + "/restart?t=" + stopSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var response = await SendAsync(new("POST", target), ct).ConfigureAwait(false);
        await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
        await response.ReadBodyAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="argv"/> in the container (no shell, no TTY) and waits for it; collects stdout and stderr.</summary>
    public async Task<ExecResult> ExecAsync(string id, IReadOnlyList<string> argv, string? user, CancellationToken ct)
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        if (argv is null || argv.Count == 0)
        {
            throw new ArgumentException("The command must have at least one element.", nameof(argv));
        }

        byte[] body = DockerJson.ExecCreate(argv, string.IsNullOrEmpty(user) ? null : user);
        string execId;
        using (var response = await SendAsync(new("POST", "containers/" + Uri.EscapeDataString(id) + "/exec", Json, body), ct).ConfigureAwait(false))
        {
            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            execId = Parse(response, await response.ReadBodyAsync(ct).ConfigureAwait(false), json => DockerJson.ReadProperty(json, "Id"u8))
                ?? throw new DockerException($"The Docker engine at {Endpoint} did not return an exec id.");
        }

        var stdout = new MemoryStream();
        var stderr = new MemoryStream();
        using (var response = await SendAsync(new("POST", "exec/" + Uri.EscapeDataString(execId) + "/start", Json, ExecStartBody), ct).ConfigureAwait(false))
        {
            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            response.BoundAsAWhole(); // the command (rm) runs within the response timeout; a trickle cannot keep it alive
            await DemultiplexAsync(response.Body, stdout, stderr, ct).ConfigureAwait(false); // the raw stream, to the end of the connection
        }

        int exitCode = await GetExecExitCodeAsync(execId, ct).ConfigureAwait(false);
        string outText = Encoding.UTF8.GetString(stdout.GetBuffer(), 0, (int)stdout.Length);
        string errText = Encoding.UTF8.GetString(stderr.GetBuffer(), 0, (int)stderr.Length);
        return new ExecResult(exitCode, outText, errText, IsCommandNotFound(exitCode, outText, errText));
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
            using var response = await SendAsync(new("GET", "exec/" + Uri.EscapeDataString(execId) + "/json"), ct).ConfigureAwait(false);
            await EnsureSuccessAsync(response, ct).ConfigureAwait(false);
            var inspect = Parse(response, await response.ReadBodyAsync(ct).ConfigureAwait(false), json => DockerJson.ReadExecState(json));
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

    private Task<HttpResponse> SendAsync(HttpRequest request, CancellationToken ct) =>
        _http.SendAsync(request with { Target = _basePath + request.Target }, ct);

    /// <summary>An error status becomes a <see cref="DockerException"/> with the engine's message. (Not async when it
    /// succeeds: one state machine less to compile on a cold start.)</summary>
    private Task EnsureSuccessAsync(HttpResponse response, CancellationToken ct) => response.IsSuccess ? Task.CompletedTask : ThrowEngineErrorAsync(response, ct);

    private async Task ThrowEngineErrorAsync(HttpResponse response, CancellationToken ct)
    {
        string text = string.Empty;
        try
        {
            byte[] body = await response.ReadBodyAsync(ct).ConfigureAwait(false);
            text = Encoding.UTF8.GetString(body).Trim();
            text = (text.StartsWith('{') ? DockerJson.ReadProperty(body, "message"u8)?.Trim() : null) ?? text;
        }
        catch (Exception ex) when (ex is DockerException or JsonException)
        {
        }

        int status = response.StatusCode;
        string message = text.Length == 0 ? (response.ReasonPhrase.Length > 0 ? response.ReasonPhrase : "error") : text.Length > 1000 ? text.Substring(0, 1000) : text;
        throw new DockerException($"Docker engine at {Endpoint}: {message} (HTTP {status})", statusCode: status) { Request = response.RequestLine };
    }

    private T Parse<T>(HttpResponse response, byte[] json, Func<byte[], T> parse)
    {
        try
        {
            return parse(json);
        }
        catch (JsonException ex)
        {
            throw new DockerException($"The Docker engine at {Endpoint} returned malformed JSON: {ex.Message}", innerException: ex)
            {
                Broken = true,
                Request = response.RequestLine,
            };
        }
    }
}
