namespace FileSync.KubeStandIn.Tests;

/// <summary>
/// One stand-in per test class with three busybox pods in namespace "shop": web-1 and web-2 (app=web, tier=front)
/// and db-1 (app=db, two containers: main and side). Tests write only below paths of their own.
/// </summary>
public sealed class StandInFixture : IAsyncLifetime
{
    public const string Image = "filesync-test:busybox";
    public const string Namespace = "shop";

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kstand-tests-" + Guid.NewGuid().ToString("N")[..8]);
    private KubeStandIn? _standIn;

    public KubeStandIn StandIn => _standIn ?? throw new InvalidOperationException("Not started.");

    public string Kubeconfig { get; private set; } = string.Empty;

    internal Kubectl Kubectl { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _standIn = await KubeStandIn.StartAsync();
        Kubeconfig = _standIn.WriteKubeconfig(Path.Combine(_folder, "kubeconfig"), Namespace);
        Kubectl = new Kubectl(Kubeconfig, Path.Combine(_folder, "cache"));
        var web = new Dictionary<string, string> { ["app"] = "web", ["tier"] = "front" };
        await Task.WhenAll(
            _standIn.AddPodAsync(Namespace, "web-1", web, new StandInContainer("app", Image)),
            _standIn.AddPodAsync(Namespace, "web-2", web, new StandInContainer("app", Image)),
            _standIn.AddPodAsync(Namespace, "db-1", new Dictionary<string, string> { ["app"] = "db" },
                new StandInContainer("main", Image, WorkingDir: "/tmp"), new StandInContainer("side", Image, ["sleep", "1000000"])));
    }

    public async ValueTask DisposeAsync()
    {
        if (_standIn is not null)
        {
            await _standIn.DisposeAsync();
        }

        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}
