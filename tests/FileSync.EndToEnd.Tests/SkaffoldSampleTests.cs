using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// samples/filesync synced from its skaffold.yaml (no FileSyncRule items at all), through the packed package and the
/// directory runtime: every mapping Skaffold's "File sync" page states (../shared/reference), WORKDIR /app.
/// </summary>
public sealed class SkaffoldSampleTests(PackageFixture package)
{
    private static readonly string Sample = Path.Combine(Repository.Root, "samples", "filesync");

    [Fact]
    public async Task The_sample_syncs_from_its_skaffold_yaml_as_the_page_states()
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "skaffold-root-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "skaffold-sample")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root)
            .Property("FileSyncWorkingDirectory", "/app");
        foreach (string file in Directory.EnumerateFiles(Sample, "*", SearchOption.AllDirectories).Where(IsSampleContent))
        {
            project.WriteFile(Path.GetRelativePath(Sample, file).Replace('\\', '/'), File.ReadAllBytes(file));
        }

        project.WriteFile("static-html/sub/a.html", "<p>below static-html: not rule 2's</p>\n");

        var dryRun = (await project.SyncAsync("-p:FileSyncDryRun=true")).Succeeded();
        string[] plan = [.. dryRun.Output.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith("copy ", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        Assert.Equal(
            [
                "copy   .filebaserc -> /etc/.filebaserc  [skaffold.yaml:15 src '.filebaserc']",
                "copy   content/en/index.md -> /app/content/index.md  [skaffold.yaml:27 src 'content/en/**/*.md']",
                "copy   content/en/sub/page.md -> /app/content/sub/page.md  [skaffold.yaml:27 src 'content/en/**/*.md']",
                "copy   img.png -> /app/assets/img.png  [skaffold.yaml:23 src '**/*.png']",
                "copy   static-html/about.html -> /app/static/static-html/about.html  [skaffold.yaml:19 src 'static-html/*.html']",
                "copy   static-html/index.html -> /app/static/static-html/index.html  [skaffold.yaml:19 src 'static-html/*.html']",
                "copy   sub/img.png -> /app/assets/sub/img.png  [skaffold.yaml:23 src '**/*.png']",
            ],
            plan);

        var synced = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal(7, synced.Changed);
        (string Source, string Destination)[] mappings =
        [
            (".filebaserc", "etc/.filebaserc"),                                   // rule 1: the file into /etc
            ("static-html/index.html", "app/static/static-html/index.html"),      // rule 2: no strip, the folder is kept
            ("static-html/about.html", "app/static/static-html/about.html"),
            ("img.png", "app/assets/img.png"),                                    // rule 3: img.png -> assets/img.png
            ("sub/img.png", "app/assets/sub/img.png"),                            //         sub/img.png -> assets/sub/img.png
            ("content/en/index.md", "app/content/index.md"),                      // rule 4: content/en/index.md -> content/index.md
            ("content/en/sub/page.md", "app/content/sub/page.md"),                //         content/en/sub/... -> content/sub/...
        ];
        Assert.All(mappings, mapping => Assert.Equal(File.ReadAllBytes(project.PathOf(mapping.Source)), File.ReadAllBytes(Path.Combine(root, mapping.Destination))));
        Assert.False(Directory.Exists(Path.Combine(root, "app", "static", "static-html", "sub")), "static-html/*.html must not match static-html/sub/a.html");
        Assert.Equal(
            [.. mappings.Select(mapping => mapping.Destination).Order(StringComparer.Ordinal)],
            Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(file => Path.GetRelativePath(root, file).Replace('\\', '/')).Order(StringComparer.Ordinal));
    }

    /// <summary>The sample's files and its skaffold.yaml; not its project file, NuGet.config, or build folders.</summary>
    private static bool IsSampleContent(string file)
    {
        string relative = Path.GetRelativePath(Sample, file).Replace('\\', '/');
        return !relative.StartsWith("bin/", StringComparison.Ordinal) && !relative.StartsWith("obj/", StringComparison.Ordinal)
            && Path.GetExtension(relative) != ".csproj" && relative != "NuGet.config";
    }
}
