using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace FileSync.KubeStandIn;

/// <summary>The HTTP side: one handler that routes by path segments, as few endpoints as kubectl and clients use.</summary>
public sealed partial class KubeStandIn
{
    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string line = $"{request.Method} {request.Path}{request.QueryString}";
        _requests.Enqueue(line);
        if (request.Headers.Authorization.ToString() != "Bearer " + Token)
        {
            await WriteAsync(context, 401, Json.Status(401, "Unauthorized", "Unauthorized"));
            return;
        }

        if (BeforeRequestAsync is { } hook)
        {
            try
            {
                await hook(line).WaitAsync(context.RequestAborted).WaitAsync(_shutdown.Token);
            }
            catch (Exception) when (!context.RequestAborted.IsCancellationRequested && !_shutdown.IsCancellationRequested)
            {
                // A hook that throws stands for a server that dies mid-request: the connection is reset, no answer.
                context.Abort();
                return;
            }
        }

        if (request.Query["watch"].ToString() is "true" or "1")
        {
            await WriteAsync(context, 400, Json.Status(400, "BadRequest", "the stand-in does not serve watches: list or get instead"));
            return;
        }

        string[] s = (request.Path.Value ?? "/").Trim('/').Split('/');
        bool get = HttpMethods.IsGet(request.Method);
        switch (s)
        {
            case ["version"] when get:
                await WriteAsync(context, 200, Discovery.Version());
                return;
            case ["api"] when get:
                await WriteAsync(context, 200, Discovery.ApiVersions($"{BaseAddress.Host}:{BaseAddress.Port}"));
                return;
            case ["apis"] when get:
                await WriteAsync(context, 200, Discovery.ApiGroups());
                return;
            case ["api", "v1"] when get:
                await WriteAsync(context, 200, Discovery.CoreResources());
                return;
            case ["api", "v1", "pods"] when get:
                await ListPodsAsync(context, null);
                return;
            case ["api", "v1", "namespaces"] when get:
                await WriteAsync(context, 200, NamespaceList());
                return;
            case ["api", "v1", "namespaces", var ns] when get:
                await WriteAsync(context, 200, Namespace(ns));
                return;
            case ["api", "v1", "namespaces", var ns, "pods"] when get:
                await ListPodsAsync(context, ns);
                return;
            case ["api", "v1", "namespaces", var ns, "pods", var name] when get:
                await GetPodAsync(context, ns, name);
                return;
            case ["api", "v1", "namespaces", var ns, "pods", var name, "exec"] when get || HttpMethods.IsPost(request.Method):
                await ExecAsync(context, ns, name);
                return;
            case ["version"] or ["api"] or ["apis"] or ["api", "v1", ..]:
                await WriteAsync(context, 405, Json.Status(405, "MethodNotAllowed", "the server does not allow this method on the requested resource"));
                return;
            default:
                await WriteAsync(context, 404, Json.Status(404, "NotFound", "the server could not find the requested resource", new JsonObject()));
                return;
        }
    }

    private async Task ListPodsAsync(HttpContext context, string? ns)
    {
        if (ForbidList)
        {
            await WriteAsync(context, 403, Forbidden("list", "pods", ns, null));
            return;
        }

        Func<IReadOnlyDictionary<string, string>, bool> labels;
        Func<PodState, bool> fields;
        try
        {
            labels = Selectors.ParseLabels(context.Request.Query["labelSelector"]);
            fields = Selectors.ParseFields(context.Request.Query["fieldSelector"]);
        }
        catch (FormatException e)
        {
            await WriteAsync(context, 400, Json.Status(400, "BadRequest", e.Message));
            return;
        }

        var items = new JsonArray();
        long version;
        JsonObject? table = null;
        lock (_lock)
        {
            version = _resourceVersion;
            var pods = _pods.Values
                .Where(p => (ns is null || p.Namespace == ns) && labels(p.Labels) && fields(p))
                .OrderBy(p => p.Namespace, StringComparer.Ordinal).ThenBy(p => p.Name, StringComparer.Ordinal).ToList();
            if (Table.Wanted(context.Request.Headers.Accept))
            {
                table = Table.Pods(pods, version, DateTimeOffset.UtcNow);
            }

            foreach (var pod in pods)
            {
                items.Add(Json.Pod(pod, withType: false));
            }
        }

        if (table is not null)
        {
            await WriteAsync(context, 200, table);
            return;
        }

        await WriteAsync(context, 200, new JsonObject
        {
            ["kind"] = "PodList",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = version.ToString(CultureInfo.InvariantCulture) },
            ["items"] = items,
        });
    }

    private async Task GetPodAsync(HttpContext context, string ns, string name)
    {
        JsonObject? pod;
        lock (_lock)
        {
            pod = !_pods.TryGetValue((ns, name), out var state) ? null
                : Table.Wanted(context.Request.Headers.Accept) ? Table.Pods([state], _resourceVersion, DateTimeOffset.UtcNow)
                : Json.Pod(state, withType: true);
        }

        await WriteAsync(context, pod is null ? 404 : 200, pod ?? Json.NotFound("pods", name));
    }

    private async Task ExecAsync(HttpContext context, string ns, string name)
    {
        var query = context.Request.Query;
        string[] command = [.. query["command"].Select(c => c ?? string.Empty)];
        bool Flag(string key) => query[key].ToString() is "true" or "1";
        bool stdin = Flag("stdin"), stdout = Flag("stdout"), stderr = Flag("stderr");
        if (BeforeExecAsync is { } hook)
        {
            await hook(ns, name, command);
        }

        if (ForbidExec)
        {
            await WriteAsync(context, 403, Forbidden("create", "pods/exec", ns, name));
            return;
        }

        string? container = query["container"];
        string? dockerId = null;
        string? refusal = null;
        int code = 400;
        lock (_lock)
        {
            if (!_pods.TryGetValue((ns, name), out var pod))
            {
                code = 404;
            }
            else if (command.Length == 0)
            {
                refusal = "you must specify at least 1 command";
            }
            else if (!stdin && !stdout && !stderr)
            {
                refusal = "you must specify at least one of stdin, stdout, stderr";
            }
            else if (string.IsNullOrEmpty(container) && pod.Specs.Count > 1)
            {
                refusal = $"a container name must be specified for pod {name}, choose one of: [{string.Join(' ', pod.Specs.Select(c => c.Name))}]";
            }
            else
            {
                container = string.IsNullOrEmpty(container) ? pod.Specs[0].Name : container;
                if (pod.Specs.All(c => c.Name != container))
                {
                    refusal = $"container {container} is not valid for pod {name}";
                }
                else if (pod.Phase != "Running" || pod.Container(container) is null)
                {
                    refusal = $"container not found (\"{container}\")";
                }
                else
                {
                    dockerId = pod.Container(container)!.DockerId;
                }
            }
        }

        if (code == 404)
        {
            await WriteAsync(context, 404, Json.NotFound("pods", name));
            return;
        }

        if (refusal is not null)
        {
            await WriteAsync(context, 400, Json.Status(400, "BadRequest", refusal));
            return;
        }

        if (!context.WebSockets.IsWebSocketRequest)
        {
            // SPDY (kubectl's fallback after a failed WebSocket upgrade) is not served.
            await WriteAsync(context, 400, Json.Status(400, "BadRequest",
                $"the stand-in serves exec only over WebSocket ({string.Join(", ", ExecProtocols)}), not SPDY"));
            return;
        }

        // The first protocol the client offers that the server speaks, as the API server's handshake picks it; none is
        // a bare 403, as the handshake of an API server that does not speak it (before 1.30: no v5) answers.
        var offered = context.WebSockets.WebSocketRequestedProtocols;
        string? protocol = offered.FirstOrDefault(p => ExecProtocols.Contains(p) && p is ExecSession.V5 or ExecSession.V4);
        if (protocol is null)
        {
            // golang.org/x/net/websocket answers a failed sub-protocol handshake with a bare 403: no body, no
            // Content-Type (unlike an RBAC refusal, a 403 with a Status).
            context.Response.StatusCode = 403;
            return;
        }

        using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { SubProtocol = protocol });
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _shutdown.Token);
        try
        {
            await new ExecSession(socket, protocol, ExecStartFailure).RunAsync(dockerId!, command, stdin, stdout, stderr, cancel.Token);
        }
        catch (OperationCanceledException) when (cancel.IsCancellationRequested)
        {
            // The client went away or the stand-in is shutting down.
        }
    }

    /// <summary>An RBAC refusal as the API server words it for the kubeconfig's user.</summary>
    private static JsonObject Forbidden(string verb, string resource, string? ns, string? name)
    {
        string[] parts = resource.Split('/');
        string subject = name is null ? parts[0] : $"{parts[0]} \"{name}\"";
        string scope = ns is null ? "at the cluster scope" : $"in the namespace \"{ns}\"";
        var details = new JsonObject { ["kind"] = parts[0] };
        if (name is not null)
        {
            details["name"] = name;
        }

        return Json.Status(403, "Forbidden",
            $"{subject} is forbidden: User \"{User}\" cannot {verb} resource \"{resource}\" in API group \"\" {scope}", details);
    }

    private JsonObject NamespaceList()
    {
        var items = new JsonArray();
        lock (_lock)
        {
            foreach (string ns in _pods.Keys.Select(k => k.Namespace).Append("default").Distinct().Order(StringComparer.Ordinal))
            {
                items.Add(Namespace(ns));
            }
        }

        return new JsonObject { ["kind"] = "NamespaceList", ["apiVersion"] = "v1", ["metadata"] = new JsonObject(), ["items"] = items };
    }

    private static JsonObject Namespace(string ns) => new()
    {
        ["kind"] = "Namespace",
        ["apiVersion"] = "v1",
        ["metadata"] = new JsonObject { ["name"] = ns },
        ["status"] = new JsonObject { ["phase"] = "Active" },
    };

    private static async Task WriteAsync(HttpContext context, int status, JsonObject body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body.ToJsonString(), context.RequestAborted);
    }
}
