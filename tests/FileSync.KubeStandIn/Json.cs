using System.Globalization;
using System.Text.Json.Nodes;

namespace FileSync.KubeStandIn;

/// <summary>Kubernetes API JSON shapes (core/v1 Pod, PodList, meta/v1 Status), built by hand from the real API's fields.</summary>
internal static class Json
{
    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>A meta/v1 Status as the API server returns it for a failed request.</summary>
    public static JsonObject Status(int code, string reason, string message, JsonObject? details = null)
    {
        var status = new JsonObject
        {
            ["kind"] = "Status",
            ["apiVersion"] = "v1",
            ["metadata"] = new JsonObject(),
            ["status"] = "Failure",
            ["message"] = message,
            ["reason"] = reason,
        };
        if (details is not null)
        {
            status["details"] = details;
        }

        status["code"] = code;
        return status;
    }

    public static JsonObject NotFound(string kind, string name) =>
        Status(404, "NotFound", $"{kind} \"{name}\" not found", new JsonObject { ["name"] = name, ["kind"] = kind });

    public static JsonObject Pod(PodState pod, bool withType)
    {
        var result = new JsonObject();
        if (withType)
        {
            result["kind"] = "Pod";
            result["apiVersion"] = "v1";
        }

        result["metadata"] = Metadata(pod);
        result["spec"] = Spec(pod);
        result["status"] = Status(pod);
        return result;
    }

    public static JsonObject Metadata(PodState pod)
    {
        var metadata = new JsonObject
        {
            ["name"] = pod.Name,
            ["namespace"] = pod.Namespace,
            ["uid"] = pod.Uid,
            ["resourceVersion"] = pod.ResourceVersion.ToString(CultureInfo.InvariantCulture),
            ["creationTimestamp"] = Time(pod.Created),
            ["labels"] = Labels(pod.Labels),
        };
        if (pod.DeletionTimestamp is { } deletion)
        {
            metadata["deletionTimestamp"] = Time(deletion);
            metadata["deletionGracePeriodSeconds"] = 30;
        }

        return metadata;
    }

    /// <summary>A stable made-up pod IP (the containers run with --network none).</summary>
    public static string PodIp(PodState pod) =>
        "10.244.0." + (2 + (Guid.Parse(pod.Uid).ToByteArray()[0] % 250));

    private static JsonObject Labels(IReadOnlyDictionary<string, string> labels)
    {
        var result = new JsonObject();
        foreach (var (key, value) in labels)
        {
            result[key] = value;
        }

        return result;
    }

    private static JsonObject Spec(PodState pod)
    {
        var containers = new JsonArray();
        foreach (var spec in pod.Specs)
        {
            var container = new JsonObject { ["name"] = spec.Name, ["image"] = spec.Image };
            if (spec.Command is { Count: > 0 } command)
            {
                container["command"] = new JsonArray([.. command.Select(c => (JsonNode?)JsonValue.Create(c))]);
            }

            if (spec.WorkingDir is not null)
            {
                container["workingDir"] = spec.WorkingDir;
            }

            container["resources"] = new JsonObject();
            container["terminationMessagePath"] = "/dev/termination-log";
            container["terminationMessagePolicy"] = "File";
            container["imagePullPolicy"] = "IfNotPresent";
            containers.Add(container);
        }

        return new JsonObject
        {
            ["containers"] = containers,
            ["restartPolicy"] = "Always",
            ["terminationGracePeriodSeconds"] = 30,
            ["dnsPolicy"] = "ClusterFirst",
            ["serviceAccountName"] = "default",
            ["nodeName"] = "standin-node",
            ["schedulerName"] = "default-scheduler",
        };
    }

    private static JsonObject Status(PodState pod)
    {
        bool running = pod.Phase == "Running";
        bool ready = running && pod.Ready;
        string truth(bool value) => value ? "True" : "False";
        var statuses = new JsonArray();
        foreach (var spec in pod.Specs)
        {
            var container = pod.Container(spec.Name);
            var status = new JsonObject
            {
                ["name"] = spec.Name,
                ["ready"] = ready,
                ["restartCount"] = container?.RestartCount ?? 0,
                ["image"] = spec.Image,
                ["imageID"] = container?.StatusImageId ?? string.Empty,
            };
            if (running && container is not null)
            {
                status["containerID"] = container.ContainerId;
                status["started"] = true;
                status["state"] = new JsonObject
                {
                    ["running"] = new JsonObject { ["startedAt"] = Time(pod.StartedAt.GetValueOrDefault(spec.Name, pod.Created)) },
                };
            }
            else
            {
                status["started"] = false;
                status["state"] = new JsonObject { ["waiting"] = new JsonObject { ["reason"] = "ContainerCreating" } };
            }

            statuses.Add(status);
        }

        var result = new JsonObject
        {
            ["phase"] = pod.Phase,
            ["conditions"] = new JsonArray(
                Condition("Initialized", "True"),
                Condition("Ready", truth(ready)),
                Condition("ContainersReady", truth(ready)),
                Condition("PodScheduled", "True")),
            ["hostIP"] = "127.0.0.1",
            ["startTime"] = Time(pod.Created),
            ["containerStatuses"] = statuses,
            ["qosClass"] = "BestEffort",
        };
        if (running)
        {
            result["podIP"] = PodIp(pod);
        }

        return result;
    }

    private static JsonObject Condition(string type, string status) => new() { ["type"] = type, ["status"] = status };
}
