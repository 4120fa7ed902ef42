using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Core;
using FileSync.Tests.Infrastructure;
using FileSync.Tests.Skaffold;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// skaffold.yaml sync.infer and .dockerignore through the packed package: Skaffold's own inference tables with the
/// directory runtime, and a real container that gets the inferred destinations and never a .dockerignore'd file.
/// </summary>
public sealed class SkaffoldInferTests(PackageFixture package)
{
    /// <summary>Skaffold's TestSyncMap cases, synced from a skaffold.yaml (context: the case's workspace, FileSyncWorkingDirectory=/ for Skaffold's WORKDIR-less base image): exactly the expected files arrive, with their bytes.</summary>
    [Theory]
    [MemberData(nameof(SkaffoldInferCases.SyncMap), MemberType = typeof(SkaffoldInferCases))]
    public async Task Skaffolds_inference_cases_sync_through_the_package(string sentence, string dockerfile, string workspace, string ignore, string ignoreFile, string[] buildArgs, string[] expected)
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "infer-case-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "infer-case")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root)
            .Property("FileSyncWorkingDirectory", "/");
        foreach (string file in SkaffoldInferCases.SyncMapFiles)
        {
            project.WriteFile("ws/" + file, $"{sentence}: {file}\n");
        }

        string context = "ws/" + workspace;
        project.WriteFile(context + "/Dockerfile", dockerfile);
        if (ignore.Length > 0)
        {
            project.WriteFile(context + "/" + (ignoreFile.Length > 0 ? ignoreFile : ".dockerignore"), ignore);
        }

        string args = string.Join(", ", buildArgs.Select(arg => arg.Split('=', 2)).Select(pair => pair.Length > 1 ? $"{pair[0]}: '{pair[1]}'" : $"{pair[0]}: null"));
        project.WriteFile("skaffold.yaml", $"apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n    context: {context}\n    docker: {{buildArgs: {{{args}}}}}\n    sync:\n      infer: ['**']\n");

        (await project.SyncAsync()).Succeeded();

        string contextPath = Path.GetFullPath(project.PathOf(context));
        var mappings = SkaffoldInferCases.Parse(expected).SelectMany(pair => pair.Value.Split(", ").Select(destination => (Source: pair.Key, Destination: destination.TrimStart('/')))).ToList();
        Assert.Equal(
            [.. mappings.Select(mapping => mapping.Destination).Order(StringComparer.Ordinal)],
            Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(file => Path.GetRelativePath(root, file)).Order(StringComparer.Ordinal));
        Assert.All(mappings, mapping => Assert.Equal(File.ReadAllBytes(Path.Combine(contextPath, mapping.Source)), File.ReadAllBytes(Path.Combine(root, mapping.Destination))));
    }

    /// <summary>
    /// A real container (WORKDIR /app): a Dockerfile at docker.dockerfile, a relative COPY before any WORKDIR (the
    /// container's WORKDIR), a folder COPY after one, a file copied twice; the dry run names each destination's rule;
    /// the .dockerignore'd files are never synced, by infer, by sync.manual of another artifact's config, or by a FileSyncRule item.
    /// </summary>
    [Fact]
    public async Task Inferred_destinations_reach_a_container_and_dockerignored_files_never_do()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "infer-docker")
            .Rule("web/secret.html", dest: "/srv")
            .Rule("web/index.html", dest: "/srv")
            .Property("FileSyncContainer", container.Name)
            .Property("FileSyncConfig", "skaffold.yaml"); // named: a project with items reads one only then (FSYNC8056)
        project.WriteFile("web/index.html", "<p>index</p>\n");
        project.WriteFile("web/secret.html", "<p>secret</p>\n");
        project.WriteFile("web/css/site.css", "body{}\n");
        project.WriteFile("web/css/site.css.tmp", "editor backup\n");
        project.WriteFile("conf/app.json", "{}\n");
        project.WriteFile("Program.cs", "// not inferred\n");
        project.WriteFile("build/app.Dockerfile", "FROM busybox\nARG CONF=conf\nCOPY ${CONF}/app.json config/\nWORKDIR /srv/site\nCOPY web/ ./wwwroot/\nCOPY web/index.html /srv/copy/\n");
        project.WriteFile("build/app.Dockerfile.dockerignore", "# the build's own ignore file wins over .dockerignore\n**/*.tmp\nweb/secret.html\n");
        project.WriteFile(".dockerignore", "conf\n");
        project.WriteFile("skaffold.yaml", "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n    docker:\n      dockerfile: build/app.Dockerfile\n    sync:\n      infer:\n      - 'web/**'\n      - conf/*.json\n");

        var dryRun = (await project.SyncAsync("-p:FileSyncDryRun=true")).Succeeded();
        string[] plan = [.. dryRun.Output.Split('\n').Select(line => line.Trim()).Where(line => line.StartsWith("copy ", StringComparison.Ordinal)).Order(StringComparer.Ordinal)];
        Assert.Equal(
            [
                "copy   conf/app.json -> /app/config/app.json  [infer 'conf/*.json' from build/app.Dockerfile:3]",
                "copy   web/css/site.css -> /srv/site/wwwroot/css/site.css  [infer 'web/**' from build/app.Dockerfile:5]",
                "copy   web/index.html -> /srv/copy/index.html  [infer 'web/**' from build/app.Dockerfile:6]",
                "copy   web/index.html -> /srv/site/wwwroot/index.html  [infer 'web/**' from build/app.Dockerfile:5]",
                "copy   web/index.html -> /srv/web/index.html  [FileSyncRule Dest='/srv']",
            ],
            plan);

        SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal("{}\n", await InContainer.CatAsync(container.Id, "/app/config/app.json"));
        Assert.Equal("body{}\n", await InContainer.CatAsync(container.Id, "/srv/site/wwwroot/css/site.css"));
        Assert.Equal("<p>index</p>\n", await InContainer.CatAsync(container.Id, "/srv/site/wwwroot/index.html"));
        Assert.Equal("<p>index</p>\n", await InContainer.CatAsync(container.Id, "/srv/copy/index.html"));
        Assert.Equal("<p>index</p>\n", await InContainer.CatAsync(container.Id, "/srv/web/index.html"));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/srv/web/secret.html"), "a FileSyncRule item of the context is .dockerignored too");
        Assert.False(await InContainer.ExistsAsync(container.Id, "/srv/site/wwwroot/secret.html"));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/srv/site/wwwroot/css/site.css.tmp"));
    }

    /// <summary>The after-build sync sees a Dockerfile edit: the file moves to its new destination (the old one is deleted).</summary>
    [Fact]
    public async Task An_after_build_sync_follows_a_Dockerfile_edit()
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "infer-edit-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "infer-edit")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root)
            .Property("FileSyncWorkingDirectory", "/app");
        project.WriteFile("web/a.html", "a\n");
        project.WriteFile("Dockerfile", "FROM x\nCOPY web/ one/\n");
        project.WriteFile("skaffold.yaml", "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n    sync:\n      infer: ['web/*']\n");
        SyncSummary.Single((await project.BuildAsync([], ConsumerProject.WithoutCi)).Succeeded());
        Assert.Equal("a\n", File.ReadAllText(Path.Combine(root, "app", "one", "a.html")));

        project.WriteFile("Dockerfile", "FROM x\nCOPY web/ two/\n");
        SyncSummary.Single((await project.BuildAsync([], ConsumerProject.WithoutCi)).Succeeded());

        Assert.Equal("a\n", File.ReadAllText(Path.Combine(root, "app", "two", "a.html")));
        Assert.False(File.Exists(Path.Combine(root, "app", "one", "a.html")));

        project.WriteFile(".dockerignore", "web/a.html\n");
        SyncSummary.Single((await project.BuildAsync([], ConsumerProject.WithoutCi)).Succeeded());

        Assert.False(File.Exists(Path.Combine(root, "app", "two", "a.html")), "a file the .dockerignore now ignores is not synced (and goes away)");
    }

    /// <summary>Odd names through inference: a folder COPY carries every name byte for byte; JSON-form COPYs name paths with spaces (the whitespace form cannot, in docker build either); nothing is run through a shell.</summary>
    [Fact]
    public async Task Odd_names_are_inferred_byte_for_byte()
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "infer-names-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "infer-names")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root)
            .Property("FileSyncWorkingDirectory", "/app");
        string[] names = ["a b.html", "$(touch x);y.html", "-rf.html", "100%.html", "back\\slash.html", "[x]*?.html", "tab\there.html"];
        foreach (string name in names)
        {
            project.WriteFile("web/" + name, name + "\n");
        }

        project.WriteFile("my conf/app settings.json", "{}\n");
        project.WriteFile("Dockerfile", "FROM x\nWORKDIR /srv\nCOPY [\"web/\", \"./my site/\"]\nCOPY [\"my conf/app settings.json\", \"/etc/my app/\"]\n");
        project.WriteFile("skaffold.yaml", "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n    sync:\n      infer: ['**']\n");

        (await project.SyncAsync()).Succeeded();

        Assert.All(names, name => Assert.Equal(name + "\n", File.ReadAllText(Path.Combine(root, "srv", "my site", name))));
        Assert.Equal("{}\n", File.ReadAllText(Path.Combine(root, "etc", "my app", "app settings.json")));
        Assert.False(File.Exists(Path.Combine(project.Directory, "x")));
    }

    [Fact]
    public async Task A_bad_Dockerfile_is_an_error_at_its_line_and_nothing_is_synced()
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "infer-bad-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "infer-bad")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root);
        project.WriteFile("a.txt", "a\n");
        string dockerfile = project.WriteFile("Dockerfile", "FROM x\n\nCOPY a.txt\n");
        project.WriteFile("skaffold.yaml", "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n    sync:\n      infer: ['*']\n");

        var result = (await project.SyncAsync()).Failed();

        Assert.Contains($"{dockerfile}(3): error FSYNC8023:", result.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
    }
}
