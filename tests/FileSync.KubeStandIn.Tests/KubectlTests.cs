using System.Formats.Tar;
using System.Text;
using System.Text.Json;

namespace FileSync.KubeStandIn.Tests;

/// <summary>The real kubectl against the stand-in: what it reads and execs must work as against a cluster.</summary>
public sealed class KubectlTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private Kubectl Kubectl => fixture.Kubectl;

    [Fact]
    public async Task Kubectl_version_sees_a_server_of_1_30_or_later()
    {
        var result = await Kubectl.RunAsync("version", "-o", "json");
        Assert.True(result.ExitCode == 0, result.ToString());
        using var json = JsonDocument.Parse(result.StdOut);
        var server = json.RootElement.GetProperty("serverVersion");
        Assert.Equal("1", server.GetProperty("major").GetString());
        Assert.True(int.Parse(server.GetProperty("minor").GetString()!) >= 30, result.StdOut);
        // The dispatcher asked the server its version to pick the bundled kubectl of that minor (1.32: the exec tests
        // see its WebSocket GET, which a 1.29 kubectl, SPDY only, would never send).
        Assert.StartsWith("32", json.RootElement.GetProperty("clientVersion").GetProperty("minor").GetString(), StringComparison.Ordinal);
        Assert.Contains(fixture.StandIn.Requests, r => r.StartsWith("GET /version", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kubectl_lists_pods_as_json_and_by_label()
    {
        var all = await Kubectl.RunAsync("get", "pods", "-o", "json");
        Assert.True(all.ExitCode == 0, all.ToString());
        Assert.Equal(["db-1", "web-1", "web-2"], Names(all.StdOut));

        var web = await Kubectl.RunAsync("get", "pods", "-l", "app=web", "-o", "json");
        Assert.True(web.ExitCode == 0, web.ToString());
        Assert.Equal(["web-1", "web-2"], Names(web.StdOut));

        var notWeb = await Kubectl.RunAsync("get", "pods", "-l", "app!=web", "-o", "json");
        Assert.Equal(["db-1"], Names(notWeb.StdOut));

        var set = await Kubectl.RunAsync("get", "pods", "-l", "app in (db,cache),!tier", "-o", "json");
        Assert.Equal(["db-1"], Names(set.StdOut));
        Assert.Contains(fixture.StandIn.Requests, r => r.StartsWith("GET /api/v1/namespaces/shop/pods?", StringComparison.Ordinal) && r.Contains("labelSelector=app%3Dweb", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kubectl_reads_a_pods_fields_with_jsonpath()
    {
        var pod = fixture.StandIn.GetPod(StandInFixture.Namespace, "db-1");
        var result = await Kubectl.RunAsync("get", "pod", "db-1", "-o",
            "jsonpath={.metadata.uid} {.status.phase} {.spec.containers[0].workingDir} {.status.containerStatuses[1].containerID} {.status.containerStatuses[1].restartCount}");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal($"{pod.Uid} Running /tmp docker://{pod.DockerId("side")} 0", result.StdOut);
        var image = await Kubectl.RunAsync("get", "pod", "db-1", "-o", "jsonpath={.spec.containers[1].image} {.status.containerStatuses[1].imageID}");
        string imageId = (await Cli.DockerAsync("inspect", "--format", "{{.Image}}", pod.DockerId("side"))).StdOut.Trim();
        Assert.Equal($"{StandInFixture.Image} docker://{imageId}", image.StdOut);
    }

    [Fact]
    public async Task Kubectl_get_of_a_missing_pod_fails_with_NotFound()
    {
        var result = await Kubectl.RunAsync("get", "pod", "nosuch");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("(NotFound)", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("pods \"nosuch\" not found", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_exec_into_a_missing_pod_fails_with_NotFound()
    {
        var result = await Kubectl.RunAsync("exec", "nosuch", "--", "true");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("pods \"nosuch\" not found", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_exec_streams_a_tar_on_stdin_into_the_container()
    {
        string folder = "/app/kubectl-tar-" + Guid.NewGuid().ToString("N")[..8];
        byte[] content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("kubectl exec -i over v5.channel.k8s.io\n", 5000)));
        byte[] tar = Tar(("hello.txt", content));
        var mkdir = await Kubectl.RunAsync("exec", "web-1", "-c", "app", "--", "mkdir", "-p", folder);
        Assert.True(mkdir.ExitCode == 0, mkdir.ToString());

        int before = fixture.StandIn.Requests.Count;
        var result = await Kubectl.RunWithStdinAsync(tar, "exec", "-i", "web-1", "-c", "app", "--", "tar", "xf", "-", "-C", folder);
        Assert.True(result.ExitCode == 0, result.ToString());

        // Read back independently, with the docker CLI.
        var pod = fixture.StandIn.GetPod(StandInFixture.Namespace, "web-1");
        var cat = await Cli.DockerAsync("exec", pod.DockerId("app"), "cat", folder + "/hello.txt");
        Assert.Equal(Encoding.UTF8.GetString(content), cat.StdOut);

        // kubectl used the WebSocket exec (a GET) and never fell back to SPDY (a POST).
        var requests = fixture.StandIn.Requests.Skip(before).ToList();
        Assert.Contains(requests, r => r.StartsWith("GET /api/v1/namespaces/shop/pods/web-1/exec?", StringComparison.Ordinal));
        Assert.DoesNotContain(requests, r => r.StartsWith("POST ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Kubectl_cp_copies_a_folder_into_the_pod_and_back()
    {
        string local = Path.Combine(Path.GetTempPath(), "kstand-cp-" + Guid.NewGuid().ToString("N")[..8]);
        string remote = "/app/cp-" + Guid.NewGuid().ToString("N")[..8];
        try
        {
            Directory.CreateDirectory(Path.Combine(local, "in", "sub"));
            await File.WriteAllTextAsync(Path.Combine(local, "in", "sub", "b.txt"), "kubectl cp\n", TestContext.Current.CancellationToken);
            // kubectl cp execs `tar xmf - -C <dir>` with the tar on stdin and closes stdin with [255, 0].
            var up = await Kubectl.RunAsync("cp", Path.Combine(local, "in"), $"web-1:{remote}", "-c", "app");
            Assert.True(up.ExitCode == 0, up.ToString());
            var pod = fixture.StandIn.GetPod(StandInFixture.Namespace, "web-1");
            Assert.Equal("kubectl cp\n", (await Cli.DockerAsync("exec", pod.DockerId("app"), "cat", remote + "/sub/b.txt")).StdOut);

            // And back: `tar cf - <dir>` streamed on stdout.
            var down = await Kubectl.RunAsync("cp", $"web-1:{remote}", Path.Combine(local, "out"), "-c", "app");
            Assert.True(down.ExitCode == 0, down.ToString());
            Assert.Equal("kubectl cp\n", await File.ReadAllTextAsync(Path.Combine(local, "out", "sub", "b.txt"), TestContext.Current.CancellationToken));
        }
        finally
        {
            Directory.Delete(local, recursive: true);
        }
    }

    [Fact]
    public async Task Kubectl_exec_returns_the_commands_exit_code_and_output()
    {
        var result = await Kubectl.RunAsync("exec", "web-2", "--", "sh", "-c", "echo out; echo err >&2; exit 3");
        Assert.Equal(3, result.ExitCode);
        Assert.Equal("out\n", result.StdOut);
        Assert.Contains("err\n", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Kubectl_exec_passes_odd_arguments_byte_exact_and_never_through_a_shell()
    {
        string marker = "/app/pwned-" + Guid.NewGuid().ToString("N")[..8];
        string[] odd = ["-rf", $"$(touch {marker})", "a b", "new\nline", "tab\there", ";", "*?[", "back\\slash", "%41", "é", ""];
        var result = await Kubectl.RunAsync(["exec", "web-2", "--", "printf", "<%s>", .. odd]);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Concat(odd.Select(a => $"<{a}>")), result.StdOut);
        var pod = fixture.StandIn.GetPod(StandInFixture.Namespace, "web-2");
        Assert.NotEqual(0, (await Cli.DockerAsync("exec", pod.DockerId("app"), "test", "-e", marker)).ExitCode);
    }

    [Fact]
    public async Task Kubectl_exec_picks_the_named_container_and_its_working_dir()
    {
        var main = await Kubectl.RunAsync("exec", "db-1", "-c", "main", "--", "pwd");
        Assert.True(main.ExitCode == 0, main.ToString());
        Assert.Equal("/tmp\n", main.StdOut);
        var side = await Kubectl.RunAsync("exec", "db-1", "-c", "side", "--", "cat", "/proc/1/cmdline");
        Assert.Equal("sleep\01000000\0", side.StdOut);
    }

    [Fact]
    public async Task Kubectl_without_the_token_is_refused_with_401()
    {
        string folder = Path.Combine(Path.GetTempPath(), "kstand-notoken-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            string good = await File.ReadAllTextAsync(fixture.Kubeconfig, TestContext.Current.CancellationToken);
            string kubeconfig = Path.Combine(folder, "kubeconfig");
            Directory.CreateDirectory(folder);
            await File.WriteAllTextAsync(kubeconfig, good.Replace(KubeStandIn.Token, "wrong-token", StringComparison.Ordinal), TestContext.Current.CancellationToken);
            var result = await new Kubectl(kubeconfig, Path.Combine(folder, "cache")).RunAsync("get", "pods");
            Assert.NotEqual(0, result.ExitCode);
            Assert.Contains("error: You must be logged in to the server", result.StdErr, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private static string[] Names(string podListJson)
    {
        using var json = JsonDocument.Parse(podListJson);
        return [.. json.RootElement.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("metadata").GetProperty("name").GetString()!)];
    }

    internal static byte[] Tar(params (string Name, byte[] Content)[] files)
    {
        using var buffer = new MemoryStream();
        using (var writer = new TarWriter(buffer, TarEntryFormat.Ustar, leaveOpen: true))
        {
            foreach (var (name, content) in files)
            {
                writer.WriteEntry(new UstarTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content), Mode = (UnixFileMode)0b110_100_100 });
            }
        }

        return buffer.ToArray();
    }
}
