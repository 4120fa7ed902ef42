using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary><c>dotnet watch build -t:SyncToContainer</c> watches the files a skaffold.yaml's rules match, not only items (adversary finding D3).</summary>
public sealed class DotnetWatchConfigTests(PackageFixture package)
{
    [Fact]
    public async Task Files_only_the_skaffold_yaml_matches_are_watched()
    {
        using var project = new ConsumerProject(package, "dotnet-watch-yaml")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", Directory.CreateTempSubdirectory("filesync-watch-yaml-").FullName);
        project.WriteFile("skaffold.yaml", "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n    context: web\n    sync:\n      manual:\n      - {src: 'static/**/*.html', dest: /app}\n");
        project.WriteFile("web/static/index.html", "<p>hi</p>\n");
        project.WriteFile("web/static/deep/page.html", "<p>deep</p>\n");
        project.WriteFile("web/static/notes.md", "not matched\n");
        (await project.SyncAsync()).Succeeded();

        var env = ConsumerProject.ChildEnvironment(package.PackagesFolder);
        env["MSBUILDDISABLENODEREUSE"] = "1";
        ProcessResult list = (await ChildProcess.RunAsync(PackageFixture.DotnetHost, ["watch", "--list", "build", "-t:SyncToContainer"], project.Directory, env, TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken)).Succeeded();

        string[] watched = [.. list.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(line => line.StartsWith('/'))];
        Assert.True(watched.Contains(project.PathOf("web/static/index.html")), list.ToString());
        Assert.Contains(project.PathOf("web/static/deep/page.html"), watched);
        Assert.Contains(project.PathOf("skaffold.yaml"), watched);
        Assert.DoesNotContain(project.PathOf("web/static/notes.md"), watched);
        Assert.DoesNotContain(watched, path => path.StartsWith(project.PathOf("obj") + "/", StringComparison.Ordinal));
    }
}
