using FileSync.Planning;

namespace FileSync.Watching;

/// <summary>
/// A FileSyncRule item element as MSBuild evaluated it (plain data, no MSBuild types): one Include fragment that has
/// wildcards, the element's Exclude fragments, the Remove fragments that follow it (the project's and FileSync's own
/// bin/obj/state removes), and the Dest/Strip (and Mode) its items get.
/// </summary>
internal sealed record WatchRule(string Include, IReadOnlyList<string> Excludes, IReadOnlyList<string> Removes, string? Dest, string? Strip)
{
    public string? Mode { get; init; }
}

/// <summary>The rules compiled once; tells which rule items a file path makes.</summary>
internal sealed class WatchRules
{
    private readonly (ItemPattern Include, ItemPattern[] Excludes, ItemPattern[] Removes, WatchRule Rule)[] _rules;

    public WatchRules(IEnumerable<WatchRule> rules, string projectDirectory)
    {
        _rules = [.. rules.Select(rule => (
            ItemPattern.Create(rule.Include, projectDirectory, ItemPatternKind.Include),
            rule.Excludes.Select(e => ItemPattern.Create(e, projectDirectory, ItemPatternKind.Exclude)).ToArray(),
            rule.Removes.Select(r => ItemPattern.Create(r, projectDirectory, ItemPatternKind.Remove)).ToArray(),
            rule))
            .Where(compiled => compiled.Item1.IsWildcard)];
    }

    public int Count => _rules.Length;

    /// <summary>The items MSBuild would make of the file at <paramref name="fullPath"/>, in rule order.</summary>
    public IEnumerable<SyncItem> Match(string fullPath)
    {
        foreach (var (include, excludes, removes, rule) in _rules)
        {
            if (include.IsMatch(fullPath) && !excludes.Any(e => e.IsMatch(fullPath)) && !removes.Any(r => r.IsMatch(fullPath)))
            {
                yield return new SyncItem(fullPath, fullPath, rule.Dest, rule.Strip) { Mode = rule.Mode };
            }
        }
    }
}
