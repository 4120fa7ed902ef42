namespace FileSync.KubeStandIn;

/// <summary>One container of a stand-in pod: <paramref name="Command"/> replaces the image's entrypoint (as a pod
/// spec's <c>command</c> does); <paramref name="WorkingDir"/> is the spec's <c>workingDir</c>.</summary>
public sealed record StandInContainer(string Name, string Image, IReadOnlyList<string>? Command = null, string? WorkingDir = null);

/// <summary>A running container of a stand-in pod: the Docker container behind it, how often it was replaced, and
/// its image's id (<c>sha256:...</c>).</summary>
public sealed record StandInPodContainer(string Name, string Image, string DockerId, int RestartCount, string? WorkingDir, string ImageId = "")
{
    /// <summary>The <c>containerID</c> the pod's <c>containerStatuses</c> report: <c>docker://&lt;id&gt;</c>.</summary>
    public string ContainerId => "docker://" + DockerId;

    /// <summary>The <c>imageID</c> the pod's <c>containerStatuses</c> report, as cri-dockerd gives it for a local image.</summary>
    public string StatusImageId => ImageId.Length == 0 ? string.Empty : "docker://" + ImageId;
}

/// <summary>A snapshot of a stand-in pod (the stand-in keeps the live state; ask it again after a change).</summary>
public sealed class StandInPod
{
    internal StandInPod(string @namespace, string name, string uid, IReadOnlyDictionary<string, string> labels,
        IReadOnlyList<StandInPodContainer> containers, string phase, bool ready, bool terminating)
    {
        Namespace = @namespace;
        Name = name;
        Uid = uid;
        Labels = labels;
        Containers = containers;
        Phase = phase;
        Ready = ready;
        Terminating = terminating;
    }

    public string Namespace { get; }

    public string Name { get; }

    /// <summary><c>metadata.uid</c>: new when the pod is replaced, kept when one of its containers restarts.</summary>
    public string Uid { get; }

    public IReadOnlyDictionary<string, string> Labels { get; }

    public IReadOnlyList<StandInPodContainer> Containers { get; }

    public string Phase { get; }

    public bool Ready { get; }

    public bool Terminating { get; }

    /// <summary>The Docker id of the named container (for independent checks with the docker CLI).</summary>
    public string DockerId(string container) =>
        Containers.FirstOrDefault(c => c.Name == container)?.DockerId
        ?? throw new KeyNotFoundException($"Pod {Namespace}/{Name} has no container '{container}'.");
}

/// <summary>How an exec that cannot start (a missing executable, e.g. no <c>tar</c> in the image) is reported.</summary>
public enum ExecStartFailure
{
    /// <summary>As containerd's CRI does: the status channel carries <c>reason: InternalError</c>, code 500, and the
    /// message "Internal error occurred: error executing command in container: ... executable file not found ...";
    /// no output, no exit code.</summary>
    InternalError,

    /// <summary>As cri-dockerd does: the runtime's message on the output and <c>NonZeroExitCode</c> with exit code 126/127.</summary>
    ExitCode,
}
