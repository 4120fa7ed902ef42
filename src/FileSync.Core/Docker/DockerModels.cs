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

    /// <summary>State.Pid: the container's first process as the engine's host sees it (0 when not running).</summary>
    public int Pid { get; init; }

    /// <summary>HostConfig.ReadonlyRootfs (<c>--read-only</c>): tells a read-only root from a read-only volume.</summary>
    public bool ReadOnlyRoot { get; init; }

    /// <summary>Config.Env, each "NAME=value" ended by a NUL (no variable can hold one): a string, so that two
    /// inspections of the same container stay equal records.</summary>
    public string Env { get; init; } = "";

    /// <summary>Config.Env as a list of "NAME=value".</summary>
    public IReadOnlyList<string> Environment => Env.Split('\0', StringSplitOptions.RemoveEmptyEntries);
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

/// <summary>What the engine's path stat reported: <see cref="Mode"/> is a Go FileMode (type bits high, permissions low).</summary>
internal sealed record PathStat(uint Mode)
{
    public bool IsFolder => (Mode & (1u << 31)) != 0;

    public bool IsLink => (Mode & (1u << 27)) != 0;

    /// <summary>None of Go's ModeType bits (folder, link, device, pipe, socket, char device, irregular): a regular file.</summary>
    public bool IsFile => (Mode & ((1u << 31) | (1u << 27) | (1u << 26) | (1u << 25) | (1u << 24) | (1u << 21) | (1u << 19))) == 0;
}
