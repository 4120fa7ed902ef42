using FileSync.Diagnostics;
using FileSync.Watching;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Framework;

namespace FileSync.Tasks;

/// <summary>
/// The FileSyncRule patterns as written, for a watch to match files created after MSBuild expanded them. A task
/// only gets the expanded items, and an item does not say which glob made it, so the project is evaluated once more
/// here, with the build's global properties, and asked for Project.GetAllGlobs("FileSyncRule"): per item element, its
/// Include globs (properties expanded), its Excludes and the Removes after it (FileSync.targets' bin/obj/state ones
/// too): exactly the inputs of MSBuild's own expansion, which ItemPattern then matches as MSBuild does. Literal
/// Includes need nothing: MSBuild lists them whether or not they exist, so they are in the task's items already.
/// </summary>
internal sealed record RulePatterns(IReadOnlyList<WatchRule> Rules, IReadOnlyCollection<string> ProjectFiles)
{
    private const string ItemType = "FileSyncRule";

    public static RulePatterns Read(string projectFile, IBuildEngine engine, ILog log)
    {
        var globals = (engine as IBuildEngine6)?.GetGlobalProperties() is { } properties
            ? new Dictionary<string, string>(properties, StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        using var collection = new ProjectCollection(globals);
        try
        {
            return Read(collection.LoadProject(projectFile, globals, toolsVersion: null), log);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Any failure (an evaluation error, an SDK that cannot be resolved in this process): the watch still runs
            // on MSBuild's own items, and says what it cannot follow.
            log.Warning(Diag.WatchRulesUnknown(projectFile, e.Message));
            return new RulePatterns([], [projectFile]);
        }
    }

    private static RulePatterns Read(Project project, ILog log)
    {
        string[] projectFiles = [project.FullPath, .. project.Imports.Select(import => import.ImportedProject.FullPath)];
        var rules = new List<WatchRule>();
        foreach (Microsoft.Build.Construction.ProjectItemElement element in project.GetItems(ItemType).Select(item => item.Xml).Distinct())
        {
            if (element.Include.Contains("@(", StringComparison.Ordinal))
            {
                log.Warning(Diag.WatchRuleNotFollowed(element.Include, "its Include takes other items"));
            }
        }

        foreach (GlobResult glob in project.GetAllGlobs(ItemType))
        {
            if (!TryMetadata(project, glob.ItemElement, "Dest", out string? dest, out string? reason)
                || !TryMetadata(project, glob.ItemElement, "Strip", out string? strip, out reason)
                || !TryMetadata(project, glob.ItemElement, "Mode", out string? mode, out reason))
            {
                log.Warning(Diag.WatchRuleNotFollowed(glob.ItemElement.Include, reason!));
                continue;
            }

            string[] excludes = [.. glob.Excludes];
            string[] removes = [.. glob.Removes];
            rules.AddRange(glob.IncludeGlobs.Select(include => new WatchRule(include, excludes, removes, dest, strip) { Mode = mode }));
        }

        log.Detail($"FileSync: new files are matched against {rules.Count} rule glob(s): {string.Join("; ", rules.Select(rule => rule.Include))}");
        return new RulePatterns(rules, projectFiles);
    }

    /// <summary>The value a new file of <paramref name="element"/> gets, or false when it depends on the file.</summary>
    private static bool TryMetadata(Project project, Microsoft.Build.Construction.ProjectItemElement element, string name, out string? value, out string? reason)
    {
        value = null;
        reason = null;

        // As written on the element, else on the item definition: one that names item metadata (%(RecursiveDir), ...)
        // gives every file its own value, which only MSBuild's expansion can compute.
        string? written = element.Metadata.LastOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))?.Value;
        ProjectItemDefinition? definition = project.ItemDefinitions.TryGetValue(ItemType, out ProjectItemDefinition? found) ? found : null;
        string? defined = definition?.Metadata.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.OrdinalIgnoreCase))?.UnevaluatedValue;
        if ((written ?? defined ?? "").Contains("%(", StringComparison.Ordinal))
        {
            reason = $"its {name} uses item metadata";
            return false;
        }

        // What its items got (an Update may have changed it): one value for all, or it depends on the file.
        string[] values = [.. project.GetItems(ItemType).Where(item => item.Xml == element).Select(item => item.GetMetadataValue(name)).Distinct(StringComparer.Ordinal)];
        if (values.Length > 1)
        {
            reason = $"its {name} differs from file to file";
            return false;
        }

        string evaluated = values.Length == 1 ? values[0]
            : written is not null ? project.ExpandString(written)
            : definition?.GetMetadataValue(name) ?? "";
        value = evaluated.Length == 0 ? null : evaluated;
        return true;
    }
}
