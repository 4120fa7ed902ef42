namespace FileSync.Targets;

/// <summary>What a command run in a target returned.</summary>
internal sealed record ActionResult(int ExitCode, string StdOut, string StdErr);

/// <summary>A target that can run post-sync actions (a container). Kept apart from <see cref="ISyncTarget"/>: the sync
/// itself never needs it, and a target without it (a folder) says so once when actions are configured.</summary>
internal interface IActionTarget
{
    /// <summary>Where this sync puts the build outputs (FileSyncOutputDest, resolved), which hold filesync-launcher.dll
    /// with FileSyncLauncher=true: the first place to look for it. Null: the sync has no build outputs.</summary>
    string? OutputFolder { get; set; }

    /// <summary>Runs <paramref name="argv"/> as the container's user (no shell) and waits for it.</summary>
    Task<ActionResult> ExecAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken);

    /// <summary>Restarts the whole container, keeping its files.</summary>
    Task RestartAsync(CancellationToken cancellationToken);

    /// <summary>Asks filesync-launcher to restart the app's process, naming the synced paths as the reason.</summary>
    Task<ActionResult> RestartProcessAsync(IReadOnlyList<string> synced, CancellationToken cancellationToken);
}
