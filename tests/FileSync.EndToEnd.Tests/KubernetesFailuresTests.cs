using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.KubeStandIn;

namespace FileSync.EndToEnd.Tests;

/// <summary>What a Kubernetes sync says when it cannot sync: no tar in the container, an API server that is gone.</summary>
public sealed class KubernetesFailuresTests(PackageFixture package)
{
    [Fact]
    public async Task A_container_without_tar_or_launcher_is_a_coded_error_and_records_nothing()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod pod = await cluster.AddWebPodAsync("web-0");
        await InContainer.ExecAsync(pod.DockerId("app"), "rm", "/bin/tar");
        using var project = new ConsumerProject(package, "kube-no-tar")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncPod", "web-0");
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Contains("error FSYNC9013", result.Output, StringComparison.Ordinal);
        Assert.Contains("FileSyncLauncher=true", result.Output, StringComparison.Ordinal);
        Assert.Empty(SyncSummary.All(result.Output));
        Assert.False(await InContainer.ExistsAsync(pod.DockerId("app"), "/app/a.txt"));
    }

    [Fact]
    public async Task An_API_server_that_is_gone_is_a_coded_error_naming_it()
    {
        KubeCluster cluster = await KubeCluster.StartAsync();
        string server = cluster.StandIn.BaseAddress.GetLeftPart(UriPartial.Authority);
        var environment = new Dictionary<string, string?>(cluster.Environment);
        string kubeconfig = File.ReadAllText(cluster.KubeconfigPath);
        await cluster.DisposeAsync();
        string folder = Directory.CreateTempSubdirectory("filesync-kube-gone-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "config"), kubeconfig);
            environment["KUBECONFIG"] = Path.Combine(folder, "config");
            using var project = new ConsumerProject(package, "kube-gone")
                .Rule("a.txt", dest: "/app")
                .Property("FileSyncRuntime", "kubernetes")
                .Property("FileSyncSelector", "app=web");
            project.WriteFile("a.txt", "a\n");

            ProcessResult result = (await project.SyncAsync(environment)).Failed();

            Assert.Contains("error FSYNC9004", result.Output, StringComparison.Ordinal);
            Assert.Contains(server, result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(KubeCluster.Token, result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_kubeconfig_is_a_coded_error_naming_the_file()
    {
        using var project = new ConsumerProject(package, "kube-no-config")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncPod", "web-0");
        project.WriteFile("a.txt", "a\n");
        string missing = Path.Combine(project.Root, "no-such-kubeconfig");

        ProcessResult result = (await project.SyncAsync(new Dictionary<string, string?> { ["KUBECONFIG"] = missing })).Failed();

        Assert.Contains("error FSYNC9003", result.Output, StringComparison.Ordinal);
        Assert.Contains(missing, result.Output, StringComparison.Ordinal);
    }
}

/// <summary>A pod that goes away in the middle of a sync: a coded error naming it, nothing recorded, and the next sync
/// (to its replacement) sends everything.</summary>
public sealed class KubernetesPodGoneMidSyncTests(PackageFixture package)
{
    [Fact]
    public async Task A_pod_deleted_during_the_upload_is_a_coded_error_and_its_replacement_gets_everything()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        await cluster.AddWebPodAsync("web-0");
        bool removed = false;
        cluster.StandIn.BeforeExecAsync = async (ns, pod, command) =>
        {
            if (!removed && command.Contains("xmf"))
            {
                removed = true;
                await cluster.StandIn.RemovePodAsync(ns, pod);
            }
        };
        using var project = new ConsumerProject(package, "kube-gone-mid-sync")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", "app=web");
        project.WriteFile("a.txt", "a\n");

        ProcessResult failed = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Contains("error FSYNC9006", failed.Output, StringComparison.Ordinal);
        Assert.Contains("'web-0'", failed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", failed.Output, StringComparison.Ordinal);

        StandInPod replacement = await cluster.AddWebPodAsync("web-0");
        var next = SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());
        Assert.Equal(1, next.Changed);
        Assert.Equal("a\n", await InContainer.CatAsync(replacement.DockerId("app"), "/app/a.txt"));
    }
}

/// <summary>What the API server refuses: exec over v5 (a server before 1.30, which answers a bare 403), RBAC.</summary>
public sealed class KubernetesRefusalsTests(PackageFixture package)
{
    private static ConsumerProject Project(PackageFixture package, string name, string file = "a.txt")
    {
        var project = new ConsumerProject(package, name)
            .Rule(file, dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", "app=web");
        project.WriteFile(file, "a\n");
        return project;
    }

    [Fact]
    public async Task A_server_without_v5_is_used_over_v4_where_it_can_and_tar_is_bounded_with_a_clear_error()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        await cluster.AddWebPodAsync("web-0");
        cluster.StandIn.ExecProtocols = ["v4.channel.k8s.io"];
        using var project = Project(package, "kube-v4-only");

        ProcessResult result = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Contains("error FSYNC9015", result.Output, StringComparison.Ordinal);
        Assert.Contains("v4.channel.k8s.io", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("FSYNC9005", result.Output, StringComparison.Ordinal); // the bare 403 was not taken for RBAC
        Assert.Empty(SyncSummary.All(result.Output));
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public async Task An_RBAC_refusal_is_FSYNC9005_naming_what_is_needed(bool forbidList, bool forbidExec)
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        await cluster.AddWebPodAsync("web-0");
        cluster.StandIn.ForbidList = forbidList;
        cluster.StandIn.ForbidExec = forbidExec;
        using var project = Project(package, "kube-rbac");

        ProcessResult result = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Contains("error FSYNC9005", result.Output, StringComparison.Ordinal);
        Assert.Contains("pods/exec", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(KubeCluster.Token, result.Output, StringComparison.Ordinal);
    }
}
