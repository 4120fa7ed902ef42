using FileSync.Skaffold;
using FileSync.Tests.Core;

namespace FileSync.Tests.Skaffold;

/// <summary>sync.manual rules never pick a .dockerignored file; a re-included one inside an ignored folder is still found.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DockerIgnoredManualRuleTests
{
    [Fact]
    public void Manual_rules_skip_ignored_files_and_find_re_included_ones()
    {
        using var folder = new TempFolder();
        folder.Write("web/index.html", "");
        folder.Write("web/.env", "SECRET=1");
        folder.Write("node_modules/lib/a.js", "");
        folder.Write("node_modules/keep/b.js", "");
        var rule = new ManualRule(FileSync.Rules.Glob.Parse("**/*"), FileSync.Rules.SyncRule.Create("r", ".", null));
        var artifact = new SkaffoldArtifact("app", folder.Path, [rule], []);
        DockerIgnore ignore = DockerIgnore.Parse("**/.env\nnode_modules\n!node_modules/keep\n");

        string[] items = [.. new ContextWalker(artifact, [], ignore).Items().Select(item => item.ItemSpec).Order(StringComparer.Ordinal)];

        Assert.Equal(["node_modules/keep/b.js", "web/index.html"], items);
    }
}
