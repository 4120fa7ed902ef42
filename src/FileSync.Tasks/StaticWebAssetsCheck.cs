using FileSync.Diagnostics;
using FileSync.Targets;

namespace FileSync.Tasks;

/// <summary>
/// ASP.NET Core's MapStaticAssets serves wwwroot from the build's endpoints manifest: a synced file reaches the browser
/// only when the app was built without static-asset compression and runs with ReloadStaticAssetsAtRuntime=true (README
/// "ASP.NET Core"). After a sync that sent files of a project with wwwroot rules, say once when that cannot be told.
/// No engine call: the container's environment comes from the inspect every sync makes.
/// </summary>
internal static class StaticWebAssetsCheck
{
    private static readonly string[] ReloadSwitches =
        ["ASPNETCORE_ReloadStaticAssetsAtRuntime=true", "DOTNET_ReloadStaticAssetsAtRuntime=true", "ReloadStaticAssetsAtRuntime=true"];

    public static void Warn(ILog log, string? mode, string? compression, bool webRootSynced, IReadOnlyList<ISyncTarget> targets, IReadOnlyList<SyncOutcome> outcomes)
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
        }
    }
}
