using System.Globalization;
using System.Text.Json.Nodes;

namespace FileSync.KubeStandIn;

/// <summary>
/// The server-side table kubectl asks for (<c>Accept: application/json;as=Table;v=v1;g=meta.k8s.io</c>) when it
/// prints pods: the columns of the API server's pod printer (NAME READY STATUS RESTARTS AGE, and IP/NODE with -o wide).
/// </summary>
internal static class Table
{
    public static bool Wanted(string? accept) => accept is not null && accept.Contains("as=Table", StringComparison.Ordinal);

    public static JsonObject Pods(IEnumerable<PodState> pods, long resourceVersion, DateTimeOffset now)
    {
        var rows = new JsonArray();
        foreach (var pod in pods)
        {
            int ready = pod.Phase == "Running" && pod.Ready ? pod.Containers.Count : 0;
            rows.Add(new JsonObject
            {
                ["cells"] = new JsonArray(
                    pod.Name,
                    $"{ready}/{pod.Specs.Count}",
                    Status(pod),
                    pod.Containers.Sum(c => c.RestartCount),
                    Age(now - pod.Created),
                    pod.Phase == "Running" ? Json.PodIp(pod) : "<none>",
                    "standin-node",
                    "<none>",
                    "<none>"),
                ["object"] = new JsonObject
                {
                    ["kind"] = "PartialObjectMetadata",
                    ["apiVersion"] = "meta.k8s.io/v1",
                    ["metadata"] = Json.Metadata(pod),
                },
            });
        }

        return new JsonObject
        {
            ["kind"] = "Table",
            ["apiVersion"] = "meta.k8s.io/v1",
            ["metadata"] = new JsonObject { ["resourceVersion"] = resourceVersion.ToString(CultureInfo.InvariantCulture) },
            ["columnDefinitions"] = new JsonArray(
                Column("Name", "name", 0), Column("Ready", string.Empty, 0), Column("Status", string.Empty, 0),
                Column("Restarts", string.Empty, 0, "integer"), Column("Age", string.Empty, 0), Column("IP", string.Empty, 1),
                Column("Node", string.Empty, 1), Column("Nominated Node", string.Empty, 1), Column("Readiness Gates", string.Empty, 1)),
            ["rows"] = rows,
        };
    }

    private static string Status(PodState pod) =>
        pod.DeletionTimestamp is not null ? "Terminating" : pod.Phase == "Pending" ? "ContainerCreating" : pod.Phase;

    private static JsonObject Column(string name, string format, int priority, string type = "string") => new()
    {
        ["name"] = name,
        ["type"] = type,
        ["format"] = format,
        ["description"] = string.Empty,
        ["priority"] = priority,
    };

    /// <summary>The API server's short human duration ("42s", "5m3s", "7h", "3d").</summary>
    private static string Age(TimeSpan age)
    {
        var i = CultureInfo.InvariantCulture;
        if (age < TimeSpan.Zero)
        {
            age = TimeSpan.Zero;
        }

        return age.TotalSeconds < 120 ? ((int)age.TotalSeconds).ToString(i) + "s"
            : age.TotalMinutes < 10 ? string.Create(i, $"{(int)age.TotalMinutes}m{age.Seconds}s")
            : age.TotalHours < 3 ? ((int)age.TotalMinutes).ToString(i) + "m"
            : age.TotalHours < 48 ? ((int)age.TotalHours).ToString(i) + "h"
            : ((int)age.TotalDays).ToString(i) + "d";
    }
}
