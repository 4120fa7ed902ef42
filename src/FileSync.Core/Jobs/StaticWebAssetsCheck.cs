using FileSync.Diagnostics;
using FileSync.Rules;
using FileSync.Targets;

namespace FileSync.Jobs;

/// <summary>
/// ASP.NET Core's MapStaticAssets serves wwwroot from the build's endpoints manifest: a synced file reaches the browser
/// only when the app was built without static-asset compression and runs with ReloadStaticAssetsAtRuntime=true (README
/// "ASP.NET Core"). After a sync that sent files of a project with wwwroot rules, say once when that cannot be told:
/// the build is not prepared (FSYNC6001), the container's environment lacks the reload switch (FSYNC6002, from the
/// inspect every sync makes), or the app in the container serves precompressed variants (FSYNC6003: its manifest is read
/// once per container instance; a marker under obj/filesync/ remembers a container found fine, so later syncs ask nothing).
/// </summary>
internal sealed class StaticWebAssetsCheck(ILog log, string stateDirectory, string? manifestName, string? workingDirectory)
{
    private static readonly string[] ReloadSwitches =
        ["ASPNETCORE_ReloadStaticAssetsAtRuntime=true", "DOTNET_ReloadStaticAssetsAtRuntime=true", "ReloadStaticAssetsAtRuntime=true"];

    public async Task WarnAsync(string? mode, string? compression, bool webRootSynced, IReadOnlyList<ISyncTarget> targets, IReadOnlyList<SyncOutcome> outcomes, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(mode) || !webRootSynced)
        {
            return;
        }

        var sent = outcomes.Where(outcome => outcome.Copied > 0).Select(outcome => outcome.Target).ToHashSet(StringComparer.Ordinal);
        if (sent.Count == 0)
        {
            return;
        }

        if (!string.Equals(mode.Trim(), "reload", StringComparison.OrdinalIgnoreCase))
        {
            log.Warning(Diag.StaticAssetsNotPrepared(string.Join(", ", sent.Order(StringComparer.Ordinal)), mode.Trim(), string.IsNullOrWhiteSpace(compression) ? "(unset)" : compression.Trim()));
            return;
        }

        // An outcome is labelled "docker <name> (<short id>)".
        foreach (DockerTarget target in targets.OfType<DockerTarget>().Where(target => sent.Any(label => label.StartsWith($"{target.Kind} {target.DisplayName} (", StringComparison.Ordinal))))
        {
            if (!target.Environment.Any(variable => ReloadSwitches.Any(on => string.Equals(variable, on, StringComparison.OrdinalIgnoreCase))))
            {
                log.Warning(Diag.StaticAssetsReloadOff(target.DisplayName));
            }
            else
            {
                await CheckManifestAsync(target, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task CheckManifestAsync(DockerTarget target, CancellationToken cancellationToken)
    {
        string? folder = target.WorkingDirectory ?? workingDirectory;
        if (manifestName is null || folder is null)
        {
            return;
        }

        string marker = Path.Combine(stateDirectory, "static-web-assets", target.InstanceId + ".ok");
        if (File.Exists(marker))
        {
            return;
        }

        string manifest = UnixPath.Join(folder, manifestName);
        string? text;
        try
        {
            text = await target.ReadTextFileAsync(manifest, cancellationToken).ConfigureAwait(false);
        }
        catch (FileSyncException e)
        {
            // The files are synced: a check that cannot read the manifest must not fail the build.
            log.Detail($"FileSync: could not read '{manifest}' in container '{target.DisplayName}' to check its static web assets: {e.Diagnostic.Message}");
            return;
        }

        if (text is null)
        {
            return; // the app is elsewhere or has no manifest: nothing FileSync can tell
        }

        // Precompressed endpoints carry a Content-Encoding selector and response header.
        if (text.Contains("\"Content-Encoding\"", StringComparison.OrdinalIgnoreCase))
        {
            log.Warning(Diag.StaticAssetsPrecompressed(target.DisplayName, manifest));
            return;
        }

        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            File.WriteAllText(marker, manifest + "\n");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Detail($"FileSync: could not remember that container '{target.DisplayName}' serves synced static files ({marker}: {e.Message}); it is checked again next time");
        }
    }
}
