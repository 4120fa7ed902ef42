using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.KubeStandIn;

namespace FileSync.EndToEnd.Tests;

/// <summary>Replicas through the API stand-in: every matching pod gets the sync in parallel; one that fails is named and
/// fails the build while the others sync and record their state.</summary>
public sealed class KubernetesReplicasTests(PackageFixture package)
{
    [Fact]
    public async Task Three_replicas_by_selector_each_get_every_file()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod[] pods = await Task.WhenAll(cluster.AddWebPodAsync("web-a"), cluster.AddWebPodAsync("web-b"), cluster.AddWebPodAsync("web-c"));
        await cluster.StandIn.AddPodAsync(KubeCluster.Namespace, "db-0", new Dictionary<string, string> { ["app"] = "db" }, new StandInContainer("db", FileSync.Tests.Infrastructure.DockerCli.Image));
        using var project = new ConsumerProject(package, "kube-replicas")
            .Rule("site/**/*", dest: "/app/www", strip: "site/")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", "app=web");
        project.WriteFile("site/index.html", "<h1>replicas</h1>\n");
        project.WriteFile("site/css/app.css", "body {}\n");

        IReadOnlyList<SyncSummary> lines = SyncSummary.All((await project.SyncAsync(cluster.Environment)).Succeeded().Output);

        Assert.Equal(["shop/web-a", "shop/web-b", "shop/web-c"], lines.Select(line => line.Name).Order(StringComparer.Ordinal));
        Assert.All(lines, line => Assert.Equal(2, line.Changed));
        foreach (StandInPod pod in pods)
        {
            Assert.Equal("<h1>replicas</h1>\n", await InContainer.CatAsync(pod.DockerId("app"), "/app/www/index.html"));
            Assert.Equal("body {}\n", await InContainer.CatAsync(pod.DockerId("app"), "/app/www/css/app.css"));
        }
    }

    [Fact]
    public async Task A_failing_pod_is_named_and_only_the_healthy_ones_record_their_sync()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod[] pods = await Task.WhenAll(cluster.AddWebPodAsync("web-a"), cluster.AddWebPodAsync("web-b"), cluster.AddWebPodAsync("web-c"));
        // In web-b a folder stands where the file goes: tar cannot replace it and says so.
        await InContainer.ExecAsync(pods[1].DockerId("app"), "mkdir", "-p", "/app/www/index.html/kept");
        using var project = new ConsumerProject(package, "kube-failing-replica")
            .Rule("site/**/*", dest: "/app/www", strip: "site/")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncImage", FileSync.Tests.Infrastructure.DockerCli.Image);
        project.WriteFile("site/index.html", "<h1>hi</h1>\n");

        ProcessResult failed = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Contains("error FSYNC9012", failed.Output, StringComparison.Ordinal);
        Assert.Contains("'web-b'", failed.Output, StringComparison.Ordinal);
        Assert.Equal(["shop/web-a", "shop/web-c"], SyncSummary.All(failed.Output).Select(line => line.Name).Order(StringComparer.Ordinal));
        Assert.Equal("<h1>hi</h1>\n", await InContainer.CatAsync(pods[0].DockerId("app"), "/app/www/index.html"));
        Assert.Equal("<h1>hi</h1>\n", await InContainer.CatAsync(pods[2].DockerId("app"), "/app/www/index.html"));

        // Fixed: only web-b is sent anything; the others recorded their sync.
        await InContainer.ExecAsync(pods[1].DockerId("app"), "rm", "-r", "/app/www/index.html");
        IReadOnlyList<SyncSummary> next = SyncSummary.All((await project.SyncAsync(cluster.Environment)).Succeeded().Output);

        Assert.Equal([("shop/web-a", 0), ("shop/web-b", 1), ("shop/web-c", 0)], next.Select(line => (line.Name, line.Changed)).Order());
        Assert.Equal("<h1>hi</h1>\n", await InContainer.CatAsync(pods[1].DockerId("app"), "/app/www/index.html"));
    }
}
