using System.Text.Json;
using FileSync.Kubernetes;

namespace FileSync.Tests.Kubernetes;

/// <summary>A pod as the API server writes it, read into what a sync needs.</summary>
public sealed class KubeJsonTests
{
    private const string Pod = """
        {"kind":"Pod","metadata":{"name":"web-0","namespace":"shop","uid":"5f1c-77","deletionTimestamp":"2026-11-30T17:00:00Z"},
         "spec":{"containers":[{"name":"app","image":"web:dev","workingDir":"/srv"},{"name":"side","image":"envoy:1"}]},
         "status":{"phase":"Running","containerStatuses":[
           {"name":"side","ready":false,"state":{"waiting":{"reason":"CrashLoopBackOff"}},"imageID":"","containerID":"containerd://bb"},
           {"name":"app","ready":true,"state":{"running":{"startedAt":"2026-11-30T16:00:00Z"}},"imageID":"docker-pullable://web@sha256:aa","containerID":"containerd://aa"}]}}
        """;

    [Fact]
    public void Spec_and_status_are_joined_by_container_name()
    {
        using JsonDocument json = JsonDocument.Parse(Pod);

        KubePod pod = KubeJson.ToPod(json.RootElement);

        Assert.Equal(("shop", "web-0", "5f1c-77", "Running", true), (pod.Namespace, pod.Name, pod.Uid, pod.Phase, pod.Terminating));
        Assert.Equal(new KubeContainer("app", "web:dev", "docker-pullable://web@sha256:aa", "/srv", true, true, "containerd://aa"), pod.Containers[0]);
        Assert.Equal(new KubeContainer("side", "envoy:1", null, null, false, false, "containerd://bb"), pod.Containers[1]);
    }

    [Fact]
    public void A_pod_without_status_yet_is_pending_with_containers_not_ready()
    {
        using JsonDocument json = JsonDocument.Parse("""{"metadata":{"name":"web-1","uid":"u"},"spec":{"containers":[{"name":"app","image":"web"}]},"status":{"phase":"Pending"}}""");

        KubePod pod = KubeJson.ToPod(json.RootElement);

        Assert.Equal("Pending", pod.Phase);
        Assert.Equal(new KubeContainer("app", "web", null, null, false, false, null), Assert.Single(pod.Containers));
    }
}
