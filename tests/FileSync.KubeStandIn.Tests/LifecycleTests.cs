using System.Text.Json;

namespace FileSync.KubeStandIn.Tests;

/// <summary>What the stand-in's test controls do, seen through the real kubectl and the docker CLI: restarts,
/// replacements, phases, removal, start failures of an exec, and clean-up by id.</summary>
public sealed class LifecycleTests : IAsyncLifetime
{
    private const string Ns = "life";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "kstand-life-" + Guid.NewGuid().ToString("N")[..8]);
    private KubeStandIn _standIn = null!;
    private Kubectl _kubectl = null!;

    public async ValueTask InitializeAsync()
    {
        _standIn = await KubeStandIn.StartAsync(TestContext.Current.CancellationToken);
        _kubectl = new Kubectl(_standIn.WriteKubeconfig(Path.Combine(_folder, "kubeconfig"), Ns), Path.Combine(_folder, "cache"));
    }

    public async ValueTask DisposeAsync()
    {
        await _standIn.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_container_restart_gives_a_fresh_container_in_the_same_pod()
    {
        var before = await AddAsync("api-1");
        Assert.Equal(0, (await Cli.DockerAsync("exec", before.DockerId("app"), "touch", "/app/synced")).ExitCode);

        await _standIn.ReplaceContainerAsync(Ns, "api-1", "app");

        var after = _standIn.GetPod(Ns, "api-1");
        Assert.Equal(before.Uid, after.Uid);
        Assert.NotEqual(before.DockerId("app"), after.DockerId("app"));
        var result = await _kubectl.RunAsync("get", "pod", "api-1", "-o", "jsonpath={.metadata.uid} {.status.containerStatuses[0].containerID} {.status.containerStatuses[0].restartCount}");
        Assert.Equal($"{before.Uid} docker://{after.DockerId("app")} 1", result.StdOut);
        // The old container is gone and the new one starts from the image, without what was written before.
        Assert.NotEqual(0, (await Cli.DockerAsync("inspect", before.DockerId("app"))).ExitCode);
        Assert.NotEqual(0, (await Cli.DockerAsync("exec", after.DockerId("app"), "test", "-e", "/app/synced")).ExitCode);
    }

    [Fact]
    public async Task A_replaced_pod_has_a_new_uid_and_new_containers()
    {
        var before = await AddAsync("api-1");
        var after = await _standIn.ReplacePodAsync(Ns, "api-1");
        Assert.NotEqual(before.Uid, after.Uid);
        Assert.NotEqual(before.DockerId("app"), after.DockerId("app"));
        Assert.Equal(0, after.Containers[0].RestartCount);
        var result = await _kubectl.RunAsync("get", "pod", "api-1", "-o", "jsonpath={.metadata.uid}");
        Assert.Equal(after.Uid, result.StdOut);
        Assert.NotEqual(0, (await Cli.DockerAsync("inspect", before.DockerId("app"))).ExitCode);
    }

    [Fact]
    public async Task Kubectl_prints_the_servers_table_with_each_pods_state()
    {
        await AddAsync("api-1");
        await AddAsync("api-2");
        await AddAsync("api-3");
        _standIn.SetPhase(Ns, "api-2", "Pending", ready: false);
        _standIn.SetPhase(Ns, "api-3", "Running", terminating: true);

        var result = await _kubectl.RunAsync("get", "pods");
        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.StdOut.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["NAME", "READY", "STATUS", "RESTARTS", "AGE"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["api-1", "1/1", "Running", "0"], lines[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..4]);
        Assert.Equal(["api-2", "0/1", "ContainerCreating", "0"], lines[2].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..4]);
        Assert.Equal(["api-3", "1/1", "Terminating", "0"], lines[3].Split(' ', StringSplitOptions.RemoveEmptyEntries)[..4]);

        var json = await _kubectl.RunAsync("get", "pod", "api-3", "-o", "json");
        using var pod = JsonDocument.Parse(json.StdOut);
        Assert.True(pod.RootElement.GetProperty("metadata").TryGetProperty("deletionTimestamp", out _));
        var pending = await _kubectl.RunAsync("get", "pod", "api-2", "-o", "jsonpath={.status.phase} {.status.containerStatuses[0].ready} {.status.containerStatuses[0].state.waiting.reason}");
        Assert.Equal("Pending false ContainerCreating", pending.StdOut);
    }

    [Fact]
    public async Task Exec_into_a_pod_that_is_not_running_is_refused()
    {
        await AddAsync("api-1");
        _standIn.SetPhase(Ns, "api-1", "Pending", ready: false);
        var result = await _kubectl.RunAsync("exec", "api-1", "--", "true");
        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("container not found (\"app\")", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_executable_is_an_internal_error_as_containerd_reports_it()
    {
        await AddAsync("api-1");
        var result = await _kubectl.RunAsync("exec", "api-1", "--", "nosuch-tool", "x");
        Assert.Equal(1, result.ExitCode);
        Assert.Equal(string.Empty, result.StdOut);
        Assert.StartsWith("error: Internal error occurred: error executing command in container: failed to exec in container:", result.StdErr, StringComparison.Ordinal);
        Assert.Contains("executable file not found in $PATH", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_executable_can_be_an_exit_code_as_cri_dockerd_reports_it()
    {
        await AddAsync("api-1");
        _standIn.ExecStartFailure = ExecStartFailure.ExitCode;
        var result = await _kubectl.RunAsync("exec", "api-1", "--", "nosuch-tool", "x");
        Assert.Equal(126, result.ExitCode);
        Assert.Contains("executable file not found in $PATH", result.StdOut + result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exec_into_a_container_gone_behind_the_pods_back_is_an_internal_error()
    {
        var pod = await AddAsync("api-1");
        Assert.Equal(0, (await Cli.DockerAsync("rm", "-f", pod.DockerId("app"))).ExitCode);
        var result = await _kubectl.RunAsync("exec", "api-1", "--", "true");
        Assert.Equal(1, result.ExitCode);
        Assert.StartsWith("error: Internal error occurred: error executing command in container:", result.StdErr, StringComparison.Ordinal);
        Assert.Contains(pod.DockerId("app"), result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rbac_refusals_are_Forbidden_Statuses_kubectl_shows()
    {
        await AddAsync("api-1");
        _standIn.ForbidList = true;
        var list = await _kubectl.RunAsync("get", "pods");
        Assert.NotEqual(0, list.ExitCode);
        Assert.Contains("Error from server (Forbidden): pods is forbidden: User \"standin\" cannot list resource \"pods\" in API group \"\" in the namespace \"life\"", list.StdErr, StringComparison.Ordinal);

        _standIn.ForbidList = false;
        _standIn.ForbidExec = true;
        var exec = await _kubectl.RunAsync("exec", "api-1", "--", "true");
        Assert.NotEqual(0, exec.ExitCode);
        Assert.Contains("pods \"api-1\" is forbidden: User \"standin\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"life\"", exec.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_removed_pod_is_not_found_and_its_container_is_gone()
    {
        var pod = await AddAsync("api-1");
        await _standIn.RemovePodAsync(Ns, "api-1");
        var result = await _kubectl.RunAsync("get", "pod", "api-1");
        Assert.Contains("(NotFound)", result.StdErr, StringComparison.Ordinal);
        Assert.NotEqual(0, (await Cli.DockerAsync("inspect", pod.DockerId("app"))).ExitCode);
    }

    [Fact]
    public async Task The_exec_hook_runs_before_the_pod_is_looked_up()
    {
        var before = await AddAsync("api-1");
        _standIn.BeforeExecAsync = async (ns, pod, command) =>
        {
            _standIn.BeforeExecAsync = null;
            await _standIn.ReplacePodAsync(ns, pod);
        };
        var result = await _kubectl.RunAsync("exec", "api-1", "--", "hostname");
        Assert.True(result.ExitCode == 0, result.ToString());
        var after = _standIn.GetPod(Ns, "api-1");
        Assert.NotEqual(before.Uid, after.Uid);
        // The exec ran in the new pod's container (docker sets the hostname to the container's short id).
        Assert.Equal(after.DockerId("app")[..12] + "\n", result.StdOut);
    }

    [Fact]
    public async Task Dispose_removes_every_container_it_started()
    {
        await using var standIn = await KubeStandIn.StartAsync(TestContext.Current.CancellationToken);
        var pod = await standIn.AddPodAsync(Ns, "two", new Dictionary<string, string>(),
            new StandInContainer("a", StandInFixture.Image), new StandInContainer("b", StandInFixture.Image));
        await standIn.ReplaceContainerAsync(Ns, "two", "a");
        string[] ids = [.. pod.Containers.Select(c => c.DockerId), .. standIn.GetPod(Ns, "two").Containers.Select(c => c.DockerId)];
        Assert.Equal(0, (await Cli.DockerAsync("inspect", ids[1])).ExitCode);

        await standIn.DisposeAsync();

        foreach (string id in ids)
        {
            Assert.NotEqual(0, (await Cli.DockerAsync("inspect", id)).ExitCode);
        }
    }

    private Task<StandInPod> AddAsync(string name) =>
        _standIn.AddPodAsync(Ns, name, new Dictionary<string, string> { ["app"] = "api" }, new StandInContainer("app", StandInFixture.Image));
}
