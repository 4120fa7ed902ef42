namespace FileSync.KubeStandIn;

/// <summary>The live state of one pod (guarded by the stand-in's lock); <see cref="Snapshot"/> hands out copies.</summary>
internal sealed class PodState
{
    public PodState(string @namespace, string name, IReadOnlyDictionary<string, string> labels, IReadOnlyList<StandInContainer> specs)
    {
        Namespace = @namespace;
        Name = name;
        Labels = new Dictionary<string, string>(labels);
        Specs = specs;
    }

    public string Namespace { get; }

    public string Name { get; }

    public string Uid { get; } = Guid.NewGuid().ToString();

    public DateTimeOffset Created { get; } = DateTimeOffset.UtcNow;

    public IReadOnlyDictionary<string, string> Labels { get; }

    public IReadOnlyList<StandInContainer> Specs { get; }

    /// <summary>The running container per spec, in spec order.</summary>
    public List<StandInPodContainer> Containers { get; } = [];

    public Dictionary<string, DateTimeOffset> StartedAt { get; } = [];

    public string Phase { get; set; } = "Running";

    public bool Ready { get; set; } = true;

    public DateTimeOffset? DeletionTimestamp { get; set; }

    public long ResourceVersion { get; set; }

    public StandInPodContainer? Container(string name) => Containers.FirstOrDefault(c => c.Name == name);

    public StandInPod Snapshot() =>
        new(Namespace, Name, Uid, Labels, [.. Containers], Phase, Ready, DeletionTimestamp is not null);
}
