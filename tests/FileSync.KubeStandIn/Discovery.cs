using System.Text.Json.Nodes;

namespace FileSync.KubeStandIn;

/// <summary>The version and discovery documents kubectl reads before it lists pods or execs (legacy discovery:
/// plain JSON, so clients that ask for aggregated discovery fall back to it, as against an older server).</summary>
internal static class Discovery
{
    public static JsonObject Version() => new()
    {
        ["major"] = "1",
        ["minor"] = "32",
        ["gitVersion"] = KubeStandIn.ServerVersion,
        ["gitCommit"] = "0000000000000000000000000000000000000000",
        ["gitTreeState"] = "clean",
        ["buildDate"] = "2025-04-22T00:00:00Z",
        ["goVersion"] = "go1.23.8",
        ["compiler"] = "gc",
        ["platform"] = "linux/amd64",
    };

    public static JsonObject ApiVersions(string serverAddress) => new()
    {
        ["kind"] = "APIVersions",
        ["versions"] = new JsonArray("v1"),
        ["serverAddressByClientCIDRs"] = new JsonArray(new JsonObject { ["clientCIDR"] = "0.0.0.0/0", ["serverAddress"] = serverAddress }),
    };

    public static JsonObject ApiGroups() => new()
    {
        ["kind"] = "APIGroupList",
        ["apiVersion"] = "v1",
        ["groups"] = new JsonArray(),
    };

    public static JsonObject CoreResources() => new()
    {
        ["kind"] = "APIResourceList",
        ["groupVersion"] = "v1",
        ["resources"] = new JsonArray(
            Resource("namespaces", "namespace", namespaced: false, "Namespace", ["get", "list"], ["ns"]),
            Resource("pods", "pod", namespaced: true, "Pod", ["get", "list"], ["po"]),
            Resource("pods/exec", string.Empty, namespaced: true, "PodExecOptions", ["create", "get"], [])),
    };

    private static JsonObject Resource(string name, string singular, bool namespaced, string kind, string[] verbs, string[] shortNames)
    {
        var resource = new JsonObject
        {
            ["name"] = name,
            ["singularName"] = singular,
            ["namespaced"] = namespaced,
            ["kind"] = kind,
            ["verbs"] = new JsonArray([.. verbs.Select(v => (JsonNode?)JsonValue.Create(v))]),
        };
        if (shortNames.Length > 0)
        {
            resource["shortNames"] = new JsonArray([.. shortNames.Select(v => (JsonNode?)JsonValue.Create(v))]);
        }

        if (name == "pods")
        {
            resource["categories"] = new JsonArray("all");
        }

        return resource;
    }
}
