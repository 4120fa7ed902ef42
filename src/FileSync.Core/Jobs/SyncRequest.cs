namespace FileSync.Jobs;

/// <summary>An MSBuild item as plain data: its spec and the metadata the job reads.</summary>
internal sealed record RequestItem(string Spec, IReadOnlyDictionary<string, string> Metadata)
{
    public string Get(string name) => Metadata.TryGetValue(name, out string? value) ? value : "";
}

/// <summary>
/// Everything a sync needs from the build, as plain data (no MSBuild types), so the same job runs in the task's
/// process or in the sync server. The SyncFiles task's inputs, one property each (see SyncFiles.Interface.cs).
/// </summary>
internal sealed record SyncRequest
{
    public IReadOnlyList<RequestItem> Rules { get; init; } = [];

    /// <summary>On the socket only: the rule items left out of the request, named by the XxHash128 of their encoding
    /// (<see cref="Server.Frames.EncodeItems"/>); the server asks for them when it does not hold that set. Null: they
    /// travel in <see cref="Rules"/>.</summary>
    public Planning.Hash128? RulesFingerprint { get; init; }

    public IReadOnlyList<RequestItem> OutputFiles { get; init; } = [];

    public IReadOnlyList<RequestItem> Actions { get; init; } = [];

    public string? OutputDirectory { get; init; }

    public string? OutputDest { get; init; }

    public string? UnresolvedTargetFrameworks { get; init; }

    public string ContextDirectory { get; init; } = "";

    public string? ProjectDirectory { get; init; }

    public string StateDirectory { get; init; } = "";

    public string Runtime { get; init; } = "docker";

    public string? Container { get; init; }

    public string? Selector { get; init; }

    public string? Image { get; init; }

    public string? Pod { get; init; }

    public string? Namespace { get; init; }

    public string? KubeContext { get; init; }

    public string? ComposeService { get; init; }

    public string? ComposeProject { get; init; }

    public string? ComposeFile { get; init; }

    public string? DockerHost { get; init; }

    public string? DockerTimeout { get; init; }

    public string? Directory { get; init; }

    public string? WorkingDirectory { get; init; }

    public string? FallbackWorkingDirectory { get; init; }

    public string? Owner { get; init; }

    public bool DryRun { get; init; }

    /// <summary>FileSyncDirectWrite: see <see cref="Targets.TargetSettings.DirectWrite"/>.</summary>
    public bool DirectWrite { get; init; } = true;

    public string? StaticWebAssets { get; init; }

    public string? StaticWebAssetsManifest { get; init; }

    public string? StaticWebAssetsCompression { get; init; }

    /// <summary>Whether the build shows detail lines (-v:d): the server sends them only then.</summary>
    public bool Detailed { get; init; } = true;

    /// <summary>The build's current directory: relative paths (a relative FileSyncDirectory) are resolved against it.</summary>
    public string BaseDirectory { get; init; } = "/";

    /// <summary>The build's values of the environment variables a sync reads (<see cref="EnvironmentNames"/>).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Every environment variable a sync reads: the Docker endpoint and its TLS files, the Docker context and
    /// the folder of the CLI's config (DOCKER_CONFIG, else the home folder's .docker), Compose's project name, the kubeconfig,
    /// the ssh an ssh:// endpoint runs (PATH) and its agent (SSH_AUTH_SOCK).</summary>
    public static readonly string[] EnvironmentNames = ["DOCKER_HOST", "DOCKER_TLS_VERIFY", "DOCKER_TLS", "DOCKER_CERT_PATH", "DOCKER_CONTEXT", "DOCKER_CONFIG", "HOME", "USERPROFILE", "COMPOSE_PROJECT_NAME", "KUBECONFIG", "PATH", "SSH_AUTH_SOCK"];

    /// <summary>The build's value; a relative DOCKER_CONFIG or DOCKER_CERT_PATH is the build folder's, as the docker CLI
    /// beside the build reads it (the server runs in another folder).</summary>
    public string? GetEnvironmentVariable(string name) =>
        !Environment.TryGetValue(name, out string? value) ? null
        : name is "DOCKER_CONFIG" or "DOCKER_CERT_PATH" && value.Length > 0 ? Path.GetFullPath(value, BaseDirectory)
        : value;

    /// <summary>The current process's values of <see cref="EnvironmentNames"/>.</summary>
    public static Dictionary<string, string> CaptureEnvironment()
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string name in EnvironmentNames)
        {
            if (System.Environment.GetEnvironmentVariable(name) is { } value)
            {
                values[name] = value;
            }
        }

        return values;
    }
}

/// <summary>One planned copy destination or delete (the task's FileSyncPlanned items), unescaped.</summary>
internal sealed record PlannedEntry(string Include, string Destination, string Operation, string Instance);

/// <summary>What a sync job did: the task's outputs, and whether a real sync ran (only then is the stamp written).</summary>
internal sealed record SyncResult(bool Synced, int CopiedCount, int DeletedCount, IReadOnlyList<PlannedEntry> Planned)
{
    public static readonly SyncResult Nothing = new(false, 0, 0, []);

    /// <summary>Nothing names a target (FSYNC0001 was warned): a watch has nothing to do and ends.</summary>
    public static readonly SyncResult NoTarget = new(false, 0, 0, []);
}
