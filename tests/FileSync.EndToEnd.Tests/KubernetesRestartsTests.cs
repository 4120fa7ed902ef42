using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.KubeStandIn;

namespace FileSync.EndToEnd.Tests;

/// <summary>A pod replaced (new UID) or a container restarted in its pod (new containerID, fresh from its image) is a new
/// instance: the next sync brings it fully up to date.</summary>
public sealed class KubernetesRestartsTests(PackageFixture package)
{
    [Fact]
    public async Task A_replaced_pod_and_a_restarted_container_get_everything_again()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        await cluster.AddWebPodAsync("web-0");
        using var project = new ConsumerProject(package, "kube-restarts")
            .Rule("site/**/*", dest: "/app/www", strip: "site/")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", "app=web");
        project.WriteFile("site/index.html", "<h1>hi</h1>\n");
        project.WriteFile("site/app.js", "run();\n");
        Assert.Equal(2, SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded()).Changed);

        StandInPod replaced = await cluster.StandIn.ReplacePodAsync(KubeCluster.Namespace, "web-0");
        var afterReplace = SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());

        Assert.Equal((2, replaced.DockerId("app")[..12]), (afterReplace.Changed, afterReplace.ShortId));
        Assert.Equal("<h1>hi</h1>\n", await InContainer.CatAsync(replaced.DockerId("app"), "/app/www/index.html"));

        await cluster.StandIn.ReplaceContainerAsync(KubeCluster.Namespace, "web-0", "app");
        string restarted = cluster.StandIn.GetPod(KubeCluster.Namespace, "web-0").DockerId("app");
        Assert.False(await InContainer.ExistsAsync(restarted, "/app/www/index.html")); // fresh from the image
        var afterRestart = SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());

        Assert.Equal((2, restarted[..12]), (afterRestart.Changed, afterRestart.ShortId));
        Assert.Equal("run();\n", await InContainer.CatAsync(restarted, "/app/www/app.js"));
        Assert.True(SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded()).UpToDate);
    }
}
