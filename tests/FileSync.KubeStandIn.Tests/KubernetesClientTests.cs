using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using k8s;

namespace FileSync.KubeStandIn.Tests;

/// <summary>The official C# client against the stand-in: list with selectors, and exec over v5 (stdin closed with
/// <c>[255, 0]</c>) and v4 (stdin ends only when the socket closes, as on a real cluster).</summary>
public sealed class KubernetesClientTests(StandInFixture fixture) : IClassFixture<StandInFixture>, IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly Kubernetes _client = new(KubernetesClientConfiguration.BuildConfigFromConfigFile(fixture.Kubeconfig));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Lists_pods_by_label_and_field_selector()
    {
        var web = await _client.CoreV1.ListNamespacedPodAsync(StandInFixture.Namespace, labelSelector: "app=web", cancellationToken: Ct);
        Assert.Equal(["web-1", "web-2"], web.Items.Select(p => p.Metadata.Name));
        Assert.All(web.Items, p => Assert.StartsWith("docker://", p.Status.ContainerStatuses[0].ContainerID, StringComparison.Ordinal));

        var running = await _client.CoreV1.ListNamespacedPodAsync(StandInFixture.Namespace, fieldSelector: "status.phase=Running,metadata.name!=web-1", cancellationToken: Ct);
        Assert.Equal(["db-1", "web-2"], running.Items.Select(p => p.Metadata.Name));

        var pod = await _client.CoreV1.ReadNamespacedPodAsync("db-1", StandInFixture.Namespace, cancellationToken: Ct);
        Assert.Equal(["main", "side"], pod.Spec.Containers.Select(c => c.Name));
        Assert.Equal("/tmp", pod.Spec.Containers[0].WorkingDir);
        Assert.True(pod.Status.ContainerStatuses.All(s => s.Ready && s.State.Running is not null));
    }

    [Fact]
    public async Task V5_stdin_close_ends_tar_and_the_status_reports_success()
    {
        string folder = await NewFolderAsync("web-1");
        using var socket = await _client.WebSocketNamespacedPodExecAsync("web-1", StandInFixture.Namespace, ["tar", "xf", "-", "-C", folder], "app",
            webSocketSubProtocol: "v5.channel.k8s.io", cancellationToken: Ct);
        Assert.Equal("v5.channel.k8s.io", socket.SubProtocol);
        using var demuxer = new StreamDemuxer(socket, StreamType.RemoteCommand, ownsSocket: false, supportsClose: true);
        demuxer.Start();
        var status = ReadAllAsync(demuxer.GetStream(ChannelIndex.Error, null));
        var stdin = demuxer.GetStream(null, ChannelIndex.StdIn);
        byte[] content = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("v5 stdin close\n", 20000)));
        await stdin.WriteAsync(KubectlTests.Tar(("v5.txt", content)), Ct);
        await stdin.FlushAsync(Ct);
        await demuxer.CloseChannel(ChannelIndex.StdIn, Ct);

        // tar ends only on end of stdin: the status arrives because [255, 0] closed it.
        using var json = JsonDocument.Parse(await status.WaitAsync(Bound, Ct));
        Assert.Equal("Success", json.RootElement.GetProperty("status").GetString());
        var cat = await Cli.DockerAsync("exec", fixture.StandIn.GetPod(StandInFixture.Namespace, "web-1").DockerId("app"), "cat", folder + "/v5.txt");
        Assert.Equal(Encoding.UTF8.GetString(content), cat.StdOut);
    }

    [Fact]
    public async Task V5_status_carries_a_non_zero_exit_code_as_a_cause()
    {
        using var socket = await _client.WebSocketNamespacedPodExecAsync("web-2", StandInFixture.Namespace, ["sh", "-c", "echo oops >&2; exit 2"], "app",
            stdin: false, tty: false, webSocketSubProtocol: "v5.channel.k8s.io", cancellationToken: Ct);
        using var demuxer = new StreamDemuxer(socket, StreamType.RemoteCommand, ownsSocket: false, supportsClose: true);
        demuxer.Start();
        var stderr = ReadAllAsync(demuxer.GetStream(ChannelIndex.StdErr, null));
        using var json = JsonDocument.Parse(await ReadAllAsync(demuxer.GetStream(ChannelIndex.Error, null)).WaitAsync(Bound, Ct));
        var root = json.RootElement;
        Assert.Equal("Failure", root.GetProperty("status").GetString());
        Assert.Equal("NonZeroExitCode", root.GetProperty("reason").GetString());
        var cause = Assert.Single(root.GetProperty("details").GetProperty("causes").EnumerateArray());
        Assert.Equal("ExitCode", cause.GetProperty("reason").GetString());
        Assert.Equal("2", cause.GetProperty("message").GetString());
        Assert.Equal("oops\n", await stderr.WaitAsync(Bound, Ct));
    }

    [Fact]
    public async Task A_command_that_fails_while_stdin_is_still_coming_reports_its_status()
    {
        using var socket = await _client.WebSocketNamespacedPodExecAsync("web-2", StandInFixture.Namespace, ["sh", "-c", "echo refused >&2; exit 5"], "app",
            webSocketSubProtocol: "v5.channel.k8s.io", cancellationToken: Ct);
        using var demuxer = new StreamDemuxer(socket, StreamType.RemoteCommand, ownsSocket: false, supportsClose: true);
        demuxer.Start();
        var status = ReadAllAsync(demuxer.GetStream(ChannelIndex.Error, null));
        var stderr = ReadAllAsync(demuxer.GetStream(ChannelIndex.StdErr, null));

        // Keep writing (as a sync streaming a large tar would) until the status arrives; the server must not wait
        // for the end of stdin to report a command that has already ended.
        var chunk = new byte[64 * 1024];
        long written = 0;
        try
        {
            while (!status.IsCompleted && written < 1L << 30)
            {
                await demuxer.Write(ChannelIndex.StdIn, chunk, 0, chunk.Length, Ct);
                written += chunk.Length;
            }
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            // The server closed the socket after the status: writing on is refused, as on a real cluster.
        }

        using var json = JsonDocument.Parse(await status.WaitAsync(Bound, Ct));
        Assert.Equal("5", json.RootElement.GetProperty("details").GetProperty("causes")[0].GetProperty("message").GetString());
        Assert.Equal("refused\n", await stderr.WaitAsync(Bound, Ct));
    }

    [Fact]
    public async Task The_clients_own_exec_helper_reads_the_exit_code()
    {
        int exitCode = await _client.NamespacedPodExecAsync("db-1", StandInFixture.Namespace, "main", ["sh", "-c", "exit 4"], tty: false,
            (_, _, _) => Task.CompletedTask, Ct);
        Assert.Equal(4, exitCode);
    }

    [Fact]
    public async Task V4_has_no_stdin_close_so_the_command_reads_on_until_the_socket_closes()
    {
        string folder = await NewFolderAsync("web-2");
        string dockerId = fixture.StandIn.GetPod(StandInFixture.Namespace, "web-2").DockerId("app");
        using var socket = await _client.WebSocketNamespacedPodExecAsync("web-2", StandInFixture.Namespace,
            ["sh", "-c", $"cat > {folder}/data; touch {folder}/done"], "app", webSocketSubProtocol: "v4.channel.k8s.io", cancellationToken: Ct);
        Assert.Equal("v4.channel.k8s.io", socket.SubProtocol);
        using var demuxer = new StreamDemuxer(socket);
        demuxer.Start();
        var status = ReadAllAsync(demuxer.GetStream(ChannelIndex.Error, null));

        await demuxer.Write(ChannelIndex.StdIn, Encoding.ASCII.GetBytes("first\n"), 0, 6, Ct);
        // v4 knows no close message: [255, 0] is not an end of stdin, so what follows still reaches the command.
        await demuxer.Write(255, [0], 0, 1, Ct);
        await demuxer.Write(ChannelIndex.StdIn, Encoding.ASCII.GetBytes("second\n"), 0, 7, Ct);
        await WaitForAsync(async () => (await Cli.DockerAsync("exec", dockerId, "cat", folder + "/data")).StdOut == "first\nsecond\n");
        Assert.NotEqual(0, (await Cli.DockerAsync("exec", dockerId, "test", "-e", folder + "/done")).ExitCode);
        Assert.False(status.IsCompleted);

        // Closing the socket is the only end of stdin under v4.
        await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, Ct);
        await WaitForAsync(async () => (await Cli.DockerAsync("exec", dockerId, "test", "-e", folder + "/done")).ExitCode == 0);
    }

    [Fact]
    public async Task A_client_that_dies_mid_stream_ends_the_commands_stdin()
    {
        string folder = await NewFolderAsync("web-1");
        string dockerId = fixture.StandIn.GetPod(StandInFixture.Namespace, "web-1").DockerId("app");
        var socket = await _client.WebSocketNamespacedPodExecAsync("web-1", StandInFixture.Namespace,
            ["sh", "-c", $"cat > {folder}/data; touch {folder}/done"], "app", webSocketSubProtocol: "v5.channel.k8s.io", cancellationToken: Ct);
        using (var demuxer = new StreamDemuxer(socket, StreamType.RemoteCommand, ownsSocket: true, supportsClose: true))
        {
            demuxer.Start();
            await demuxer.Write(ChannelIndex.StdIn, Encoding.ASCII.GetBytes("partial"), 0, 7, Ct);
            await WaitForAsync(async () => (await Cli.DockerAsync("exec", dockerId, "cat", folder + "/data")).StdOut == "partial");
            socket.Abort();
        }

        // No close message and no close handshake: the connection's end is the end of stdin, so the command finishes.
        await WaitForAsync(async () => (await Cli.DockerAsync("exec", dockerId, "test", "-e", folder + "/done")).ExitCode == 0);
    }

    [Fact]
    public async Task A_stalled_server_is_seen_by_the_client_as_a_timeout()
    {
        var never = new TaskCompletionSource();
        await using var standIn = await KubeStandIn.StartAsync(Ct);
        string kubeconfig = standIn.WriteKubeconfig(Path.Combine(Path.GetTempPath(), "kstand-stall-" + Guid.NewGuid().ToString("N")[..8], "kubeconfig"));
        try
        {
            standIn.BeforeRequestAsync = _ => never.Task;
            var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(kubeconfig);
            config.HttpClientTimeout = TimeSpan.FromSeconds(2);
            using var client = new Kubernetes(config);
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.CoreV1.ListNamespacedPodAsync("default", cancellationToken: Ct));
            Assert.Contains(standIn.Requests, r => r.StartsWith("GET /api/v1/namespaces/default/pods", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(kubeconfig)!, recursive: true);
        }
    }

    private async Task<string> NewFolderAsync(string pod)
    {
        string folder = "/app/client-" + Guid.NewGuid().ToString("N")[..8];
        var mkdir = await Cli.DockerAsync("exec", fixture.StandIn.GetPod(StandInFixture.Namespace, pod).DockerId("app"), "mkdir", "-p", folder);
        Assert.True(mkdir.ExitCode == 0, mkdir.ToString());
        return folder;
    }

    private static async Task<string> ReadAllAsync(Stream stream)
    {
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync();
    }

    /// <summary>Polls a condition read with the docker CLI (each poll is one real round trip; bounded).</summary>
    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "The condition did not hold within the bound.");
        }
    }
}
