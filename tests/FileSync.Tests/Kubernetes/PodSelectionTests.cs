using FileSync.Diagnostics;
using FileSync.Kubernetes;
using FileSync.Targets;
using FileSync.Tests.Core;
using static FileSync.Tests.Kubernetes.FakeKubeApi;

namespace FileSync.Tests.Kubernetes;

/// <summary>Which pods and containers a Kubernetes sync goes to, and what is reported about the others.</summary>
public sealed class PodSelectionTests
{
    private readonly FakeKubeApi _api = new();
    private readonly RecordingLog _log = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<IReadOnlyList<ISyncTarget>> Resolve(string settings)
    {
        var values = settings.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
        var target = new TargetSettings("kubernetes")
        {
            Pod = values.GetValueOrDefault("Pod"), Selector = values.GetValueOrDefault("Selector"), Image = values.GetValueOrDefault("Image"),
            Container = values.GetValueOrDefault("Container"), Namespace = values.GetValueOrDefault("Namespace"),
        };
        return TargetFactory.ResolveAsync(target, _ => throw new InvalidOperationException("no Docker engine"), _log, Ct, _ => _api);
    }

    private static string[] Names(IReadOnlyList<ISyncTarget> targets) => [.. targets.Select(t => t.DisplayName)];

    [Fact]
    public async Task A_pod_by_name_in_the_contexts_namespace_with_its_only_container()
    {
        _api.ContextNamespace = "shop";
        _api.Pods.Add(Pod("web-0", "shop"));

        ISyncTarget target = Assert.Single(await Resolve("Pod=web-0"));

        Assert.Equal("shop/web-0", target.DisplayName);
        Assert.Equal("app-1/uid-web-0", target.InstanceId);
    }

    [Fact]
    public async Task FileSyncNamespace_wins_over_the_context_and_default_is_the_last_resort()
    {
        _api.Pods.Add(Pod("web-0", "default"));
        _api.Pods.Add(Pod("web-0", "other", uid: "uid-other"));

        Assert.Equal("app-1/uid-web-0", Assert.Single(await Resolve("Pod=web-0")).InstanceId);
        _api.ContextNamespace = "nowhere";
        Assert.Equal("app-1/uid-other", Assert.Single(await Resolve("Pod=web-0;Namespace=other")).InstanceId);
    }

    [Fact]
    public async Task A_pod_not_found_names_it_its_namespace_and_the_server()
    {
        var error = await Assert.ThrowsAsync<FileSyncException>(() => Resolve("Pod=web-9"));

        Assert.Equal("FSYNC9006", error.Diagnostic.Code);
        Assert.Contains("'web-9'", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("'default'", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains(_api.Endpoint, error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_selector_goes_to_the_server_as_written_and_every_ready_replica_is_a_target()
    {
        _api.Pods.AddRange([Pod("web-b"), Pod("web-a"), Pod("web-c")]);

        IReadOnlyList<ISyncTarget> targets = await Resolve("Selector=app in (web),tier!=db");

        Assert.Equal(["default/web-a", "default/web-b", "default/web-c"], Names(targets));
        Assert.Equal(["app in (web),tier!=db"], _api.Selectors);
    }

    [Fact]
    public async Task An_image_picks_every_pod_with_a_container_of_it_and_that_container()
    {
        _api.Pods.Add(Pod("web-0", containers: [Container("sidecar", image: "envoy:1"), Container("app", image: "docker.io/library/web:dev")]));
        _api.Pods.Add(Pod("db-0", containers: [Container("db", image: "postgres:16")]));

        ISyncTarget target = Assert.Single(await Resolve("Image=web:dev"));

        Assert.Equal("default/web-0/app", target.DisplayName);
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public async Task An_image_by_digest_matches_the_running_image_id()
    {
        _api.Pods.Add(Pod("web-0"));

        Assert.Single(await Resolve("Image=sha256:abc123"));
    }

    [Theory]
    [InlineData("Pending", true, "FSYNC9008")]
    [InlineData("Running", false, "FSYNC9008")]
    public async Task A_pending_or_unready_replica_is_an_error_naming_it_and_the_others_are_still_targets(string phase, bool ready, string code)
    {
        _api.Pods.AddRange([Pod("web-a"), Pod("web-b", phase: phase, containers: [Container("app", ready: ready)])]);

        IReadOnlyList<ISyncTarget> targets = await Resolve("Selector=app=web");

        Assert.Equal(["default/web-a"], Names(targets));
        Diagnostic error = Assert.Single(_log.Errors);
        Assert.Equal(code, error.Code);
        Assert.Contains("'web-b'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_terminating_replica_is_a_warning_and_a_finished_one_is_no_target()
    {
        _api.Pods.AddRange([Pod("web-a"), Pod("web-b", terminating: true), Pod("job-1", phase: "Succeeded")]);

        IReadOnlyList<ISyncTarget> targets = await Resolve("Selector=app=web");

        Assert.Equal(["default/web-a"], Names(targets));
        Assert.Equal(["FSYNC9009"], _log.Codes);
    }

    [Fact]
    public async Task A_named_pod_that_is_terminating_is_an_error()
    {
        _api.Pods.Add(Pod("web-0", terminating: true));

        var error = await Assert.ThrowsAsync<FileSyncException>(() => Resolve("Pod=web-0"));

        Assert.Equal("FSYNC9008", error.Diagnostic.Code);
        Assert.Contains("terminating", error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_pod_matching_is_an_error_naming_the_selector_and_namespace()
    {
        _api.Pods.Add(Pod("web-0", terminating: true));

        var error = await Assert.ThrowsAsync<FileSyncException>(() => Resolve("Selector=app=web"));

        Assert.Equal("FSYNC9007", error.Diagnostic.Code);
        Assert.Contains("'app=web'", error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Several_containers_need_FileSyncContainer_and_a_wrong_one_lists_them()
    {
        _api.Pods.Add(Pod("web-0", containers: [Container("app"), Container("sidecar")]));

        var ambiguous = await Assert.ThrowsAsync<FileSyncException>(() => Resolve("Pod=web-0"));
        var wrong = await Assert.ThrowsAsync<FileSyncException>(() => Resolve("Pod=web-0;Container=api"));
        ISyncTarget chosen = Assert.Single(await Resolve("Pod=web-0;Container=sidecar"));

        Assert.Equal("FSYNC9011", ambiguous.Diagnostic.Code);
        Assert.Equal("FSYNC9010", wrong.Diagnostic.Code);
        Assert.Contains("app, sidecar", wrong.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Equal("sidecar-1/uid-web-0", chosen.InstanceId);
    }

    [Theory]
    [InlineData("Unreachable", "FSYNC9004")]
    [InlineData("Refused", "FSYNC9005")]
    public async Task An_API_failure_is_a_coded_error_naming_the_server(string failure, string code)
    {
        _api.ListFailure = new KubeApiException(Enum.Parse<KubeFailure>(failure), "pods is forbidden: User \"dev\" cannot list resource \"pods\"");

        var error = await Assert.ThrowsAsync<FileSyncException>(() => Resolve("Selector=app=web"));

        Assert.Equal(code, error.Diagnostic.Code);
        Assert.Contains(_api.Endpoint, error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_restarted_container_is_a_new_instance_and_the_workingDir_comes_from_the_spec()
    {
        _api.Pods.Add(Pod("web-0", containers: [Container("app", id: "containerd://aaa", workingDir: "/srv")]));
        ISyncTarget before = Assert.Single(await Resolve("Pod=web-0"));
        _api.Pods[0] = Pod("web-0", containers: [Container("app", id: "containerd://bbb", workingDir: "/srv")]);
        ISyncTarget after = Assert.Single(await Resolve("Pod=web-0"));

        Assert.NotEqual(before.InstanceId, after.InstanceId);
        Assert.NotEqual(Syncer.StatePath("/s", before), Syncer.StatePath("/s", after));
        Assert.Equal("/srv", after.WorkingDirectory);
    }
}
