using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace FileSync.KubeStandIn;

/// <summary>
/// A Kubernetes API server stand-in for tests: Kestrel on 127.0.0.1 (random port, HTTPS with a self-signed
/// certificate that the kubeconfig carries as its CA: kubectl sends a token only over TLS) serving version,
/// discovery, pod list/get with label and field selectors, and <c>pods/exec</c> over WebSocket
/// (<c>v5.channel.k8s.io</c>, <c>v4.channel.k8s.io</c>). Each pod container is a real Docker container
/// (<c>--network none</c>); every exec runs in it with <c>docker exec</c>. Requests without the bearer token
/// <see cref="Token"/> get 401. Dispose removes every container it started, by id.
/// </summary>
public sealed partial class KubeStandIn : IAsyncDisposable
{
    /// <summary>The bearer token the kubeconfig carries and the server requires.</summary>
    public const string Token = "standin-secret-token";

    /// <summary>The user the token stands for, as RBAC refusals name it.</summary>
    public const string User = "standin";

    /// <summary>What <c>/version</c> reports (kubectl's dispatcher runs the bundled kubectl of this minor).</summary>
    public const string ServerVersion = "v1.32.4";

    private readonly WebApplication _app;
    private readonly X509Certificate2 _certificate;
    private readonly object _lock = new();
    private readonly Dictionary<(string Namespace, string Name), PodState> _pods = [];
    private readonly ConcurrentDictionary<string, byte> _containers = new();
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly CancellationTokenSource _shutdown = new();
    private long _resourceVersion = 1000;
    private int _disposed;

    private KubeStandIn(WebApplication app, X509Certificate2 certificate)
    {
        _app = app;
        _certificate = certificate;
    }

    /// <summary>The server's address, <c>https://127.0.0.1:&lt;port&gt;/</c>.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>The server certificate (self-signed; the kubeconfig's <c>certificate-authority-data</c>), PEM.</summary>
    public string CertificateAuthorityPem => _certificate.ExportCertificatePem();

    /// <summary>"METHOD path?query" of every request seen, in arrival order (tests assert protocol use).</summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>How an exec that cannot start (missing executable) is reported; containerd's way by default.</summary>
    public ExecStartFailure ExecStartFailure { get; set; } = ExecStartFailure.InternalError;

    /// <summary>RBAC without <c>pods/exec</c> create: every exec is refused with 403 and a Forbidden Status.</summary>
    public bool ForbidExec { get; set; }

    /// <summary>RBAC without <c>pods</c> list: every pod list is refused with 403 and a Forbidden Status.</summary>
    public bool ForbidList { get; set; }

    /// <summary>The exec WebSocket sub-protocols the server speaks: <c>v5.channel.k8s.io</c> and <c>v4.channel.k8s.io</c>.
    /// Leave out v5 to stand for an API server before 1.30: its upgrade of a v5-only request fails with a bare 403 (no
    /// body, no Content-Type), which golang.org/x/net/websocket's handshake answers.</summary>
    public IReadOnlyList<string> ExecProtocols { get; set; } = [ExecSession.V5, ExecSession.V4];

    /// <summary>Called on every request with its "METHOD path?query" line, before anything else (after the token check):
    /// a test can stall (a server that accepts and stays silent) or throw (the connection is reset) for any request.</summary>
    public Func<string, Task>? BeforeRequestAsync { get; set; }

    /// <summary>Called on every exec request (namespace, pod, command) before the pod is looked up, e.g. to replace
    /// the pod in the middle of a sync.</summary>
    public Func<string, string, IReadOnlyList<string>, Task>? BeforeExecAsync { get; set; }

    /// <summary>Starts Kestrel on 127.0.0.1:0 (HTTPS) and returns once it listens.</summary>
    public static async Task<KubeStandIn> StartAsync(CancellationToken ct = default)
    {
        var certificate = SelfSignedCertificate.Create();
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(options =>
            options.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(certificate)));
        var app = builder.Build();
        var standIn = new KubeStandIn(app, certificate);
        app.UseWebSockets();
        app.Run(standIn.HandleAsync);
        await app.StartAsync(ct);
        string address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        standIn.BaseAddress = new Uri(address.TrimEnd('/') + "/");
        return standIn;
    }

    /// <summary>
    /// Writes a kubeconfig (clusters, users, contexts, current-context) for this server with the bearer token
    /// <see cref="Token"/>; <paramref name="namespace"/> becomes the context's namespace when given. Returns the full path.
    /// </summary>
    public string WriteKubeconfig(string path, string? @namespace = null, string contextName = "standin")
    {
        static string Quote(string value) => JsonSerializer.Serialize(value); // a JSON string is a YAML double-quoted scalar
        var yaml = new StringBuilder()
            .AppendLine("apiVersion: v1")
            .AppendLine("kind: Config")
            .AppendLine("clusters:")
            .AppendLine($"- name: {Quote(contextName + "-cluster")}")
            .AppendLine("  cluster:")
            .AppendLine($"    server: {Quote(BaseAddress.GetLeftPart(UriPartial.Authority))}")
            .AppendLine($"    certificate-authority-data: {Quote(Convert.ToBase64String(Encoding.ASCII.GetBytes(CertificateAuthorityPem)))}")
            .AppendLine("users:")
            .AppendLine($"- name: {Quote(contextName + "-user")}")
            .AppendLine("  user:")
            .AppendLine($"    token: {Quote(Token)}")
            .AppendLine("contexts:")
            .AppendLine($"- name: {Quote(contextName)}")
            .AppendLine("  context:")
            .AppendLine($"    cluster: {Quote(contextName + "-cluster")}")
            .AppendLine($"    user: {Quote(contextName + "-user")}");
        if (@namespace is not null)
        {
            yaml.AppendLine($"    namespace: {Quote(@namespace)}");
        }

        yaml.AppendLine($"current-context: {Quote(contextName)}");
        string full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllText(full, yaml.ToString());
        return full;
    }

    /// <summary>Adds a Running, ready pod: one <c>docker run -d --network none</c> per container, returned once all run.</summary>
    public async Task<StandInPod> AddPodAsync(string ns, string name, IReadOnlyDictionary<string, string> labels, params StandInContainer[] containers)
    {
        if (containers.Length == 0)
        {
            throw new ArgumentException("A pod needs at least one container.", nameof(containers));
        }

        lock (_lock)
        {
            if (_pods.ContainsKey((ns, name)))
            {
                throw new InvalidOperationException($"Pod {ns}/{name} exists already.");
            }
        }

        var pod = new PodState(ns, name, labels, containers);
        await StartContainersAsync(pod);
        lock (_lock)
        {
            if (_pods.TryAdd((ns, name), pod))
            {
                pod.ResourceVersion = ++_resourceVersion;
                return pod.Snapshot();
            }
        }

        await RemoveContainersAsync(pod.Containers);
        throw new InvalidOperationException($"Pod {ns}/{name} exists already.");
    }

    /// <summary>The current state of a pod.</summary>
    public StandInPod GetPod(string ns, string pod)
    {
        lock (_lock)
        {
            return Find(ns, pod).Snapshot();
        }
    }

    /// <summary>
    /// A container restart inside its pod: the Docker container is removed and a fresh one started from the image
    /// (new containerID, restartCount + 1, same pod UID), as the kubelet does.
    /// </summary>
    public async Task ReplaceContainerAsync(string ns, string pod, string container)
    {
        StandInContainer spec;
        StandInPodContainer old;
        PodState state;
        lock (_lock)
        {
            state = Find(ns, pod);
            old = state.Container(container) ?? throw new KeyNotFoundException($"Pod {ns}/{pod} has no container '{container}'.");
            spec = state.Specs.First(s => s.Name == container);
        }

        await RemoveContainersAsync([old]);
        var (id, imageId, started) = await StartContainerAsync(state, spec);
        lock (_lock)
        {
            int index = state.Containers.FindIndex(c => c.Name == container);
            state.Containers[index] = old with { DockerId = id, RestartCount = old.RestartCount + 1, ImageId = imageId };
            state.StartedAt[container] = started;
            state.ResourceVersion = ++_resourceVersion;
        }
    }

    /// <summary>The pod deleted and recreated under the same name: new UID, new containers (the old ones removed).</summary>
    public async Task<StandInPod> ReplacePodAsync(string ns, string pod)
    {
        PodState old;
        lock (_lock)
        {
            old = Find(ns, pod);
        }

        var fresh = new PodState(ns, pod, old.Labels, old.Specs);
        await StartContainersAsync(fresh);
        lock (_lock)
        {
            fresh.ResourceVersion = ++_resourceVersion;
            _pods[(ns, pod)] = fresh;
        }

        await RemoveContainersAsync(old.Containers);
        lock (_lock)
        {
            return fresh.Snapshot();
        }
    }

    /// <summary>Sets <c>status.phase</c>, readiness, and <c>metadata.deletionTimestamp</c> when terminating.</summary>
    public void SetPhase(string ns, string pod, string phase, bool ready = true, bool terminating = false)
    {
        lock (_lock)
        {
            var state = Find(ns, pod);
            state.Phase = phase;
            state.Ready = ready;
            state.DeletionTimestamp = terminating ? state.DeletionTimestamp ?? DateTimeOffset.UtcNow : null;
            state.ResourceVersion = ++_resourceVersion;
        }
    }

    /// <summary>Deletes the pod and removes its containers.</summary>
    public async Task RemovePodAsync(string ns, string pod)
    {
        PodState state;
        lock (_lock)
        {
            state = Find(ns, pod);
            _pods.Remove((ns, pod));
            _resourceVersion++;
        }

        await RemoveContainersAsync(state.Containers);
    }

    /// <summary>Ends open execs, stops Kestrel and removes every Docker container the stand-in started, by id.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _shutdown.CancelAsync();
        try
        {
            await _app.StopAsync(CancellationToken.None);
            await _app.DisposeAsync();
        }
        finally
        {
            await DockerCli.RemoveAsync([.. _containers.Keys]);
            _containers.Clear();
            _shutdown.Dispose();
            _certificate.Dispose();
        }
    }

    private PodState Find(string ns, string pod) =>
        _pods.TryGetValue((ns, pod), out var state) ? state : throw new KeyNotFoundException($"No pod {ns}/{pod} in the stand-in.");

    private async Task StartContainersAsync(PodState pod)
    {
        var starts = pod.Specs.Select(spec => StartContainerAsync(pod, spec)).ToArray();
        try
        {
            await Task.WhenAll(starts);
        }
        catch
        {
            await DockerCli.RemoveAsync([.. starts.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result.Id)]);
            throw;
        }

        for (int i = 0; i < starts.Length; i++)
        {
            var spec = pod.Specs[i];
            pod.Containers.Add(new StandInPodContainer(spec.Name, spec.Image, starts[i].Result.Id, 0, spec.WorkingDir, starts[i].Result.ImageId));
            pod.StartedAt[spec.Name] = starts[i].Result.Started;
        }
    }

    private async Task<(string Id, string ImageId, DateTimeOffset Started)> StartContainerAsync(PodState pod, StandInContainer spec)
    {
        string name = $"kstand-{Sanitize(pod.Name)}-{Sanitize(spec.Name)}-{Guid.NewGuid().ToString("N")[..8]}";
        var (id, imageId) = await DockerCli.RunContainerAsync(name, spec, started => _containers.TryAdd(started, 0), _shutdown.Token);
        return (id, imageId, DateTimeOffset.UtcNow);
    }

    private async Task RemoveContainersAsync(IEnumerable<StandInPodContainer> containers)
    {
        string[] ids = [.. containers.Select(c => c.DockerId)];
        await DockerCli.RemoveAsync(ids);
        foreach (string id in ids)
        {
            _containers.TryRemove(id, out _);
        }
    }

    private static string Sanitize(string name) =>
        new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '_')]);
}
