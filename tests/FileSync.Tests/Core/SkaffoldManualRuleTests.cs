using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Skaffold;

namespace FileSync.Tests.Core;

/// <summary>
/// Skaffold's manual-sync test tables (pkg/skaffold/sync/sync_test.go: TestNewSyncItem's "manual:" cases and
/// TestIntersect), converted: each case is written as a skaffold.yaml, its changed files are created in the context,
/// and the rules are read, walked, scanned and mapped as a sync does. Skaffold's "no WORKDIR" (an empty working
/// directory, which leaves "index.html" relative) is FileSync's "/" (a destination is always absolute).
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SkaffoldManualRuleTests
{
    // sentence, artifact context, sync.manual rules as YAML flow mappings, files (relative to the yaml's folder), WORKDIR, expected "source -> destination"
    public static TheoryData<string, string, string[], string[], string, string[]> Cases => new()
    {
        { "manual: match copy", ".", ["{src: '*.html', dest: .}"], ["index.html"], "/", ["index.html -> /index.html"] },
        { "manual: multiple sync patterns", "node", ["{src: '*.js', dest: .}", "{src: '*.html', dest: .}", "{src: '*.json', dest: .}"], ["node/index.html", "node/server.js", "node/package.json"], "/",
            ["index.html -> /index.html", "package.json -> /package.json", "server.js -> /server.js"] },
        { "manual: recursive glob patterns", "node", ["{src: 'src/**/*.js', dest: src/, strip: src/}"], ["node/src/app/server/server.js"], "/", ["src/app/server/server.js -> /src/app/server/server.js"] },
        { "manual: sync all", "node", ["{src: '*', dest: .}"], ["node/index.html", "node/server.js", "node/package.json"], "/",
            ["index.html -> /index.html", "package.json -> /package.json", "server.js -> /server.js"] },
        { "manual: not copy syncable (Skaffold rebuilds; FileSync syncs nothing for main.go)", ".", ["{src: '*.html', dest: .}"], ["main.go"], "/", [] },
        { "manual: not delete syncable (only the matching file is synced)", ".", ["{src: '*.html', dest: /static}"], ["index.html", "some/other/file"], "/", ["index.html -> /static/index.html"] },
        { "manual: no change no sync", ".", ["{src: '*.html', dest: '*'}"], [], "/", [] },
        { "manual: slashes in glob pattern", ".", ["{src: '**/**/*.js', dest: .}"], ["dir1/dir2/node.js"], "/some", ["dir1/dir2/node.js -> /some/dir1/dir2/node.js"] },
        { "manual: sync subtrees", ".", ["{src: 'dir1/**/*.js', dest: ., strip: dir1/}"], ["dir1/dir2/node.js"], "/some/dir", ["dir1/dir2/node.js -> /some/dir/dir2/node.js"] },
        { "manual: multiple matches", ".", ["{src: 'dir1/**/*.js', dest: ., strip: dir1/}", "{src: 'dir1/**/**/*.js', dest: .}"], ["dir1/dir2/node.js"], "/some",
            ["dir1/dir2/node.js -> /some/dir1/dir2/node.js", "dir1/dir2/node.js -> /some/dir2/node.js"] },
        { "manual: stars work with absolute paths", ".", ["{src: 'dir1a/**/*.js', dest: /tstar, strip: dir1a/}", "{src: 'dir1b/**/*.js', dest: /dstar}"], ["dir1a/dir2/dir3/node.js", "dir1b/dir1/node.js"], "/some/dir",
            ["dir1a/dir2/dir3/node.js -> /tstar/dir2/dir3/node.js", "dir1b/dir1/node.js -> /dstar/dir1b/dir1/node.js"] },
        { "intersect: copy nested file to correct destination", ".", ["{src: 'static/*.html', dest: /html, strip: static/}"], ["static/index.html", "static/test.html"], "/",
            ["static/index.html -> /html/index.html", "static/test.html -> /html/test.html"] },
        { "intersect: double-star matches depth zero", ".", ["{src: '**/*.html', dest: /html}"], ["index.html"], "/", ["index.html -> /html/index.html"] },
        { "intersect: file not in . copies to correct destination", "node", ["{src: '*.js', dest: /}"], ["node/server.js"], "/", ["server.js -> /server.js"] },
        { "intersect: a file outside the context is never a source (Skaffold errors)", "node", ["{src: '*.js', dest: /}"], ["node/server.js", "something/test.js"], "/", ["server.js -> /server.js"] },
        { "intersect: nil sync patterns doesn't sync", ".", [], ["index.html"], "/", [] },
        { "a src reaching out of the context matches nothing (Skaffold's paths are relative to the context)", "node", ["{src: '../outside/*.js', dest: /}", "{src: '/abs/*.js', dest: /}", "{src: './*.js', dest: /}"], ["node/server.js", "outside/leak.js"], "/", [] },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Manual_rules_map_as_Skaffold_maps_them(string sentence, string context, string[] rules, string[] files, string workdir, string[] expected)
    {
        using var folder = new TempFolder();
        string manual = rules.Length == 0 ? "" : "    sync:\n      manual:\n" + string.Concat(rules.Select(rule => $"        - {rule}\n"));
        string config = folder.Write("skaffold.yaml", $"apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: test\n    context: {context}\n{manual}");
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
