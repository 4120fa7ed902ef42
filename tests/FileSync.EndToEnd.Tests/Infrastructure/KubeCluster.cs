using FileSync.KubeStandIn;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Infrastructure;

/// <summary>
/// The Kubernetes API stand-in (tests/FileSync.KubeStandIn: pods backed by real containers of the test image, exec over
/// WebSocket) with a kubeconfig for it in a temp folder; builds get it through <see cref="Environment"/> (KUBECONFIG).
/// Disposing removes every pod's containers.
/// </summary>
internal sealed class KubeCluster : IAsyncDisposable
{
    public const string Namespace = "shop";

    /// <summary>The bearer token the stand-in's kubeconfig carries: never to be seen in a build's output.</summary>
    public const string Token = "standin-secret-token";

    private readonly string _folder;

    private KubeCluster(KubeStandIn.KubeStandIn standIn, string folder, string kubeconfig)
    {
        StandIn = standIn;
        _folder = folder;
        KubeconfigPath = kubeconfig;
    }

    public KubeStandIn.KubeStandIn StandIn { get; }

    public string KubeconfigPath { get; }

    /// <summary>The build's environment: this cluster's kubeconfig.</summary>
    public IReadOnlyDictionary<string, string?> Environment => new Dictionary<string, string?> { ["KUBECONFIG"] = KubeconfigPath };

    public static async Task<KubeCluster> StartAsync()
    {
        var standIn = await KubeStandIn.KubeStandIn.StartAsync(TestContext.Current.CancellationToken);
        string folder = Directory.CreateTempSubdirectory("filesync-kube-").FullName;
        return new KubeCluster(standIn, folder, standIn.WriteKubeconfig(Path.Combine(folder, "config"), Namespace));
    }

    /// <summary>A Running, ready pod of the test image (WORKDIR /app) with one container, "app", labelled app=web.</summary>
    public Task<StandInPod> AddWebPodAsync(string name, string? workingDir = null) =>
        StandIn.AddPodAsync(Namespace, name, new Dictionary<string, string> { ["app"] = "web" }, new StandInContainer("app", DockerCli.Image, WorkingDir: workingDir));

    public async ValueTask DisposeAsync()
    {
        await StandIn.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
