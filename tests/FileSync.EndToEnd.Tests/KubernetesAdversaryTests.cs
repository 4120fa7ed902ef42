using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.KubeStandIn;

namespace FileSync.EndToEnd.Tests;

/// <summary>Adversary findings on the Kubernetes runtime: many deletes, odd names, restarts, images, replicas.</summary>
public sealed class KubernetesAdversaryTests(PackageFixture package)
{
    [Fact]
    public async Task Deleting_two_thousand_files_keeps_each_exec_request_within_an_8_KB_request_line()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod pod = await cluster.AddWebPodAsync("web-0");
        string id = pod.DockerId("app");
        using var project = new ConsumerProject(package, "kube-many-deletes")
            .Rule("site/**/*", dest: "/app/www", strip: "site/")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncPod", "web-0");
        for (int i = 0; i < 2000; i++)
        {
            project.WriteFile($"site/pages/página {i:D5} ü.txt", "x\n");
        }

        SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());
        Assert.True(await InContainer.ExistsAsync(id, "/app/www/pages/página 01999 ü.txt"));
        Directory.Delete(project.PathOf("site/pages"), recursive: true);
        project.WriteFile("site/keep.txt", "k\n");

        var deleted = SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());

        Assert.Equal(2000, deleted.Deleted);
        Assert.False(await InContainer.ExistsAsync(id, "/app/www/pages/página 00000 ü.txt"));
        Assert.False(await InContainer.ExistsAsync(id, "/app/www/pages/página 01999 ü.txt"));
        Assert.Equal("k\n", await InContainer.CatAsync(id, "/app/www/keep.txt"));
    }

    [Fact]
    public async Task A_set_based_selector_with_spaces_and_a_negation_picks_the_matching_pods()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod web = await cluster.StandIn.AddPodAsync(KubeCluster.Namespace, "web-0", new Dictionary<string, string> { ["app"] = "web" }, new StandInContainer("app", FileSync.Tests.Infrastructure.DockerCli.Image));
        StandInPod api = await cluster.StandIn.AddPodAsync(KubeCluster.Namespace, "api-0", new Dictionary<string, string> { ["app"] = "api", ["canary"] = "yes" }, new StandInContainer("app", FileSync.Tests.Infrastructure.DockerCli.Image));
        using var project = new ConsumerProject(package, "kube-set-selector")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", " app in (web, api) , !canary ");
        project.WriteFile("a.txt", "a\n");

        SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());

        Assert.Equal("a\n", await InContainer.CatAsync(web.DockerId("app"), "/app/a.txt"));
        Assert.False(await InContainer.ExistsAsync(api.DockerId("app"), "/app/a.txt"));
    }

    [Fact]
    public async Task Odd_names_are_added_and_deleted_byte_exact_through_exec_argv()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod pod = await cluster.AddWebPodAsync("web-0", workingDir: "/app");
        string id = pod.DockerId("app");
        string[] names = ["-rf", "--help", "a\nb.txt", "$(touch x)", "sp ace;|&.txt", "tab\there", "*?[x]"];
        using var project = new ConsumerProject(package, "kube-odd-deletes")
            .Rule("site/**/*", dest: "www", strip: "site/")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", "app=web");
        foreach (string name in names)
        {
            project.WriteFile($"site/-d {name}/{name}", name);
        }

        project.WriteFile("site/keep.txt", "k");
        SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());
        foreach (string name in names)
        {
            Assert.Equal(name, await InContainer.CatAsync(id, $"/app/www/-d {name}/{name}"));
        }

        foreach (string name in names)
        {
            Directory.Delete(project.PathOf($"site/-d {name}"), recursive: true);
        }

        var deleted = SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());

        Assert.Equal(names.Length, deleted.Deleted);
        foreach (string name in names)
        {
            Assert.False(await InContainer.ExistsAsync(id, $"/app/www/-d {name}/{name}"));
        }

        Assert.Equal("k", await InContainer.CatAsync(id, "/app/www/keep.txt"));
        Assert.False(await InContainer.ExistsAsync(id, "/app/x"));
        Assert.True(SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded()).UpToDate);
    }

    [Fact]
    public async Task An_exec_action_runs_in_every_replica_in_the_pod_specs_working_directory_and_a_failure_names_the_pod()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod a = await cluster.AddWebPodAsync("web-0", workingDir: "/app");
        StandInPod b = await cluster.AddWebPodAsync("web-1", workingDir: "/app");
        using var project = new ConsumerProject(package, "kube-exec-action")
            .Rule("conf/*.json", dest: "conf", strip: "conf/")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", "app=web")
            .Element(new System.Xml.Linq.XElement("ItemGroup", new System.Xml.Linq.XElement("FileSyncAction",
                new System.Xml.Linq.XAttribute("Include", "exec"),
                new System.Xml.Linq.XAttribute("Command", "cp;conf/a.json;done %24(x).json"),
                new System.Xml.Linq.XAttribute("Match", "conf/*.json"))));
        project.WriteFile("conf/a.json", "{}");

        (await project.SyncAsync(cluster.Environment)).Succeeded();

        Assert.Equal("{}", await InContainer.CatAsync(a.DockerId("app"), "/app/done $(x).json"));
        Assert.Equal("{}", await InContainer.CatAsync(b.DockerId("app"), "/app/done $(x).json"));

        await InContainer.ExecAsync(b.DockerId("app"), "rm", "-f", "/app/done $(x).json");
        await InContainer.ExecAsync(b.DockerId("app"), "mkdir", "/app/done $(x).json");
        await InContainer.ExecAsync(b.DockerId("app"), "mkdir", "/app/done $(x).json/a.json");
        project.WriteFile("conf/a.json", "{\"b\":1}");
        ProcessResult failed = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Contains("FSYNC5004", failed.Output, StringComparison.Ordinal);
        Assert.Contains("web-1", failed.Output, StringComparison.Ordinal);
        Assert.Equal("{\"b\":1}", await InContainer.CatAsync(a.DockerId("app"), "/app/done $(x).json"));
    }

    [Fact]
    public async Task FileSyncImage_as_the_running_images_id_matches_a_pod_whose_imageID_carries_the_runtimes_scheme()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod pod = await cluster.AddWebPodAsync("web-0");
        string imageId = (await FileSync.Tests.Infrastructure.DockerCli.RunCheckedAsync(["image", "inspect", "--format", "{{.Id}}", FileSync.Tests.Infrastructure.DockerCli.Image], TestContext.Current.CancellationToken)).Trim();
        Assert.StartsWith("sha256:", imageId, StringComparison.Ordinal);
        using var project = new ConsumerProject(package, "kube-image-id")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncImage", imageId[..19]);
        project.WriteFile("a.txt", "a\n");

        var summary = SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());

        Assert.Equal("shop/web-0", summary.Name);
        Assert.Equal("a\n", await InContainer.CatAsync(pod.DockerId("app"), "/app/a.txt"));
    }

    [Fact]
    public async Task A_container_restarted_during_the_upload_gets_every_file_on_the_next_sync()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        await cluster.AddWebPodAsync("web-0");
        using var project = new ConsumerProject(package, "kube-restart-mid-sync")
            .Rule("site/**/*", dest: "/app/www", strip: "site/")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", "app=web");
        project.WriteFile("site/a.txt", "a\n");
        project.WriteFile("site/b.txt", "b\n");
        project.WriteFile("site/gone.txt", "gone\n");
        SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());

        bool restarted = false;
        cluster.StandIn.BeforeExecAsync = async (ns, pod, command) =>
        {
            if (!restarted && command.Contains("xmf"))
            {
                restarted = true;
                await cluster.StandIn.ReplaceContainerAsync(ns, pod, "app");
            }
        };
        project.WriteFile("site/b.txt", "b2\n");
        project.DeleteFile("site/gone.txt");
        await project.SyncAsync(cluster.Environment); // whatever it says: the container it planned for is gone
        Assert.True(restarted);

        var next = SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());

        string id = cluster.StandIn.GetPod(KubeCluster.Namespace, "web-0").DockerId("app");
        Assert.Equal(id[..12], next.ShortId);
        Assert.Equal("a\n", await InContainer.CatAsync(id, "/app/www/a.txt"));
        Assert.Equal("b2\n", await InContainer.CatAsync(id, "/app/www/b.txt"));
        Assert.False(await InContainer.ExistsAsync(id, "/app/www/gone.txt"));
        Assert.True(SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded()).UpToDate);
    }

    [Fact]
    public async Task A_100_MB_file_reaches_two_replicas_byte_exact()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod[] pods = await Task.WhenAll(cluster.AddWebPodAsync("web-0"), cluster.AddWebPodAsync("web-1"));
        using var project = new ConsumerProject(package, "kube-big-file")
            .Rule("big.bin", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", "app=web");
        byte[] content = new byte[100 * 1024 * 1024];
        new Random(10).NextBytes(content);
        project.WriteFile("big.bin", content);
        string expected = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(content));

        Assert.Equal(2, SyncSummary.All((await project.SyncAsync(cluster.Environment)).Succeeded().Output).Count);

        foreach (StandInPod pod in pods)
        {
            Assert.StartsWith(expected, await InContainer.ExecAsync(pod.DockerId("app"), "md5sum", "/app/big.bin"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Two_containers_need_FileSyncContainer_and_an_unready_or_terminating_replica_is_reported_while_the_others_sync()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        string image = FileSync.Tests.Infrastructure.DockerCli.Image;
        var labels = new Dictionary<string, string> { ["app"] = "web" };
        StandInPod two = await cluster.StandIn.AddPodAsync(KubeCluster.Namespace, "web-0", labels, new StandInContainer("app", image), new StandInContainer("sidecar", image));
        StandInPod unready = await cluster.StandIn.AddPodAsync(KubeCluster.Namespace, "web-1", labels, new StandInContainer("app", image));
        StandInPod leaving = await cluster.StandIn.AddPodAsync(KubeCluster.Namespace, "web-2", labels, new StandInContainer("app", image));
        cluster.StandIn.SetPhase(KubeCluster.Namespace, "web-1", "Running", ready: false);
        cluster.StandIn.SetPhase(KubeCluster.Namespace, "web-2", "Running", terminating: true);
        using var project = new ConsumerProject(package, "kube-two-containers")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", "app=web");
        project.WriteFile("a.txt", "a\n");

        ProcessResult ambiguous = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Contains("error FSYNC9011", ambiguous.Output, StringComparison.Ordinal);
        Assert.Contains("error FSYNC9008", ambiguous.Output, StringComparison.Ordinal);
        Assert.Contains("warning FSYNC9009", ambiguous.Output, StringComparison.Ordinal);
        Assert.Empty(SyncSummary.All(ambiguous.Output));

        project.Property("FileSyncContainer", "sidecar");
        ProcessResult named = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Equal(["shop/web-0/sidecar"], SyncSummary.All(named.Output).Select(line => line.Name));
        Assert.Contains("FSYNC9010", named.Output, StringComparison.Ordinal); // web-1 and web-2 have no sidecar
        Assert.Equal("a\n", await InContainer.CatAsync(two.DockerId("sidecar"), "/app/a.txt"));
        Assert.False(await InContainer.ExistsAsync(two.DockerId("app"), "/app/a.txt"));
        Assert.False(await InContainer.ExistsAsync(unready.DockerId("app"), "/app/a.txt"));
        Assert.False(await InContainer.ExistsAsync(leaving.DockerId("app"), "/app/a.txt"));
    }
}
