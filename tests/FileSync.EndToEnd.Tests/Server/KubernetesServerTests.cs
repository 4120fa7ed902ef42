using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.KubeStandIn;

namespace FileSync.EndToEnd.Tests.Server;

/// <summary>A Kubernetes sync on the warm sync server: it reads the build's KUBECONFIG (not its own environment's) and
/// syncs as the in-process path does.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class KubernetesServerTests(PackageFixture package)
{
    [Fact]
    public async Task The_server_syncs_to_the_pod_with_the_builds_kubeconfig()
    {
        await using var sandbox = new ServerSandbox();
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod pod = await cluster.AddWebPodAsync("web-0");
        using var project = new ConsumerProject(package, "kube-server")
            .Rule("site/**/*", dest: "/app/site", strip: "site/")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", "app=web");
        project.WriteFile("site/a.txt", "one\n");

        var first = (await sandbox.SyncAsync(project, ("KUBECONFIG", cluster.KubeconfigPath))).Succeeded();
        Assert.Contains("FSYNC7021", first.Output, StringComparison.Ordinal);
        int pid = Assert.IsType<int>(sandbox.PidFromFile());

        project.WriteFile("site/a.txt", "one, edited\n");
        var warm = (await sandbox.SyncAsync(project, ("KUBECONFIG", cluster.KubeconfigPath))).Succeeded();

        Assert.Contains($"FSYNC7020: Synced by the FileSync sync server (pid {pid},", warm.Output, StringComparison.Ordinal);
        Assert.Equal((1, "kubernetes"), (SyncSummary.Single(warm).Changed, SyncSummary.Single(warm).Kind));
        Assert.Equal("one, edited\n", await InContainer.CatAsync(pod.DockerId("app"), "/app/site/a.txt"));
        Assert.DoesNotContain(KubeCluster.Token, warm.Output + sandbox.LogText, StringComparison.Ordinal);
    }
}
