using FileSync.Diagnostics;
using FileSync.Skaffold;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FileSync.Tasks;

/// <summary>
/// dotnet watch: the files a skaffold.yaml's sync.manual rules match, as Watch items (MSBuild cannot list them: they are
/// not items). Quiet: the file's problems are the sync's to report, so here they only leave the list empty (said at -v:d).
/// </summary>
public sealed class ListConfigFiles : Microsoft.Build.Utilities.Task
{
    [Required]
    public string Config { get; set; } = "";

    /// <summary>The file was found beside the project, not named: read only when the project has no rules (as the sync).</summary>
    public bool ConfigIsDefault { get; set; }

    public bool HasRules { get; set; }

    public string? Artifact { get; set; }

    public string? Profile { get; set; }

    public string? ProjectDirectory { get; set; }

    public string[] ConfigExcludedFolders { get; set; } = [];

    [Output]
    public ITaskItem[] Files { get; set; } = [];

    public override bool Execute()
    {
        var log = new QuietLog(Log);
        if (Config.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) || (ConfigIsDefault && HasRules))
        {
            return true;
        }

        string baseFolder = string.IsNullOrEmpty(ProjectDirectory) ? Environment.CurrentDirectory : ProjectDirectory;
        string file = Path.GetFullPath(Config.Trim(), baseFolder);
        try
        {
            if (!File.Exists(file))
            {
                return true;
            }

            SkaffoldArtifact artifact = SkaffoldConfig.Select(SkaffoldConfig.Load(file, Profile, log), Artifact, file, log);
            string[] excluded = [.. ConfigExcludedFolders.Where(folder => !string.IsNullOrWhiteSpace(folder)).Select(folder => Path.GetFullPath(folder.Trim().Replace('\\', '/'), baseFolder))];
            Files = [.. new ContextWalker(artifact, excluded).Items().Select(item => item.FullPath).Distinct(StringComparer.Ordinal).Select(path => new TaskItem(path))];
        }
        catch (Exception e) when (e is FileSyncException or IOException or UnauthorizedAccessException)
        {
            log.Detail($"FileSync: '{file}' gives dotnet watch no files to watch ({(e as FileSyncException)?.Diagnostic.ToString() ?? e.Message})");
        }

        return true;
    }

    /// <summary>Everything at low importance: the sync itself reports the file's warnings and errors.</summary>
    private sealed class QuietLog(TaskLoggingHelper log) : ILog
    {
        public void Summary(string message) => log.LogMessage(MessageImportance.Low, message);

        public void Detail(string message) => log.LogMessage(MessageImportance.Low, message);

        public void Warning(Diagnostic diagnostic) => Detail(diagnostic.ToString());

        public void Error(Diagnostic diagnostic) => Detail(diagnostic.ToString());
    }
}
