using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Skaffold;

namespace FileSync.Tasks;

/// <summary>FileSyncConfig: a skaffold.yaml's artifact gives rules, and the context and image when the project set none.</summary>
public sealed partial class SyncFiles
{
    private string? _configFile;
    private string? _configFingerprint;

    private IReadOnlyList<SyncItem> ReadConfig(ILog log)
    {
        if (string.IsNullOrWhiteSpace(Config) || Config.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        string file = Path.GetFullPath(Config.Trim(), string.IsNullOrEmpty(ProjectDirectory) ? Environment.CurrentDirectory : ProjectDirectory);
        if (!File.Exists(file) && Path.GetFileName(file) == "skaffold.yaml" && File.Exists(Path.ChangeExtension(file, ".yml")))
        {
            file = Path.ChangeExtension(file, ".yml"); // Skaffold reads skaffold.yml when skaffold.yaml is missing
        }

        if (!File.Exists(file))
        {
            throw new FileSyncException(Diag.ConfigNotFound(file));
        }

        _configFile = file;
        SkaffoldArtifact artifact = SkaffoldConfig.Select(SkaffoldConfig.Load(file, Profile, log), Artifact, file, log);
        if (ContextDirectoryIsDefault)
        {
            ContextDirectory = artifact.Context;
        }

        // The artifact's image picks the containers, as in Skaffold, unless the project names its target some other way.
        string runtime = Runtime.Trim().ToLowerInvariant();
        // (On Kubernetes FileSyncContainer names the container in each pod, not the pods.)
        string? container = runtime == "kubernetes" ? null : Container;
        if (runtime is "docker" or "kubernetes" && new[] { container, Selector, Image, Pod, ComposeService, ComposeProject, ComposeFile }.All(string.IsNullOrWhiteSpace))
        {
            Image = artifact.Image;
        }

        string[] excluded = [.. ConfigExcludedFolders.Where(folder => !string.IsNullOrWhiteSpace(folder)).Select(folder => Path.GetFullPath(folder.Trim().Replace('\\', '/'), ProjectDirectory is { Length: > 0 } project ? project : Environment.CurrentDirectory))];
        IReadOnlyList<SyncItem> items = [.. new ContextWalker(artifact, excluded).Items()];
        log.Detail($"FileSync: '{file}' artifact '{artifact.Image}', context '{artifact.Context}': {artifact.Rules.Count} sync.manual rule(s) matched {items.Count} time(s)");
        return items;
    }

    /// <summary>
    /// The after-build sync with a skaffold.yaml: true when nothing changed since the last sync that succeeded (see
    /// ConfigFingerprint), so no target is contacted, as MSBuild skips the task for items. Never for an explicit sync or a dry run.
    /// </summary>
    private bool ConfigUnchanged(IReadOnlyList<SourceFile> sources, ILog log)
    {
        if (_configFile is null)
        {
            return false;
        }

        string?[] settings =
        [
            Runtime, Container, Selector, Image, Pod, Namespace, KubeContext, Environment.GetEnvironmentVariable("KUBECONFIG"), ComposeService, ComposeProject, ComposeFile, DockerHost, DockerTimeout, Directory,
            WorkingDirectory, FallbackWorkingDirectory, Owner, OutputDest, OutputDirectory, ContextDirectory, Artifact, Profile,
            StaticWebAssets, StaticWebAssetsManifest, StaticWebAssetsCompression, Environment.GetEnvironmentVariable("DOCKER_HOST"), Environment.GetEnvironmentVariable("COMPOSE_PROJECT_NAME"), string.Join('\u0003', Actions.Select(action => $"{action.ItemSpec}|{action.GetMetadata("Match")}|{action.GetMetadata("Command")}")),
        ];
        _configFingerprint = ConfigFingerprint.Compute(_configFile, settings, sources);
        if (ExplicitSync || DryRun || !ConfigFingerprint.Matches(StateDirectory, _configFingerprint))
        {
            // A sync that fails half way must not leave an older record that a reverted source would match again.
            ConfigFingerprint.Forget(StateDirectory);
            return false;
        }

        log.Detail($"FileSync: '{_configFile}' and its sources unchanged since the last sync: nothing to do (SyncToContainer syncs anyway)");
        return true;
    }

    /// <summary>After a sync that succeeded (when the stamp is written).</summary>
    private void RecordConfigFingerprint()
    {
        if (_configFingerprint is not null)
        {
            ConfigFingerprint.Record(StateDirectory, _configFingerprint);
        }
    }
}
