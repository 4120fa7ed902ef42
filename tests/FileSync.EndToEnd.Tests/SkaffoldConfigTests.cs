using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Core;

namespace FileSync.EndToEnd.Tests;

/// <summary>A skaffold.yaml through the packed package: errors and warnings at their line and column, rules combined with items.</summary>
public sealed class SkaffoldConfigTests(PackageFixture package)
{
    /// <summary>Skaffold's manual-sync test tables through the packed package and the directory runtime: exactly the expected files arrive, with their bytes.</summary>
    [Theory]
    [MemberData(nameof(SkaffoldManualCases.Cases), MemberType = typeof(SkaffoldManualCases))]
    public async Task Skaffolds_manual_cases_sync_through_the_package(string sentence, string context, string[] rules, string[] files, string workdir, string[] expected)
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "skaffold-case-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "skaffold-case")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root)
            .Property("FileSyncWorkingDirectory", workdir);
        project.WriteFile("skaffold.yaml", SkaffoldManualCases.Yaml(context, rules));
        foreach (string file in files)
        {
            project.WriteFile(file, $"{sentence}: {file}\n");
        }

        (await project.SyncAsync()).Succeeded();

        string prefix = context == "." ? "" : context + "/";
        Assert.Equal(
            [.. expected.Select(mapping => mapping.Split(" -> ")[1].TrimStart('/')).Order(StringComparer.Ordinal)],
            Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(file => Path.GetRelativePath(root, file)).Order(StringComparer.Ordinal));
        Assert.All(expected.Select(mapping => mapping.Split(" -> ")), pair =>
            Assert.Equal($"{sentence}: {prefix}{pair[0]}\n", File.ReadAllText(Path.Combine(root, pair[1].TrimStart('/')))));
    }

    [Fact]
    public async Task A_malformed_file_is_an_error_at_its_line_and_column_and_nothing_is_synced()
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "skaffold-bad-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "skaffold-bad")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root);
        project.WriteFile("a.txt", "a\n");
        string config = project.WriteFile("skaffold.yaml", "apiVersion: skaffold/v4beta11\nbuild:\n  artifacts:\n  - image: app\n    sync:\n      manual:\n      - src: [a.txt]\n        dest: /d\n");

        var result = (await project.SyncAsync("-p:FileSyncConfig=skaffold.yaml")).Failed();

        Assert.Contains($"{config}(7,14): error FSYNC8003:", result.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));

        // Not named by the project: the same problem is a warning at the same place, and the build goes on (D5).
        var notNamed = (await project.SyncAsync()).Succeeded();
        Assert.Contains($"{config}(7,14): warning FSYNC8057:", notNamed.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }

    [Fact]
    public async Task Yaml_rules_and_items_combine_the_plan_names_each_rule_and_unsupported_fields_are_warned()
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "skaffold-both-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "skaffold-both")
            .Rule("web/*.css", dest: "/css", strip: "web/")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root)
            .Property("FileSyncWorkingDirectory", "/app")
            .Property("FileSyncArtifact", "web")
            .Property("FileSyncConfig", "skaffold.yaml"); // named: a yaml beside a project with items is read only then
        project.WriteFile("web/site.css", "body{}\n");
        project.WriteFile("web/index.html", "<p>hi</p>\n");
        project.WriteFile("web/x.md", "# not matched\n");
        string config = project.WriteFile("skaffold.yaml",
            "apiVersion: skaffold/v3\nbuild:\n  artifacts:\n  - image: api\n    context: nowhere-needed\n---\napiVersion: skaffold/v4beta1\nbuild:\n  artifacts:\n  - image: web\n    sync:\n      auto: true\n      manual:\n      - {src: 'web/*.{html,css}', dest: site}\n");

        var dryRun = (await project.SyncAsync("-p:FileSyncDryRun=true")).Succeeded();
        string[] plan = [.. dryRun.Output.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith("copy ", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];

        Assert.Equal(
            [
                "copy   web/index.html -> /app/site/web/index.html  [skaffold.yaml:14 src 'web/*.{html,css}']",
                "copy   web/site.css -> /app/site/web/site.css  [skaffold.yaml:14 src 'web/*.{html,css}']",
                "copy   web/site.css -> /css/site.css  [FileSyncRule Dest='/css' Strip='web/']",
            ],
            plan);
        Assert.Contains($"{config}(12,13): warning FSYNC8010:", dryRun.Output, StringComparison.Ordinal);

        SyncSummary.Single((await project.SyncAsync()).Succeeded());
        Assert.Equal("body{}\n", File.ReadAllText(Path.Combine(root, "css", "site.css")));
        Assert.Equal("body{}\n", File.ReadAllText(Path.Combine(root, "app", "site", "web", "site.css")));
        Assert.Equal("<p>hi</p>\n", File.ReadAllText(Path.Combine(root, "app", "site", "web", "index.html")));
        Assert.False(File.Exists(Path.Combine(root, "app", "site", "web", "x.md")));
    }
}
