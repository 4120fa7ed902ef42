using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Security.Authentication;
using FileSync.Diagnostics;
using FileSync.Docker;
using FileSync.Targets;
using k8s;
using k8s.Autorest;
using k8s.Exceptions;
using k8s.KubeConfigModels;
using System.Text.Json;

namespace FileSync.Kubernetes;

/// <summary>
/// <see cref="IKubeApi"/> on KubernetesClient: kubeconfig (contexts, exec plugins, certificates), pods, and exec over
/// WebSocket. Credentials stay inside the client: nothing here prints a request, a header or the config.
/// </summary>
internal sealed partial class KubeApi : IKubeApi, IDisposable
{
    /// <summary>Bounds a list/get and an exec's connection; an exec's own run is bounded by <see cref="ExecBound"/>.</summary>
    private static readonly TimeSpan CallBound = TimeSpan.FromSeconds(30);

    /// <summary>At most this many execs in flight to the API server: replicas are synced in parallel, within a bound.</summary>
    internal const int MaxParallelExecs = 6;

    private readonly k8s.Kubernetes _client;
    private readonly SemaphoreSlim _gate = new(MaxParallelExecs);

    private KubeApi(KubernetesClientConfiguration config, string endpoint)
    {
        config.HttpClientTimeout = CallBound;
        _client = new k8s.Kubernetes(config);
        Endpoint = endpoint;
        ContextNamespace = string.IsNullOrWhiteSpace(config.Namespace) ? null : config.Namespace;
    }

    public string Endpoint { get; }

    public string? ContextNamespace { get; }

    /// <summary>The API the settings name: their kubeconfig (KUBECONFIG, else ~/.kube/config) and context.</summary>
    public static IKubeApi For(TargetSettings settings) => Create(settings.KubeConfig ?? DefaultConfig(), settings.KubeContext);

    private static string DefaultConfig() => Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kube", "config");

    /// <summary>Reads the kubeconfig (KUBECONFIG's ':'-separated files that exist, merged as kubectl does) and picks the
    /// context (null: the current one). Any failure is FSYNC9003 naming the files, never the file's content.</summary>
    public static KubeApi Create(string kubeConfig, string? context)
    {
        FileInfo[] files = [.. kubeConfig.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(path => new FileInfo(path))];
        string described = files.Length == 0 ? "no file" : string.Join(", ", files.Select(file => file.FullName));
        FileInfo[] present = [.. files.Where(file => file.Exists)];
        if (present.Length == 0)
        {
            throw new FileSyncException(Diag.KubeConfigUnreadable(described, "no such file"));
        }

        try
        {
            K8SConfiguration parsed = KubeConfigFiles.Load(present, string.IsNullOrWhiteSpace(context) ? null : context.Trim());
            KubernetesClientConfiguration config = KubernetesClientConfiguration.BuildConfigFromConfigObject(parsed, string.IsNullOrWhiteSpace(context) ? null : context.Trim());
            return new KubeApi(config, Credentials.Redact(config.Host ?? "(no server)"));
        }
        catch (Exception e) when (e is KubeConfigException or IOException or UnauthorizedAccessException or FormatException or InvalidOperationException
            or ArgumentException or YamlDotNet.Core.YamlException or System.Security.Cryptography.CryptographicException)
        {
            throw new FileSyncException(Diag.KubeConfigUnreadable(described, Redacted(FirstLine(e.Message))), e);
        }
    }

    public async Task<KubePod?> GetPodAsync(string ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            using JsonDocument pod = await GetJsonAsync($"api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods/{Uri.EscapeDataString(name)}", cancellationToken).ConfigureAwait(false);
            return KubeJson.ToPod(pod.RootElement);
        }
        catch (KubeApiException e) when (e.Failure == KubeFailure.NotFound)
        {
            return null;
        }
    }

    public async Task<IReadOnlyList<KubePod>> ListPodsAsync(string ns, string? labelSelector, CancellationToken cancellationToken)
    {
        string query = string.IsNullOrWhiteSpace(labelSelector) ? "" : "?labelSelector=" + Uri.EscapeDataString(labelSelector.Trim());
        using JsonDocument list = await GetJsonAsync($"api/v1/namespaces/{Uri.EscapeDataString(ns)}/pods{query}", cancellationToken).ConfigureAwait(false);
        return list.RootElement.TryGetProperty("items", out JsonElement items) && items.ValueKind == JsonValueKind.Array ? [.. items.EnumerateArray().Select(KubeJson.ToPod)] : [];
    }

    /// <summary>
    /// A GET through the client's own HttpClient (its TLS and client-certificate handler) and credentials (token, exec
    /// plugin), read with JsonDocument: KubernetesClient's typed calls first set up System.Text.Json for its whole model,
    /// measured here at ~0.6 s of a cold build for one pod list.
    /// </summary>
    private Task<JsonDocument> GetJsonAsync(string path, CancellationToken cancellationToken) => Call(async token =>
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_client.BaseUri, path));
        request.Headers.Accept.ParseAdd("application/json");
        if (_client.Credentials is { } credentials)
        {
            await credentials.ProcessHttpRequestAsync(request, token).ConfigureAwait(false);
        }

        using HttpResponseMessage response = await _client.HttpClient.SendAsync(request, token).ConfigureAwait(false);
        string body = await response.Content.ReadAsStringAsync(token).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            HttpStatusCode status = response.StatusCode;
            throw new KubeApiException(
                status switch { HttpStatusCode.NotFound => KubeFailure.NotFound, HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => KubeFailure.Refused, _ => KubeFailure.Other },
                Redacted(ServerMessage(body) ?? $"HTTP {(int)status} {status}"));
        }

        try
        {
            return JsonDocument.Parse(body);
        }
        catch (JsonException e)
        {
            throw new KubeApiException(KubeFailure.Other, "the answer is not JSON: " + Redacted(e.Message), e);
        }
    }, cancellationToken);

    /// <summary>One API call within <see cref="CallBound"/>, its failures as <see cref="KubeApiException"/>.</summary>
    private async Task<T> Call<T>(Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(CallBound);
        try
        {
            return await call(bound.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new KubeApiException(KubeFailure.Unreachable, $"no answer within {CallBound.TotalSeconds:0} s", e);
        }
        catch (Exception e) when (Classify(e) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>What an exception from the client means; null for cancellation and defects.</summary>
    internal static KubeApiException? Classify(Exception e)
    {
        switch (e)
        {
            case KubeApiException known:
                return known;
            case HttpOperationException http:
                HttpStatusCode status = http.Response?.StatusCode ?? 0;
                string said = ServerMessage(http.Response?.Content) ?? $"HTTP {(int)status} {status}";
                return new KubeApiException(
                    status switch { HttpStatusCode.NotFound => KubeFailure.NotFound, HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => KubeFailure.Refused, _ => KubeFailure.Other },
                    Redacted(said), e);
            case HttpRequestException or SocketException or AuthenticationException or IOException:
                return new KubeApiException(KubeFailure.Unreachable, Redacted(Innermost(e).Message), e);
            case WebSocketException socket:
                // A refused upgrade: "The server returned status code '404' when status code '101' was expected."
                string text = Innermost(socket).Message;
                return new KubeApiException(
                    Innermost(socket) is SocketException ? KubeFailure.Unreachable
                    : text.Contains("'404'", StringComparison.Ordinal) ? KubeFailure.NotFound
                    : text.Contains("'401'", StringComparison.Ordinal) || text.Contains("'403'", StringComparison.Ordinal) ? KubeFailure.Refused
                    : text.Contains("'400'", StringComparison.Ordinal) ? KubeFailure.BadRequest
                    : KubeFailure.Other,
                    Redacted(text), e);
            case KubernetesException kube:
                return new KubeApiException(KubeFailure.Other, Redacted(kube.Status?.Message ?? kube.Message), e);
            case KubeConfigException config:
                return new KubeApiException(KubeFailure.Refused, Redacted(FirstLine(config.Message)), e); // an exec plugin or token file that failed
            default:
                return null;
        }
    }

    /// <summary>KubernetesClient puts a plugin failure's inner exception, stack and all, into its message: its first line is the message.</summary>
    private static string FirstLine(string message) => message.Split('\n', 2)[0].TrimEnd('\r');

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is { } inner)
        {
            e = inner;
        }

        return e;
    }

    /// <summary>The "message" of a Kubernetes Status body, if the body is one.</summary>
    private static string? ServerMessage(string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var json = System.Text.Json.JsonDocument.Parse(body);
            return json.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object && json.RootElement.TryGetProperty("message", out var message) ? message.GetString() : null;
        }
        catch (System.Text.Json.JsonException)
        {
            return body.Length > 200 ? body[..200] : body;
        }
    }

    /// <summary>A message that may quote a URL: its user-info removed, and anything that looks like a bearer token cut.</summary>
    internal static string Redacted(string message)
    {
        string text = BearerPattern().Replace(message, "Bearer ***");
        return UserInfoPattern().Replace(text, "$1***@").Trim().TrimEnd('.'); // messages end with their own period
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"Bearer\s+\S+", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex BearerPattern();

    [System.Text.RegularExpressions.GeneratedRegex(@"(\w+://)[^/@\s]+@")]
    private static partial System.Text.RegularExpressions.Regex UserInfoPattern();

    public void Dispose()
    {
        _client.Dispose();
        _gate.Dispose();
    }
}
