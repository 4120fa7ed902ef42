using System.Text.Json.Serialization;

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
    IReadOnlyDictionary<string, string> Labels);

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

// Wire shapes: only the fields FileSync reads.
internal sealed class VersionResponse
{
    public string? ApiVersion { get; set; }
    public string? Version { get; set; }
}

internal sealed class ContainerInspectResponse
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Image { get; set; }
    public ContainerStateResponse? State { get; set; }
    public ContainerConfigResponse? Config { get; set; }
}

internal sealed class ContainerStateResponse
{
    public string? Status { get; set; }
    public bool Running { get; set; }
}

internal sealed class ContainerConfigResponse
{
    public string? Image { get; set; }
    public string? WorkingDir { get; set; }
    public string? User { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
}

internal sealed class ContainerListItem
{
    public string? Id { get; set; }
    public List<string>? Names { get; set; }
    public string? Image { get; set; }
    [JsonPropertyName("ImageID")]
    public string? ImageId { get; set; }
    public string? State { get; set; }
    public Dictionary<string, string>? Labels { get; set; }
}

internal sealed class LabelFilters
{
    [JsonPropertyName("label")]
    public IReadOnlyList<string>? Label { get; set; }
}

internal sealed class ExecCreateRequest
{
    public bool AttachStdin { get; set; }
    public bool AttachStdout { get; set; }
    public bool AttachStderr { get; set; }
    public bool Tty { get; set; }
    public IReadOnlyList<string>? Cmd { get; set; }
    public string? User { get; set; }
}

internal sealed class IdResponse
{
    public string? Id { get; set; }
}

internal sealed class ExecInspectResponse
{
    public bool Running { get; set; }
    public int? ExitCode { get; set; }
}

internal sealed class ErrorResponse
{
    [JsonPropertyName("message")]
    public string? Message { get; set; }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(ContainerInspectResponse))]
[JsonSerializable(typeof(List<ContainerListItem>))]
[JsonSerializable(typeof(LabelFilters))]
[JsonSerializable(typeof(ExecCreateRequest))]
[JsonSerializable(typeof(IdResponse))]
[JsonSerializable(typeof(ExecInspectResponse))]
[JsonSerializable(typeof(ErrorResponse))]
internal sealed partial class DockerJsonContext : JsonSerializerContext
{
}
