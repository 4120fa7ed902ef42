using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Skaffold;

namespace FileSync.Tasks;

/// <summary>FileSyncConfig: a skaffold.yaml's artifact gives rules, and the context and image when the project set none.</summary>
public sealed partial class SyncFiles
{
    private IReadOnlyList<SyncItem> ReadConfig(ILog log)
    {
        if (string.IsNullOrWhiteSpace(Config) || Config.Trim().Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return [];
        }

        string file = Path.GetFullPath(Config.Trim(), string.IsNullOrEmpty(ProjectDirectory) ? Environment.CurrentDirectory : ProjectDirectory);
        if (!File.Exists(file))
        {
            throw new FileSyncException(Diag.ConfigNotFound(file));
        }

        SkaffoldArtifact artifact = SkaffoldConfig.Select(SkaffoldConfig.Load(file, Profile, log), Artifact, file, log);
        if (ContextDirectoryIsDefault)
        {
            ContextDirectory = artifact.Context;
        }

        // The artifact's image picks the containers, as in Skaffold, unless the project names its target some other way.
        string runtime = Runtime.Trim().ToLowerInvariant();
        if (runtime is "docker" or "kubernetes" && new[] { Container, Selector, Image, ComposeService, ComposeProject, ComposeFile }.All(string.IsNullOrWhiteSpace))
        {
            Image = artifact.Image;
        }

        string[] excluded = [.. ConfigExcludedFolders.Where(folder => !string.IsNullOrWhiteSpace(folder)).Select(folder => Path.GetFullPath(folder.Trim().Replace('\\', '/'), ProjectDirectory is { Length: > 0 } project ? project : Environment.CurrentDirectory))];
        IReadOnlyList<SyncItem> items = [.. new ContextWalker(artifact, excluded).Items()];
        log.Detail($"FileSync: '{file}' artifact '{artifact.Image}', context '{artifact.Context}': {artifact.Rules.Count} sync.manual rule(s) matched {items.Count} time(s)");
        return items;
    }
}
