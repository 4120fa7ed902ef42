using Microsoft.Build.Framework;

namespace FileSync.Tasks;

/// <summary>
/// Syncs the files of <c>FileSyncRule</c> items into the configured target (see FileSync.targets). Every parameter is
/// here, and only here: the .NET Framework twin (FileSync.Tasks.OutOfProcess, SyncFilesToolTask.cs) compiles this file too
/// and hands each of them to the same task run out of process.
/// </summary>
public sealed partial class SyncFiles
{
    /// <summary>@(FileSyncRule): one item per file its glob matched, with Dest and optional Strip (none: only build outputs).</summary>
    public ITaskItem[] Rules { get; set; } = [];

    /// <summary>
    /// FileSyncIncludeBuildOutput: the build's outputs, each the path of the file in <see cref="OutputDirectory"/>,
    /// sent to <see cref="OutputDest"/> + its path below that folder.
    /// </summary>
    public ITaskItem[] OutputFiles { get; set; } = [];

    /// <summary>$(TargetDir): the folder OutputFiles are read from (no link below it is followed).</summary>
    public string? OutputDirectory { get; set; }

    /// <summary>FileSyncOutputDest, else ContainerWorkingDirectory; empty: the container's WORKDIR, else /app. Relative: against the WORKDIR.</summary>
    public string? OutputDest { get; set; }

    /// <summary>Set by the targets when build outputs were asked for but a multi-targeted project did not say which framework's: warned.</summary>
    public string? UnresolvedTargetFrameworks { get; set; }

    /// <summary>Set by the targets when FileSyncTargetFramework is not one of <see cref="TargetFrameworks"/>: an error, nothing synced.</summary>
    public string? UnknownTargetFramework { get; set; }

    /// <summary>The project's TargetFrameworks, given with <see cref="UnknownTargetFramework"/>.</summary>
    public string? TargetFrameworks { get; set; }

    /// <summary>What the rules' paths are relative to (FileSyncContextDirectory).</summary>
    [Required]
    public string ContextDirectory { get; set; } = "";

    /// <summary>$(MSBuildProjectDirectory): rule items' paths are relative to it (saves MSBuild computing FullPath per item).</summary>
    public string? ProjectDirectory { get; set; }

    /// <summary>FileSyncConfig: a skaffold.yaml whose artifact's sync.manual rules are synced too; empty or none: no file.</summary>
    public string? Config { get; set; }

    /// <summary>Config is the skaffold.yaml found beside the project, not one the project named (read only without rules; its problems are warnings).</summary>
    public bool ConfigIsDefault { get; set; }

    /// <summary>FileSyncArtifact: the image name of the artifact to sync (needed when the file has several).</summary>
    public string? Artifact { get; set; }

    /// <summary>FileSyncProfile: the skaffold.yaml profiles to apply, comma-separated.</summary>
    public string? Profile { get; set; }

    /// <summary>Set by the targets when the project did not set FileSyncContextDirectory: the artifact's context replaces it.</summary>
    public bool ContextDirectoryIsDefault { get; set; }

    /// <summary>True for SyncToContainer (always syncs); false for the after-build sync, which a skaffold.yaml's unchanged sources let skip.</summary>
    public bool ExplicitSync { get; set; }

    /// <summary>Folders a skaffold.yaml rule never takes files from (the project's bin/ and obj/ with FileSyncExcludeBuildFolders).</summary>
    public string[] ConfigExcludedFolders { get; set; } = [];

    /// <summary>Where per-instance state is kept (under obj/).</summary>
    [Required]
    public string StateDirectory { get; set; } = "";

    /// <summary>docker, kubernetes or directory.</summary>
    public string Runtime { get; set; } = "docker";

    public string? Container { get; set; }

    public string? Selector { get; set; }

    public string? Image { get; set; }

    /// <summary>FileSyncPod: one Kubernetes pod by name.</summary>
    public string? Pod { get; set; }

    /// <summary>FileSyncNamespace; empty: the kubeconfig context's namespace, else default.</summary>
    public string? Namespace { get; set; }

    /// <summary>FileSyncKubeContext; empty: the kubeconfig's current context.</summary>
    public string? KubeContext { get; set; }

    /// <summary>FileSyncComposeService: the running containers of this Docker Compose service.</summary>
    public string? ComposeService { get; set; }

    /// <summary>FileSyncComposeProject; empty: derived as Compose does (COMPOSE_PROJECT_NAME, the compose file's name or folder).</summary>
    public string? ComposeProject { get; set; }

    /// <summary>FileSyncComposeFile; empty: compose.yaml (or compose.yml, docker-compose.yml/.yaml) in the project folder or above.</summary>
    public string? ComposeFile { get; set; }

    public string? DockerHost { get; set; }

    /// <summary>FileSyncDockerTimeout: seconds the engine may stay silent (connect, answer, no progress); empty: 10/60/60.</summary>
    public string? DockerTimeout { get; set; }

    public string? Directory { get; set; }

    /// <summary>FileSyncWorkingDirectory: base for relative Dest, over the container's WORKDIR.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>ContainerWorkingDirectory from the SDK's container support: used when the container has no WORKDIR.</summary>
    public string? FallbackWorkingDirectory { get; set; }

    /// <summary>uid[:gid] given to synced files instead of the container's user.</summary>
    public string? Owner { get; set; }

    public bool DryRun { get; set; }

    /// <summary>FileSyncDirectWrite (default true): a local engine's container is written through /proc/&lt;pid&gt;/root when the build runs as root.</summary>
    public bool DirectWrite { get; set; } = true;

    /// <summary>@(FileSyncAction): Include = restart, process or exec; metadata Match (glob over destinations), Command (argv, ';'-separated).</summary>
    public ITaskItem[] Actions { get; set; } = [];
    /// <summary>ASP.NET Core static web assets: empty (the project has none), reload (a FileSync dev build: compression off,
    /// the container must run with ReloadStaticAssetsAtRuntime=true) or off (not prepared: FSYNC6001 after a wwwroot sync).</summary>
    public string? StaticWebAssets { get; set; }

    /// <summary>$(AssemblyName).staticwebassets.endpoints.json: the manifest the app in the container serves from.</summary>
    public string? StaticWebAssetsManifest { get; set; }

    /// <summary>$(CompressionEnabled), named in FSYNC6001.</summary>
    public string? StaticWebAssetsCompression { get; set; }

    /// <summary>FileSyncServer: hand the sync to the resident sync server (started in the background when missing).</summary>
    public bool Server { get; set; }

    /// <summary>filesync-server.dll in the package (tools/server/).</summary>
    public string? ServerAssembly { get; set; }

    /// <summary>FileSyncServerIdleMinutes: a server started now exits after this many minutes without a request (10).</summary>
    public string? ServerIdleMinutes { get; set; }

    /// <summary>Touched after a real sync that succeeded: the after-build hook's Outputs.</summary>
    public string? StampFile { get; set; }

    /// <summary>Set by FileSyncWatch: sync, then watch the context and sync every burst of changes until Ctrl+C.</summary>
    public bool Watch { get; set; }

    /// <summary>FileSyncUsePolling: list the context periodically instead of waiting for file-system events.</summary>
    public bool UsePolling { get; set; }

    /// <summary>$(MSBuildProjectFullPath): evaluated again by the watch to read the rules' patterns (RulePatterns).</summary>
    public string? ProjectFile { get; set; }

    /// <summary>Files sent (summed over instances).</summary>
    [Output]
    public int CopiedCount { get; set; }

    /// <summary>Files deleted (summed over instances).</summary>
    [Output]
    public int DeletedCount { get; set; }

    /// <summary>
    /// The plan, one item per copy destination and per delete (dry run or not): Include = the source (relative to the
    /// context) or the deleted path; metadata Destination, Operation (copy|delete), Instance (the target instance's label; "Target" is reserved by MSBuild).
    /// </summary>
    [Output]
    public ITaskItem[] Planned { get; set; } = [];
}
