using System.Text.RegularExpressions;

namespace FileSync.EndToEnd.Tests.Infrastructure;

/// <summary>
/// FileSync's one line per target instance:
/// <c>FileSync: N changed, M deleted (size) -> docker name (id12) in X ms</c> or <c>FileSync: up to date -> ...</c>.
/// </summary>
internal sealed partial record SyncSummary(bool UpToDate, int Changed, int Deleted, string Kind, string Name, string ShortId)
{
    public static IReadOnlyList<SyncSummary> All(string output) =>
        Line().Matches(output).Select(match => new SyncSummary(
            match.Groups["uptodate"].Success,
            match.Groups["changed"].Success ? int.Parse(match.Groups["changed"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
            match.Groups["deleted"].Success ? int.Parse(match.Groups["deleted"].Value, System.Globalization.CultureInfo.InvariantCulture) : 0,
            match.Groups["kind"].Value,
            match.Groups["name"].Value,
            match.Groups["id"].Value)).ToList();

    /// <summary>The only summary line of a build to one instance; fails the test when there is not exactly one.</summary>
    public static SyncSummary Single(ProcessResult result)
    {
        IReadOnlyList<SyncSummary> all = All(result.Output);
        Assert.True(all.Count == 1, $"Expected one FileSync summary line, found {all.Count}. {result}");
        return all[0];
    }

    [GeneratedRegex(@"^\s*FileSync: (?:(?<uptodate>up to date)|(?<changed>\d+) changed, (?<deleted>\d+) deleted \([^)]*\)) -> (?<kind>docker|directory|kubernetes) (?<name>.+) \((?<id>[0-9a-f]{12})\) in \d+ ms\s*$", RegexOptions.Multiline)]
    private static partial Regex Line();
}

internal static class ProcessResultAssert
{
    public static ProcessResult Succeeded(this ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, "The build failed. " + result);
        return result;
    }

    public static ProcessResult Failed(this ProcessResult result)
    {
        Assert.True(result.ExitCode != 0, "The build succeeded but should have failed. " + result);
        return result;
    }
}
