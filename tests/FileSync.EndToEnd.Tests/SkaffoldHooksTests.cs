using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>A skaffold.yaml's sync.hooks through the packed package: host hooks with Skaffold's variables, container hooks in the container.</summary>
public sealed class SkaffoldHooksTests(PackageFixture package)
{
    private const string Header = "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: web\n    sync:\n      manual: [{src: 'site/*', dest: /app}]\n      hooks:\n";

    [Fact]
    public async Task Host_hooks_run_around_a_directory_sync_with_Skaffolds_variables_and_a_failing_before_hook_stops_it()
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "hooks-dir-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        string outside = Directory.CreateDirectory(root + "-hooks").FullName;
        using var project = new ConsumerProject(package, "hooks-dir")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root);
        project.WriteFile("site/a.txt", "one\n");
        project.WriteFile("site/gone.txt", "g\n");
        project.WriteFile("skaffold.yaml", Header
            + $"        before:\n        - host: {{command: [sh, -c, 'env | grep ^SKAFFOLD_ | sort > \"$0\"; test -e {root}/app/site', '{outside}/env.txt']}}\n"
            + $"        after:\n        - host: {{command: [cp, '{root}/app/site/a.txt', '{outside}/after.txt'], os: [linux, darwin]}}\n"
            + $"        - host: {{command: [touch, '{outside}/windows.txt'], os: [windows]}}\n");

        // The before hook fails on the first sync (nothing there yet): nothing is copied, nothing recorded.
        var first = (await project.SyncAsync()).Failed();
        Assert.Contains("error FSYNC8050: The sync hook sync.hooks.before[0] (host, skaffold.yaml:10)", first.Output, StringComparison.Ordinal);
        Assert.Contains("with exit code 1", first.Output, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(root));
        Assert.False(File.Exists(Path.Combine(outside, "after.txt")));

        Directory.CreateDirectory(Path.Combine(root, "app", "site"));
        SyncSummary.Single((await project.SyncAsync()).Succeeded());
        Assert.Equal("one\n", File.ReadAllText(Path.Combine(outside, "after.txt"))); // after the copy
        Assert.False(File.Exists(Path.Combine(outside, "windows.txt")));

        project.WriteFile("site/a.txt", "two\n");
        project.DeleteFile("site/gone.txt");
        SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal(
            [
                $"SKAFFOLD_BUILD_CONTEXT={project.Directory}",
                $"SKAFFOLD_FILES_ADDED_OR_MODIFIED={project.Directory}/site/a.txt",
                $"SKAFFOLD_FILES_DELETED={project.Directory}/site/gone.txt",
                "SKAFFOLD_IMAGE=web",
                "SKAFFOLD_KUBE_CONTEXT=",
                "SKAFFOLD_NAMESPACES=",
                $"SKAFFOLD_WORK_DIR={project.Directory}",
            ],
            File.ReadAllLines(Path.Combine(outside, "env.txt")));
        Assert.Equal("two\n", File.ReadAllText(Path.Combine(outside, "after.txt")));

        // Up to date: no hook runs.
        File.Delete(Path.Combine(outside, "env.txt"));
        var upToDate = SyncSummary.Single((await project.SyncAsync()).Succeeded());
        Assert.True(upToDate.UpToDate);
        Assert.False(File.Exists(Path.Combine(outside, "env.txt")));
    }

    [Fact]
    public async Task Container_hooks_run_in_the_container_before_and_after_the_copy_and_a_failing_one_stops_the_sync()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "hooks-container")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("site/a.txt", "one\n");
        project.WriteFile("skaffold.yaml", Header
            + "        before:\n        - container: {command: [sh, -c, 'ls /app/site > /tmp/before.txt 2>&1; true']}\n"
            + "        after:\n        - container: {command: [sh, -c, 'cat /app/site/a.txt > /tmp/after.txt']}\n");

        SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Contains("No such file or directory", await InContainer.CatAsync(container.Id, "/tmp/before.txt"), StringComparison.Ordinal);
        Assert.Equal("one\n", await InContainer.CatAsync(container.Id, "/tmp/after.txt"));

        project.WriteFile("site/a.txt", "two\n");
        project.WriteFile("skaffold.yaml", Header
            + "        before:\n        - container: {command: [sh, -c, 'echo not ready >&2; exit 7']}\n"
            + "        after:\n        - container: {command: [touch, /tmp/after-again]}\n");
        var failed = (await project.SyncAsync()).Failed();

        Assert.Contains("error FSYNC8050: The sync hook sync.hooks.before[0] (container, skaffold.yaml:10) [\"sh\", \"-c\", \"echo not ready >&2; exit 7\"]", failed.Output, StringComparison.Ordinal);
        Assert.Contains($"({container.Id[..12]}) with exit code 7: not ready.", failed.Output, StringComparison.Ordinal);
        Assert.Equal("one\n", await InContainer.CatAsync(container.Id, "/app/site/a.txt"));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/tmp/after-again"));
    }
}
