using System.IO.Compression;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.KubeStandIn;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// A pod of a chiseled-like image (no shell, no tar, no rm, no stat; USER 1654) whose app runs under filesync-launcher:
/// FileSync extracts through the launcher (--fsync-extract, the tar on stdin over v5) and deletes through it. The files
/// are read back from the host through /proc/&lt;pid&gt;/root (the image has no cat).
/// </summary>
public sealed class KubernetesChiseledTests(PackageFixture package)
{
    [Fact]
    public async Task Files_land_and_go_through_the_launcher_in_an_image_without_tar()
    {
        await ChiseledApp.EnsureImageAsync();
        string image = "filesync-kube-chiseled:" + Guid.NewGuid().ToString("N")[..12];
        string context = Directory.CreateTempSubdirectory("filesync-kube-image-").FullName;
        try
        {
            await BuildImageAsync(context, image);
            await using KubeCluster cluster = await KubeCluster.StartAsync();
            StandInPod pod = await cluster.StandIn.AddPodAsync(KubeCluster.Namespace, "web-0", new Dictionary<string, string> { ["app"] = "web" },
                new StandInContainer("app", image, ["/usr/share/dotnet/dotnet", "/app/filesync-launcher.dll", "/app/launcher-test-app.dll"], WorkingDir: "/app"));
            using var project = new ConsumerProject(package, "kube-chiseled")
                .Rule("site/**/*", dest: "site", strip: "site/")
                .Property("FileSyncRuntime", "kubernetes")
                .Property("FileSyncPod", "web-0");
            project.WriteFile("site/index.html", "<h1>chiseled</h1>\n");
            project.WriteFile("site/css/app.css", "body {}\n");

            var added = SyncSummary.Single((await project.SyncAsync(cluster.Environment, "-v:d")).Succeeded());

            Assert.Equal(2, added.Changed);
            string root = $"/proc/{await PidAsync(pod.DockerId("app"))}/root";
            Assert.Equal("<h1>chiseled</h1>\n", await File.ReadAllTextAsync(root + "/app/site/index.html", TestContext.Current.CancellationToken));
            Assert.Equal("body {}\n", await File.ReadAllTextAsync(root + "/app/site/css/app.css", TestContext.Current.CancellationToken));
            ProcessResult owner = await ChildProcess.RunAsync("stat", ["-c", "%u:%g", root + "/app/site/index.html"], "/", new Dictionary<string, string?>(), TimeSpan.FromMinutes(1), TestContext.Current.CancellationToken);
            Assert.Equal("1654:1654", owner.Output.Trim()); // the user the container runs as

            project.DeleteFile("site/css/app.css");
            var deleted = SyncSummary.Single((await project.SyncAsync(cluster.Environment)).Succeeded());

            Assert.Equal(1, deleted.Deleted);
            Assert.False(File.Exists(root + "/app/site/css/app.css"));
        }
        finally
        {
            await DockerCli.RunAsync(["rmi", "-f", image], CancellationToken.None);
            Directory.Delete(context, recursive: true);
        }
    }

    /// <summary>FROM the chiseled image: the launcher as the package ships it and the test app, owned by the image's user.</summary>
    private async Task BuildImageAsync(string context, string image)
    {
        // rootfs/app: copied as a folder of its own, so /app itself is the app user's too (the exec runs as that user).
        string app = Directory.CreateDirectory(Path.Combine(context, "rootfs", "app")).FullName;
        using (ZipArchive zip = ZipFile.OpenRead(package.PackagePath))
        {
            foreach (ZipArchiveEntry entry in zip.Entries.Where(entry => entry.FullName.StartsWith("tools/launcher/", StringComparison.Ordinal)))
            {
                entry.ExtractToFile(Path.Combine(app, entry.Name));
            }
        }

        foreach (string file in Directory.EnumerateFiles(AppContext.BaseDirectory, "launcher-test-app.*"))
        {
            File.Copy(file, Path.Combine(app, Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(context, "Dockerfile"), $"FROM {ChiseledApp.Image}\nCOPY --chown=1654:1654 rootfs/ /\n");
        var result = await DockerCli.RunAsync(["build", "--network", "none", "-q", "-t", image, context], TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.StdErr);
    }

    private static async Task<int> PidAsync(string id)
    {
        var result = await DockerCli.RunAsync(["inspect", "-f", "{{.State.Pid}}", id], TestContext.Current.CancellationToken);
        return int.Parse(result.StdOut.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
