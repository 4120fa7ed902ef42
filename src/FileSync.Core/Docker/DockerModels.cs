namespace FileSync.Docker;

/// <summary>A container as inspected. <see cref="Image"/> is the configured image reference (Config.Image),
/// <see cref="ImageId"/> the image's id; <see cref="Name"/> has no leading '/'.</summary>
internal sealed record ContainerInfo(
    string Id,
    string Name,
    string Image,
    string ImageId,
    bool Running,
    string Status,
    string WorkingDir,
    string User,
    IReadOnlyDictionary<string, string> Labels)
{
    /// <summary>State.Paused: a paused container also reports Running, but its processes (and exec) are frozen.</summary>
    public bool Paused { get; init; }
}

/// <summary>A running container as listed; <see cref="Names"/> have no leading '/'.</summary>
internal sealed record ContainerSummary(
    string Id,
    IReadOnlyList<string> Names,
    string Image,
    string ImageId,
    string State,
    IReadOnlyDictionary<string, string> Labels);

/// <summary>The outcome of an exec. <see cref="CommandNotFound"/>: the executable does not exist in the container
/// (the engine then reports exit code 126 or 127 and puts the runtime's message on the output stream).</summary>
internal sealed record ExecResult(int ExitCode, string StdOut, string StdErr, bool CommandNotFound);
