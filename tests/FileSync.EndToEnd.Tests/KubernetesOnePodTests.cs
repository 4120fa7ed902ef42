using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.KubeStandIn;

namespace FileSync.EndToEnd.Tests;

/// <summary>FileSyncRuntime=kubernetes with one pod through the API stand-in: added, changed and deleted files land in
/// the pod's container (read back with the docker CLI), a no-op sends nothing, and exec speaks v5.channel.k8s.io.</summary>
public sealed class KubernetesOnePodTests(PackageFixture package)
{
    [Fact]
    public async Task Added_changed_and_deleted_files_reach_the_pod_and_a_no_op_execs_nothing()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod pod = await cluster.AddWebPodAsync("web-0", workingDir: "/app");
        string id = pod.DockerId("app");
        using var project = new ConsumerProject(package, "kube-one-pod")
            .Rule("site/**/*", dest: "www", strip: "site/")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncPod", "web-0");
        project.WriteFile("site/index.html", "<h1>one</h1>\n");
        project.WriteFile("site/css/app.css", "body { color: red; }\n");
        project.WriteFile("site/-rf $(x);*.js", "odd\n");

        var added = SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());

        Assert.Equal((false, 3, 0, "kubernetes", "shop/web-0", id[..12]), (added.UpToDate, added.Changed, added.Deleted, added.Kind, added.Name, added.ShortId));
        Assert.Equal("<h1>one</h1>\n", await InContainer.CatAsync(id, "/app/www/index.html"));
        Assert.Equal("body { color: red; }\n", await InContainer.CatAsync(id, "/app/www/css/app.css"));
        Assert.Equal("odd\n", await InContainer.CatAsync(id, "/app/www/-rf $(x);*.js"));
        Assert.Contains(cluster.StandIn.Requests, request => request.Contains("/pods/web-0/exec", StringComparison.Ordinal) && request.Contains("command=tar", StringComparison.Ordinal));

        int before = cluster.StandIn.Requests.Count;
        var noOp = SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());
        Assert.True(noOp.UpToDate);
        Assert.DoesNotContain(cluster.StandIn.Requests.Skip(before), request => request.Contains("/exec", StringComparison.Ordinal));

        project.WriteFile("site/css/app.css", "body { color: blue; }\n");
        project.DeleteFile("site/index.html");
        var changed = SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());

        Assert.Equal((1, 1), (changed.Changed, changed.Deleted));
        Assert.Equal("body { color: blue; }\n", await InContainer.CatAsync(id, "/app/www/css/app.css"));
        Assert.False(await InContainer.ExistsAsync(id, "/app/www/index.html"));
    }

    [Fact]
    public async Task The_token_never_reaches_the_log_even_at_diagnostic_verbosity()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        await cluster.AddWebPodAsync("web-0");
        using var project = new ConsumerProject(package, "kube-token")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", "app=web");
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.SyncAsync(cluster.Environment, "-v:diag")).Succeeded();

        Assert.Contains("FileSync: 1 changed", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(KubeCluster.Token, result.Output, StringComparison.Ordinal);
    }
}

/// <summary>FileSyncOwner on Kubernetes: tar (busybox's too) keeps the archive's owner when the container runs as root.</summary>
public sealed class KubernetesOwnerTests(PackageFixture package)
{
    [Fact]
    public async Task FileSyncOwner_gives_the_files_that_owner_and_by_default_they_are_the_container_users()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod pod = await cluster.AddWebPodAsync("web-0");
        string id = pod.DockerId("app");
        using var project = new ConsumerProject(package, "kube-owner")
            .Rule("a.txt", dest: "/app")
            .Rule("b.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncPod", "web-0");
        project.WriteFile("a.txt", "a\n");
        SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());
        Assert.Equal("0:0", await InContainer.StatAsync(id, "%u:%g", "/app/a.txt")); // the exec's user: root here

        project.Property("FileSyncOwner", "1000:1000");
        project.WriteFile("b.txt", "b\n");
        var owned = SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());

        Assert.Equal(2, owned.Changed); // a new owner resends what was synced
        Assert.Equal("1000:1000", await InContainer.StatAsync(id, "%u:%g", "/app/a.txt"));
        Assert.Equal("1000:1000", await InContainer.StatAsync(id, "%u:%g", "/app/b.txt"));
    }
}
