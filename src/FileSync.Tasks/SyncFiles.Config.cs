using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Skaffold;

namespace FileSync.Tasks;

/// <summary>FileSyncConfig: a skaffold.yaml's artifact gives rules, and the context and image when the project set none.</summary>
public sealed partial class SyncFiles
{
    private string? _configFile;
    private string? _configFingerprint;
    private DockerIgnore _dockerIgnore = DockerIgnore.None;
    private string? _artifactContext;
    private string[] _inferInputs = [];

    /// <summary>FileSyncRule items below the artifact's context that its .dockerignore ignores are not synced either, as in Skaffold.</summary>
    private bool IsDockerIgnored(string fullPath) =>
        _artifactContext is not null && _dockerIgnore.IgnoresFile(_artifactContext, fullPath);
    private SyncHooks _configHooks = SyncHooks.None;

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

        SkaffoldArtifact artifact;
        if (!ConfigIsDefault)
        {
            artifact = SkaffoldConfig.Select(SkaffoldConfig.Load(file, Profile, log), Artifact, file, log);
        }
        else if (Rules.Length > 0)
        {
            // Not asked for, and the project has rules of its own: it keeps its context and its build (adversary finding D5).
            log.Summary(Diag.DefaultConfigNotRead(file).ToString());
            return [];
        }
        else
        {
            try
            {
                artifact = SkaffoldConfig.Select(SkaffoldConfig.Load(file, Profile, log), Artifact, file, log);
            }
            catch (FileSyncException e)
            {
                // At the problem's own line and column, as the error would have been.
                log.Warning(Diag.DefaultConfigIgnored(file, e.Diagnostic.ToString()) with { File = e.Diagnostic.File ?? file, Line = e.Diagnostic.Line, Column = e.Diagnostic.Column });
                return [];
            }

            // Which of its rules apply (manual rules win over infer, as in Skaffold): the file may have none at all.
            string synced = artifact.Rules.Count > 0 ? "its sync.manual rules are synced"
                : artifact.Infer.Count > 0 ? "its sync.infer rules are synced"
                : "its artifact has no sync rules FileSync acts on, so nothing is synced";
            log.Summary(Diag.DefaultConfigRead(file, artifact.Image, artifact.Context, synced).ToString());
        }

        _configFile = file;
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

        // SKAFFOLD_IMAGE: Skaffold gives the tag it runs; here the image FileSyncImage names, else the artifact's.
        _configHooks = artifact.Hooks with { Image = string.IsNullOrWhiteSpace(Image) ? artifact.Image : Image.Trim() };

        string[] excluded = [.. ConfigExcludedFolders.Where(folder => !string.IsNullOrWhiteSpace(folder)).Select(folder => Path.GetFullPath(folder.Trim().Replace('\\', '/'), ProjectDirectory is { Length: > 0 } project ? project : Environment.CurrentDirectory))];
        // The .dockerignore leaves files out of every rule of the artifact's context (see README, skaffold.yaml).
        _dockerIgnore = DockerIgnore.ForBuild(artifact.Context, artifact.Dockerfile);
        var walker = new ContextWalker(artifact, excluded, _dockerIgnore);
        IReadOnlyList<SyncItem> items = [.. walker.Items()];
        log.Detail($"FileSync: '{file}' artifact '{artifact.Image}', context '{artifact.Context}': {artifact.Rules.Count} sync.manual rule(s) matched {items.Count} time(s){(_dockerIgnore.File is { } ignore ? $", '{ignore}' applied" : "")}");
        _artifactContext = artifact.Context;
        _inferInputs = artifact.Infer.Count > 0 ? [artifact.Dockerfile] : [];
        return [.. items, .. new InferredMap(file, artifact, walker, _dockerIgnore, log, WorkingDirectory?.Trim() is { Length: > 0 } known && known.StartsWith('/') ? known : null).Items()];
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
            StaticWebAssets, StaticWebAssetsManifest, StaticWebAssetsCompression, Environment.GetEnvironmentVariable("DOCKER_HOST"), Environment.GetEnvironmentVariable("DOCKER_CONTEXT"), Environment.GetEnvironmentVariable("DOCKER_CONFIG"), Environment.GetEnvironmentVariable("COMPOSE_PROJECT_NAME"), string.Join('\u0003', Actions.Select(action => $"{action.ItemSpec}|{action.GetMetadata("Match")}|{action.GetMetadata("Command")}")),
            .. InputTexts(),
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

    /// <summary>The Dockerfile (sync.infer) and .dockerignore as they are now: either changing what goes where is a change.</summary>
    private IEnumerable<string> InputTexts()
    {
        foreach (string path in _dockerIgnore.File is { } ignore ? [.. _inferInputs, ignore] : _inferInputs)
        {
            string text;
            try
            {
                text = File.ReadAllText(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                text = "\u0004" + e.GetType().Name; // unreadable now: never equal to a readable text
            }

            yield return path + "\u0005" + text;
        }
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
