using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.KubeStandIn;

namespace FileSync.EndToEnd.Tests;

/// <summary>Adversary findings on the Kubernetes runtime: many deletes in a few execs, kubeconfig corner cases.</summary>
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
    public async Task A_missing_context_is_a_coded_error_naming_the_kubeconfig()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        await cluster.AddWebPodAsync("web-0");
        using var project = new ConsumerProject(package, "kube-missing-context")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncKubeContext", "nowhere")
            .Property("FileSyncPod", "web-0");
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Contains("error FSYNC9003", result.Output, StringComparison.Ordinal);
        Assert.Contains("nowhere", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task An_exec_credential_plugin_gives_the_token_and_it_never_reaches_the_diagnostic_log()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod pod = await cluster.AddWebPodAsync("web-0");
        string plugin = Path.Combine(Path.GetDirectoryName(cluster.KubeconfigPath)!, "token plugin.sh");
        File.WriteAllText(plugin, "#!/bin/sh\necho '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"" + KubeCluster.Token + "\"}}'\n");
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string config = File.ReadAllText(cluster.KubeconfigPath).Replace(
            $"    token: \"{KubeCluster.Token}\"",
            $"    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \"{plugin}\"\n      interactiveMode: Never",
            StringComparison.Ordinal);
        File.WriteAllText(cluster.KubeconfigPath, config);
        using var project = new ConsumerProject(package, "kube-exec-plugin")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncPod", "web-0");
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.SyncAsync(cluster.Environment, "-v:diag")).Succeeded();

        Assert.Equal("a\n", await InContainer.CatAsync(pod.DockerId("app"), "/app/a.txt"));
        Assert.DoesNotContain(KubeCluster.Token, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_exec_credential_plugin_is_a_coded_error()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        await cluster.AddWebPodAsync("web-0");
        string config = File.ReadAllText(cluster.KubeconfigPath).Replace(
            $"    token: \"{KubeCluster.Token}\"",
            "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /nonexistent/plugin\n      interactiveMode: Never",
            StringComparison.Ordinal);
        File.WriteAllText(cluster.KubeconfigPath, config);
        using var project = new ConsumerProject(package, "kube-exec-plugin-missing")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncPod", "web-0");
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Matches("error FSYNC90[0-9][0-9]", result.Output);
        Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_certificate_file_that_is_missing_is_a_coded_error()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        await cluster.AddWebPodAsync("web-0");
        string config = File.ReadAllText(cluster.KubeconfigPath).Replace(
            $"    token: \"{KubeCluster.Token}\"",
            "    client-certificate: missing/client.crt\n    client-key: missing/client.key",
            StringComparison.Ordinal);
        File.WriteAllText(cluster.KubeconfigPath, config);
        using var project = new ConsumerProject(package, "kube-client-cert")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncPod", "web-0");
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Contains("error FSYNC9003", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
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

    [Theory]
    [InlineData("echo 'not json at all'")]
    [InlineData("echo 'plugin: not logged in' >&2; exit 3")]
    [InlineData("echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\"}'")]
    [InlineData("echo '{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"ExecCredential\",\"status\":{\"token\":\"wrong\"}}'")]
    [UnsupportedOSPlatform("windows")]
    public async Task An_exec_credential_plugin_with_a_useless_answer_is_a_coded_error(string body)
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        await cluster.AddWebPodAsync("web-0");
        string plugin = Path.Combine(Path.GetDirectoryName(cluster.KubeconfigPath)!, "plugin.sh");
        File.WriteAllText(plugin, "#!/bin/sh\n" + body + "\n");
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string config = File.ReadAllText(cluster.KubeconfigPath).Replace(
            $"    token: \"{KubeCluster.Token}\"",
            $"    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \"{plugin}\"\n      interactiveMode: Never",
            StringComparison.Ordinal);
        File.WriteAllText(cluster.KubeconfigPath, config);
        using var project = new ConsumerProject(package, "kube-plugin-useless")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", "app=web");
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.SyncAsync(cluster.Environment, "-v:diag")).Failed();

        Assert.Matches("error FSYNC90[0-9][0-9]", result.Output);
        Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(KubeCluster.Token, result.Output, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"error FSYNC90[0-9][0-9]:\s+(at |--->)", result.Output); // one message, never a stack trace
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task The_sync_server_follows_KUBECONFIG_to_another_cluster_between_builds()
    {
        await using var sandbox = new Server.ServerSandbox();
        await using KubeCluster first = await KubeCluster.StartAsync();
        await using KubeCluster second = await KubeCluster.StartAsync();
        StandInPod one = await first.AddWebPodAsync("web-0");
        StandInPod two = await second.AddWebPodAsync("web-0");
        using var project = new ConsumerProject(package, "kube-server-switch")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncSelector", "app=web");
        project.WriteFile("a.txt", "one\n");
        (await sandbox.SyncAsync(project, ("KUBECONFIG", first.KubeconfigPath))).Succeeded();

        project.WriteFile("a.txt", "two\n");
        var switched = (await sandbox.SyncAsync(project, ("KUBECONFIG", second.KubeconfigPath))).Succeeded();

        Assert.Contains("FSYNC7020", switched.Output, StringComparison.Ordinal);
        Assert.Equal("two\n", await InContainer.CatAsync(two.DockerId("app"), "/app/a.txt"));
        Assert.Equal("one\n", await InContainer.CatAsync(one.DockerId("app"), "/app/a.txt"));
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
    public async Task A_certificate_authority_and_token_file_relative_to_the_kubeconfig_are_found_from_the_projects_folder()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod pod = await cluster.AddWebPodAsync("web-0");
        string folder = Path.GetDirectoryName(cluster.KubeconfigPath)!;
        Directory.CreateDirectory(Path.Combine(folder, "certs"));
        File.WriteAllText(Path.Combine(folder, "certs", "ca.crt"), cluster.StandIn.CertificateAuthorityPem);
        File.WriteAllText(Path.Combine(folder, "certs", "token"), KubeCluster.Token);
        string[] lines = File.ReadAllLines(cluster.KubeconfigPath);
        string config = string.Join('\n', lines.Select(line =>
            line.TrimStart().StartsWith("certificate-authority-data:", StringComparison.Ordinal) ? "    certificate-authority: certs/ca.crt"
            : line.TrimStart().StartsWith("token:", StringComparison.Ordinal) ? "    tokenFile: certs/token"
            : line)) + "\n";
        File.WriteAllText(cluster.KubeconfigPath, config);
        using var project = new ConsumerProject(package, "kube-relative-files")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncPod", "web-0");
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.SyncAsync(cluster.Environment, "-v:diag")).Succeeded();

        Assert.Equal("a\n", await InContainer.CatAsync(pod.DockerId("app"), "/app/a.txt"));
        Assert.DoesNotContain(KubeCluster.Token, result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FileSyncKubeContext_picks_a_context_other_than_the_current_one_and_its_namespace()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod pod = await cluster.StandIn.AddPodAsync("other", "web-0", new Dictionary<string, string> { ["app"] = "web" }, new StandInContainer("app", FileSync.Tests.Infrastructure.DockerCli.Image));
        string second = cluster.StandIn.WriteKubeconfig(Path.Combine(Path.GetDirectoryName(cluster.KubeconfigPath)!, "second"), "other", "second");
        string[] secondLines = File.ReadAllLines(second);
        string Section(string[] lines, string name) =>
            string.Join('\n', lines.SkipWhile(line => line != name + ":").Skip(1).TakeWhile(line => line.StartsWith('-') || line.StartsWith(' ')));
        string[] firstLines = File.ReadAllLines(cluster.KubeconfigPath);
        string merged = "apiVersion: v1\nkind: Config\n"
            + "clusters:\n" + Section(firstLines, "clusters") + "\n" + Section(secondLines, "clusters") + "\n"
            + "users:\n" + Section(firstLines, "users") + "\n" + Section(secondLines, "users") + "\n"
            + "contexts:\n" + Section(firstLines, "contexts") + "\n" + Section(secondLines, "contexts") + "\n"
            + "current-context: \"standin\"\n";
        File.WriteAllText(cluster.KubeconfigPath, merged);
        using var project = new ConsumerProject(package, "kube-second-context")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncKubeContext", " second ")
            .Property("FileSyncSelector", "app=web");
        project.WriteFile("a.txt", "a\n");

        var summary = SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());

        Assert.Equal("other/web-0", summary.Name);
        Assert.Equal("a\n", await InContainer.CatAsync(pod.DockerId("app"), "/app/a.txt"));
    }

    [Fact]
    public async Task A_token_file_that_is_missing_is_a_coded_error_naming_it()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        await cluster.AddWebPodAsync("web-0");
        string config = File.ReadAllText(cluster.KubeconfigPath).Replace(
            $"    token: \"{KubeCluster.Token}\"", "    tokenFile: gone/token", StringComparison.Ordinal);
        File.WriteAllText(cluster.KubeconfigPath, config);
        using var project = new ConsumerProject(package, "kube-token-file-missing")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncPod", "web-0");
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Contains("error FSYNC9003", result.Output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(Path.GetDirectoryName(cluster.KubeconfigPath)!, "gone", "token"), result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
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
    public async Task A_KUBECONFIG_list_is_merged_as_kubectl_does_with_each_files_relative_paths_from_its_own_folder()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        StandInPod pod = await cluster.StandIn.AddPodAsync("other", "web-0", new Dictionary<string, string> { ["app"] = "web" }, new StandInContainer("app", FileSync.Tests.Infrastructure.DockerCli.Image));
        string folder = Path.Combine(Path.GetDirectoryName(cluster.KubeconfigPath)!, "b");
        string second = cluster.StandIn.WriteKubeconfig(Path.Combine(folder, "config"), "other", "second");
        File.WriteAllText(Path.Combine(folder, "ca.crt"), cluster.StandIn.CertificateAuthorityPem);
        File.WriteAllText(second, string.Join('\n', File.ReadAllLines(second).Select(line =>
            line.TrimStart().StartsWith("certificate-authority-data:", StringComparison.Ordinal) ? "    certificate-authority: ca.crt"
            : line.StartsWith("current-context:", StringComparison.Ordinal) ? "current-context: \"second\""
            : line)) + "\n");
        var environment = new Dictionary<string, string?> { ["KUBECONFIG"] = $"{cluster.KubeconfigPath}.missing:{cluster.KubeconfigPath}:{second}" };
        using var project = new ConsumerProject(package, "kube-merged-configs")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncKubeContext", "second")
            .Property("FileSyncSelector", "app=web");
        project.WriteFile("a.txt", "a\n");

        var summary = SyncSummary.Single((await project.SyncAsync(environment)).Succeeded());

        Assert.Equal("other/web-0", summary.Name);
        Assert.Equal("a\n", await InContainer.CatAsync(pod.DockerId("app"), "/app/a.txt"));
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
