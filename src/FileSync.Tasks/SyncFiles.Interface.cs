using Microsoft.Build.Framework;

namespace FileSync.Tasks;

/// <summary>Syncs the files of <c>FileSyncRule</c> items into the configured target (see FileSync.targets).</summary>
public sealed partial class SyncFiles
{
    /// <summary>@(FileSyncRule): one item per file its glob matched, with Dest and optional Strip.</summary>
    [Required]
    public ITaskItem[] Rules { get; set; } = [];

    /// <summary>What the rules' paths are relative to (FileSyncContextDirectory).</summary>
    [Required]
    public string ContextDirectory { get; set; } = "";

    /// <summary>$(MSBuildProjectDirectory): rule items' paths are relative to it (saves MSBuild computing FullPath per item).</summary>
    public string? ProjectDirectory { get; set; }

    /// <summary>Where per-instance state is kept (under obj/).</summary>
    [Required]
    public string StateDirectory { get; set; } = "";

    /// <summary>docker, kubernetes or directory.</summary>
    public string Runtime { get; set; } = "docker";

    public string? Container { get; set; }

    public string? Selector { get; set; }

    public string? Image { get; set; }

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

    /// <summary>ASP.NET Core static web assets: empty (the project has none), reload (a FileSync dev build: compression off,
    /// the container must run with ReloadStaticAssetsAtRuntime=true) or off (not prepared: FSYNC6001 after a wwwroot sync).</summary>
    public string? StaticWebAssets { get; set; }

    /// <summary>$(AssemblyName).staticwebassets.endpoints.json: the manifest the app in the container serves from.</summary>
    public string? StaticWebAssetsManifest { get; set; }

    /// <summary>$(CompressionEnabled), named in FSYNC6001.</summary>
    public string? StaticWebAssetsCompression { get; set; }

    /// <summary>Touched after a real sync that succeeded: the after-build hook's Outputs.</summary>
    public string? StampFile { get; set; }

    /// <summary>Files sent (summed over instances).</summary>
    [Output]
    public int CopiedCount { get; set; }

    /// <summary>Files deleted (summed over instances).</summary>
    [Output]
    public int DeletedCount { get; set; }
}
