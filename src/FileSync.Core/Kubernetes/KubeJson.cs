using System.Text.Json;

namespace FileSync.Kubernetes;

/// <summary>The few fields of a pod a sync reads, from the API's JSON (metadata, spec.containers, status).</summary>
internal static class KubeJson
{
    public static KubePod ToPod(JsonElement pod)
    {
        JsonElement metadata = Child(pod, "metadata"), spec = Child(pod, "spec"), status = Child(pod, "status");
        var statuses = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (JsonElement containerStatus in Items(status, "containerStatuses"))
        {
            if (Text(containerStatus, "name") is { } name)
            {
                statuses[name] = containerStatus;
            }
        }

        KubeContainer[] containers = [.. Items(spec, "containers").Select(container =>
        {
            string name = Text(container, "name") ?? "";
            JsonElement state = statuses.TryGetValue(name, out JsonElement found) ? found : default;
            return new KubeContainer(name, Text(container, "image") ?? "", Text(state, "imageID"), Text(container, "workingDir"),
                Ready: Child(state, "ready").ValueKind == JsonValueKind.True,
                Running: Child(Child(state, "state"), "running").ValueKind == JsonValueKind.Object,
                ContainerId: Text(state, "containerID"));
        })];
        return new KubePod(Text(metadata, "namespace") ?? "", Text(metadata, "name") ?? "", Text(metadata, "uid") ?? "", Text(status, "phase") ?? "Unknown",
            Terminating: Text(metadata, "deletionTimestamp") is not null, containers);
    }

    private static JsonElement Child(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement child) ? child : default;

    private static IEnumerable<JsonElement> Items(JsonElement element, string name) =>
        Child(element, name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    private static string? Text(JsonElement element, string name) =>
        Child(element, name) is { ValueKind: JsonValueKind.String } text && text.GetString() is { Length: > 0 } value ? value : null;
}
