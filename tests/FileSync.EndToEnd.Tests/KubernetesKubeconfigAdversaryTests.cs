using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.KubeStandIn;

namespace FileSync.EndToEnd.Tests;

/// <summary>Adversary findings on kubeconfig corner cases: contexts, lists, token files, exec plugins, client certificates.</summary>
public sealed class KubernetesKubeconfigAdversaryTests(PackageFixture package)
{
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
        ReplaceToken(cluster, $"    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \"{plugin}\"\n      interactiveMode: Never");
        await SyncsWithoutShowingTheTokenAsync(cluster, pod, "kube-exec-plugin");
    }

    [Fact]
    public async Task A_failing_exec_credential_plugin_is_a_coded_error()
    {
        await using KubeCluster cluster = await KubeCluster.StartAsync();
        await cluster.AddWebPodAsync("web-0");
        ReplaceToken(cluster, "    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: /nonexistent/plugin\n      interactiveMode: Never");
        using var project = OnePodProject("kube-exec-plugin-missing");
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
        ReplaceToken(cluster, "    client-certificate: missing/client.crt\n    client-key: missing/client.key");
        using var project = OnePodProject("kube-client-cert");
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Contains("error FSYNC9003", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
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
        ReplaceToken(cluster, $"    exec:\n      apiVersion: client.authentication.k8s.io/v1\n      command: \"{plugin}\"\n      interactiveMode: Never");
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
        await SyncsWithoutShowingTheTokenAsync(cluster, pod, "kube-relative-files");
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
        ReplaceToken(cluster, "    tokenFile: gone/token");
        using var project = OnePodProject("kube-token-file-missing");
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.SyncAsync(cluster.Environment)).Failed();

        Assert.Contains("error FSYNC9003", result.Output, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(Path.GetDirectoryName(cluster.KubeconfigPath)!, "gone", "token"), result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
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

    /// <summary>Syncs a.txt into pod web-0 at -v:diag: it lands, and the token is nowhere in the build's output.</summary>
    private async Task SyncsWithoutShowingTheTokenAsync(KubeCluster cluster, StandInPod pod, string name)
    {
        using var project = new ConsumerProject(package, name)
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "kubernetes")
            .Property("FileSyncPod", "web-0");
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.SyncAsync(cluster.Environment, "-v:diag")).Succeeded();

        Assert.Equal("a\n", await InContainer.CatAsync(pod.DockerId("app"), "/app/a.txt"));
        Assert.DoesNotContain(KubeCluster.Token, result.Output, StringComparison.Ordinal);
    }

    /// <summary>The kubeconfig's user with <paramref name="credentials"/> (kubeconfig lines) instead of its token.</summary>
    private static void ReplaceToken(KubeCluster cluster, string credentials) =>
        File.WriteAllText(cluster.KubeconfigPath, File.ReadAllText(cluster.KubeconfigPath).Replace($"    token: \"{KubeCluster.Token}\"", credentials, StringComparison.Ordinal));

    /// <summary>A consumer that syncs a.txt into /app of the pod web-0.</summary>
    private ConsumerProject OnePodProject(string name) => new ConsumerProject(package, name)
        .Rule("a.txt", dest: "/app")
        .Property("FileSyncRuntime", "kubernetes")
        .Property("FileSyncPod", "web-0");
}
