using System.Xml.Linq;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// What the README promises and no other test holds it to: a context folder outside the project, the working-directory
/// fallback of a container without WORKDIR, and consumer targets added to <c>$(SyncToContainerDependsOn)</c>.
/// </summary>
public sealed class ReadmePromisesTests(PackageFixture package)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_context_folder_above_the_project_maps_paths_below_it_including_files_outside_the_project()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        // The solution layout of the README: the image is built from the folder above the project.
        using var project = new ConsumerProject(package, "wide-context", subfolder: "app")
            .Property("FileSyncContextDirectory", "$(MSBuildProjectDirectory)/..")
            .Rule("../shared/**/*.json", dest: "/cfg")
            .Rule("../shared/b.json", dest: "/flat", strip: "shared/")
            .Rule("appsettings.json", dest: "/settings")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("../shared/config/a.json", "{\"a\":1}\n");
        project.WriteFile("../shared/b.json", "{\"b\":2}\n");
        project.WriteFile("appsettings.json", "{\"app\":3}\n");

        var summary = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal(3, summary.Changed); // sources sent; b.json goes to two destinations
        Assert.Equal("{\"a\":1}\n", await InContainer.CatAsync(container.Id, "/cfg/shared/config/a.json"));
        Assert.Equal("{\"b\":2}\n", await InContainer.CatAsync(container.Id, "/cfg/shared/b.json"));
        Assert.Equal("{\"b\":2}\n", await InContainer.CatAsync(container.Id, "/flat/b.json"));
        Assert.Equal("{\"app\":3}\n", await InContainer.CatAsync(container.Id, "/settings/app/appsettings.json"));
    }

    [Fact]
    public async Task Without_a_WORKDIR_a_relative_Dest_is_under_ContainerWorkingDirectory_else_the_SDKs_app_default()
    {
        string image = await NoWorkdirImageAsync();
        try
        {
            await using var container = await CustomContainer.StartAsync(image: image);
            Assert.Equal(string.Empty, (await DockerCli.RunCheckedAsync(["inspect", "--format", "{{.Config.WorkingDir}}", container.Id], Ct)).Trim());
            using var project = new ConsumerProject(package, "workdir-fallback")
                .Rule("a.txt", dest: "www")
                .Property("FileSyncContainer", container.Name);
            project.WriteFile("a.txt", "a\n");

            // Every SDK project has container support (SDK 8+): its ContainerWorkingDirectory default is /app/.
            (await project.SyncAsync()).Succeeded();
            Assert.Equal("/app/www/a.txt", (await InContainer.ExecAsync(container.Id, "find", "/", "-xdev", "-name", "a.txt")).Trim());

            var moved = SyncSummary.Single((await project.SyncAsync("-p:ContainerWorkingDirectory=/srv/cwd")).Succeeded());
            Assert.Equal((1, 1), (moved.Changed, moved.Deleted));
            Assert.Equal("a\n", await InContainer.CatAsync(container.Id, "/srv/cwd/www/a.txt"));
            Assert.False(await InContainer.ExistsAsync(container.Id, "/app/www/a.txt"));
        }
        finally
        {
            await DockerCli.RunAsync(["rmi", "-f", image], CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_target_added_to_SyncToContainerDependsOn_runs_before_the_sync()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        // The usual MSBuild extension: append to the list in the project; the target rewrites a synced file.
        using var project = new ConsumerProject(package, "depends-on")
            .Rule("generated.txt", dest: "www")
            .Property("FileSyncContainer", container.Name)
            .Property("SyncToContainerDependsOn", "$(SyncToContainerDependsOn);GenerateSyncedFile")
            .Element(new XElement("Target", new XAttribute("Name", "GenerateSyncedFile"),
                new XElement("WriteLinesToFile", new XAttribute("File", "generated.txt"), new XAttribute("Lines", "made by GenerateSyncedFile"), new XAttribute("Overwrite", "true"))));
        project.WriteFile("generated.txt", "stale\n");

        (await project.SyncAsync()).Succeeded();

        Assert.Equal("made by GenerateSyncedFile\n", File.ReadAllText(project.PathOf("generated.txt")));
        Assert.Equal("made by GenerateSyncedFile\n", await InContainer.CatAsync(container.Id, "/app/www/generated.txt"));
    }

    /// <summary>
    /// The test image without its WORKDIR: a container's file system exported and imported again (<c>docker import</c>
    /// sets nothing but what it is told), under a tag of this test only.
    /// </summary>
    private static async Task<string> NoWorkdirImageAsync()
    {
        string image = "filesync-test:no-workdir-" + Guid.NewGuid().ToString("N")[..12];
        string archive = Path.Combine(Path.GetTempPath(), "filesync-rootfs-" + Guid.NewGuid().ToString("N")[..8] + ".tar");
        await using var source = await TestContainer.CreateAsync(ct: Ct);
        try
        {
            await DockerCli.RunCheckedAsync(["export", "-o", archive, source.Id], Ct);
            await DockerCli.RunCheckedAsync(["import", "--change", "ENV PATH=/bin", "--change", "CMD [\"sleep\",\"infinity\"]", archive, image], Ct);
        }
        finally
        {
            File.Delete(archive);
        }

        return image;
    }
}
