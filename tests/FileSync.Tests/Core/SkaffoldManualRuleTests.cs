using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Skaffold;

namespace FileSync.Tests.Core;

/// <summary>
/// Skaffold's manual-sync test tables (<see cref="SkaffoldManualCases"/>): each case is written as a skaffold.yaml, its
/// changed files are created in the context, and the rules are read, walked, scanned and mapped as a sync does.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SkaffoldManualRuleTests
{
    [Theory]
    [MemberData(nameof(SkaffoldManualCases.Cases), MemberType = typeof(SkaffoldManualCases))]
    public void Manual_rules_map_as_Skaffold_maps_them(string sentence, string context, string[] rules, string[] files, string workdir, string[] expected)
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", SkaffoldManualCases.Yaml(context, rules));
        foreach (string file in files)
        {
            folder.Write(file, sentence);
        }

        Assert.Equal(expected, Map(config, workdir, new RecordingLog()));
    }

    [Fact]
    public void A_bad_pattern_is_FSYNC7001_naming_the_rule_and_its_line()
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", "apiVersion: skaffold/v2beta29\nbuild:\n  artifacts:\n  - image: test\n    sync:\n      manual:\n      - src: '[*.html'\n        dest: '*'\n");

        var error = Assert.Throws<FileSyncException>(() => SkaffoldConfig.Load(config, null, new RecordingLog()));

        Assert.Equal(("FSYNC7001", config, 7, 9), (error.Diagnostic.Code, error.Diagnostic.File, error.Diagnostic.Line, error.Diagnostic.Column));
        Assert.Contains("skaffold.yaml:7 src '[*.html'", error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rules_of_the_yaml_are_named_in_the_plan()
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", "apiVersion: skaffold/v3\nbuild:\n  artifacts:\n  - image: test\n    sync:\n      manual:\n      - {src: '*.html', dest: /www}\n");
        folder.Write("a.html", "a");

        SkaffoldArtifact artifact = SkaffoldConfig.Select(SkaffoldConfig.Load(config, null, new RecordingLog()), null, config, new RecordingLog());
        SourceFile source = Assert.Single(new SourceScanner(artifact.Context, new RecordingLog()).Scan(new ContextWalker(artifact, []).Items()));

        Assert.Equal("skaffold.yaml:7 src '*.html'", Assert.Single(source.Rules).Describe());
    }

    internal static string[] Map(string config, string workdir, RecordingLog log, string? profile = null, string? image = null, params string[] excluded)
    {
        SkaffoldArtifact artifact = SkaffoldConfig.Select(SkaffoldConfig.Load(config, profile, log), image, config, log);
        IReadOnlyList<SourceFile> sources = new SourceScanner(artifact.Context, log).Scan(new ContextWalker(artifact, excluded).Items());
        return [.. sources.SelectMany(source => source.Rules.Select(rule => $"{source.RelativePath} -> {rule.MapDestination(source.RelativePath, workdir)}")).Order(StringComparer.Ordinal)];
    }
}
