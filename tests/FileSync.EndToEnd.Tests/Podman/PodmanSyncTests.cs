using System.Runtime.Versioning;
using System.Xml.Linq;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Podman;

/// <summary>
/// FileSync's core cases against Podman's Docker-compatible API (<see cref="PodmanService"/>), through the packed
/// package and a real <c>dotnet build</c> with FileSyncDockerHost=unix://&lt;podman socket&gt;; every outcome read back
/// with the podman CLI.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class PodmanSyncTests(PackageFixture package, PodmanService podman) : IClassFixture<PodmanService>
{
    private ConsumerProject Project(string name, PodmanContainer container) =>
        new ConsumerProject(package, name)
            .Property("FileSyncDockerHost", podman.Host)
            .Property("FileSyncContainer", container.Name);

    [Fact]
    public async Task Added_changed_deleted_and_unchanged_files_reach_a_Podman_container()
    {
        await using var container = await PodmanContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = Project("podman-add-change-delete", container).Rule("site/**/*", dest: "www", strip: "site/");
        project.WriteFile("site/index.html", "<h1>one</h1>\n");
        project.WriteFile("site/css/app.css", "body { color: red; }\n");
        project.WriteFile("site/js/app.js", "console.log('one');\n");
        string longName = "site/" + new string('n', 150) + " é ü.txt"; // a PAX name: past ustar's 100 bytes, not ASCII
        project.WriteFile(longName, "long\n");
        File.CreateSymbolicLink(project.PathOf("site/latest.html"), "index.html");

        var added = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((false, 5, 0, "docker", container.Name, container.Id[..12]), (added.UpToDate, added.Changed, added.Deleted, added.Kind, added.Name, added.ShortId));
        Assert.Equal("<h1>one</h1>\n", await container.ExecAsync("cat", "/app/www/index.html"));
        Assert.Equal("body { color: red; }\n", await container.ExecAsync("cat", "/app/www/css/app.css"));
        Assert.Equal("console.log('one');\n", await container.ExecAsync("cat", "/app/www/js/app.js"));
        Assert.Equal("long\n", await container.ExecAsync("cat", "/app/www/" + longName["site/".Length..]));
        Assert.Equal("index.html\n", await container.ExecAsync("readlink", "/app/www/latest.html"));

        File.Delete(project.PathOf("site/latest.html"));
        project.DeleteFile(longName);
        var gone = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((0, 2), (gone.Changed, gone.Deleted));
        Assert.False(await container.ExistsAsync("/app/www/latest.html"));

        project.WriteFile("site/css/app.css", "body { color: blue; }\n");
        var changed = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((1, 0), (changed.Changed, changed.Deleted));
        Assert.Equal("body { color: blue; }\n", await container.ExecAsync("cat", "/app/www/css/app.css"));

        project.DeleteFile("site/js/app.js");
        var deleted = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((0, 1), (deleted.Changed, deleted.Deleted));
        Assert.False(await container.ExistsAsync("/app/www/js/app.js"));
        Assert.Equal(
            "/app/www/css/app.css\n/app/www/index.html\n",
            await container.ExecAsync("sh", "-c", "find /app/www -type f | sort"));

        // Changed behind FileSync's back: a sync with nothing new sends nothing.
        await container.ExecAsync("cp", "/etc/group", "/app/www/index.html");
        var unchanged = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.True(unchanged.UpToDate);
        Assert.Equal(await container.ExecAsync("cat", "/etc/group"), await container.ExecAsync("cat", "/app/www/index.html"));
    }

    [Fact]
    public async Task Files_belong_to_the_containers_user_or_to_FileSyncOwner_with_the_sources_modes()
    {
        await using var container = await PodmanContainer.StartAsync(user: "1000:1000", ct: TestContext.Current.CancellationToken);
        using var project = Project("podman-owner", container).Rule("data/**/*", dest: "owned");
        project.WriteFile("data/top.txt", "top\n");
        File.SetUnixFileMode(project.WriteFile("data/sub/run.sh", "#!/bin/sh\r\necho hi\r\n"), (UnixFileMode)0b111_101_101);

        (await project.SyncAsync()).Succeeded();

        Assert.Equal(
            "1000:1000 644 /app/owned/data/top.txt\n1000:1000 755 /app/owned/data/sub/run.sh\n1000:1000 755 /app/owned/data/sub\n",
            await container.ExecAsync("stat", "-c", "%u:%g %a %n", "/app/owned/data/top.txt", "/app/owned/data/sub/run.sh", "/app/owned/data/sub"));
        Assert.Equal("#!/bin/sh\r\necho hi\r\n", await container.ExecAsync("cat", "/app/owned/data/sub/run.sh"));

        var overridden = SyncSummary.Single((await project.SyncAsync("-p:FileSyncOwner=1234:5678")).Succeeded());

        Assert.Equal(2, overridden.Changed);
        Assert.Equal(
            "1234:5678 /app/owned/data/top.txt\n1234:5678 /app/owned/data/sub/run.sh\n",
            await container.ExecAsync("stat", "-c", "%u:%g %n", "/app/owned/data/top.txt", "/app/owned/data/sub/run.sh"));
    }

    [Fact]
    public async Task A_synced_file_never_replaces_a_folder_of_the_Podman_container_FSYNC2011()
    {
        await using var container = await PodmanContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        await container.ExecAsync("sh", "-c", "mkdir -p /app/cfg/sub && echo keep > /app/cfg/sub/keep.db");
        using var project = Project("podman-file-over-folder", container).Rule("cfg", dest: ".");
        project.WriteFile("cfg", "a file\n");

        var result = (await project.SyncAsync()).Failed();

        string error = Assert.Single(result.Output.Split('\n').Where(line => line.Contains("error FSYNC", StringComparison.Ordinal)).Select(line => line.Trim()).Distinct());
        Assert.Contains("error FSYNC2011:", error, StringComparison.Ordinal);
        Assert.Contains("holds a folder at '/app/cfg'", error, StringComparison.Ordinal);
        Assert.Equal("keep\n", await container.ExecAsync("cat", "/app/cfg/sub/keep.db"));

        // Nothing was recorded: once the folder is gone, the next sync sends the file.
        await container.ExecAsync("rm", "-r", "/app/cfg");
        var retried = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal(1, retried.Changed);
        Assert.Equal("a file\n", await container.ExecAsync("cat", "/app/cfg"));
    }

    [Fact]
    public async Task A_file_of_the_Podman_container_where_a_synced_folder_goes_is_kept_FSYNC2010()
    {
        await using var container = await PodmanContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        await container.ExecAsync("sh", "-c", "echo keep > /app/cfg");
        using var project = Project("podman-folder-over-file", container).Rule("cfg/**/*", dest: ".");
        project.WriteFile("cfg/a.json", "{}\n");

        var result = (await project.SyncAsync()).Failed();

        string error = Assert.Single(result.Output.Split('\n').Where(line => line.Contains("error FSYNC", StringComparison.Ordinal)).Select(line => line.Trim()).Distinct());
        Assert.Contains("error FSYNC2010: '/app/cfg'", error, StringComparison.Ordinal);
        Assert.Contains("is a file, not a folder", error, StringComparison.Ordinal);
        Assert.Equal("keep\n", await container.ExecAsync("cat", "/app/cfg"));
    }

    [Fact]
    public async Task A_link_in_the_Podman_container_where_a_folder_goes_is_not_followed_FSYNC2010()
    {
        await using var container = await PodmanContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        await container.ExecAsync("sh", "-c", "mkdir -p /srv/data && ln -s /srv/data /app/sub2");
        using var project = Project("podman-link-in-target", container).Rule("**/*.txt", dest: ".");
        project.WriteFile("sub2/y.txt", "through the link?\n");
        project.WriteFile("ok.txt", "ok\n");

        var result = (await project.SyncAsync()).Failed();

        Assert.Contains("error FSYNC2010:", result.Output, StringComparison.Ordinal);
        Assert.False(await container.ExistsAsync("/srv/data/y.txt"));
        Assert.Equal("ok\n", await container.ExecAsync("cat", "/app/ok.txt"));
    }

    [Fact]
    public async Task A_missing_Podman_container_is_FSYNC2002_a_paused_one_FSYNC2030_and_a_stopped_one_FSYNC2003()
    {
        await using var container = await PodmanContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = Project("podman-missing", container).Rule("a.txt", dest: ".");
        project.WriteFile("a.txt", "a\n");
        (await project.SyncAsync()).Succeeded();

        var missing = (await project.SyncAsync("-p:FileSyncContainer=filesync-podman-none")).Failed();
        Assert.Contains("error FSYNC2002:", missing.Output, StringComparison.Ordinal);
        Assert.Contains("filesync-podman-none", missing.Output, StringComparison.Ordinal);

        await PodmanCli.RunCheckedAsync(["pause", container.Id], TestContext.Current.CancellationToken);
        var paused = (await project.SyncAsync()).Failed();
        Assert.Contains("error FSYNC2030:", paused.Output, StringComparison.Ordinal);
        await PodmanCli.RunCheckedAsync(["unpause", container.Id], TestContext.Current.CancellationToken);

        await PodmanCli.RunCheckedAsync(["stop", "-t", "0", container.Id], TestContext.Current.CancellationToken);
        var stopped = (await project.SyncAsync()).Failed();
        Assert.Contains("error FSYNC2003:", stopped.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restart_and_exec_actions_run_through_Podman()
    {
        // A process 1 that ends on SIGTERM: the restart does not wait out the stop timeout.
        string[] command = ["sh", "-c", "trap 'exit 0' TERM; sleep 100000 & wait"];
        await using var container = await PodmanContainer.StartAsync(user: "1000:1000", command: command, ct: TestContext.Current.CancellationToken);
        string started = await StartedAtAsync(container);
        using var project = Project("podman-actions", container)
            .Rule("plugins/*", dest: "/tmp/plugins", strip: "plugins/")
            .Rule("conf/*", dest: "/tmp")
            .Element(new XElement("ItemGroup",
                new XElement("FileSyncAction", new XAttribute("Include", "restart"), new XAttribute("Match", "/tmp/plugins/**")),
                new XElement("FileSyncAction", new XAttribute("Include", "exec"), new XAttribute("Match", "/tmp/conf/*"), new XAttribute("Command", "sh;-c;id -u > /tmp/reloaded-by"))));
        project.WriteFile("conf/app.json", "{}\n");

        var exec = (await project.SyncAsync()).Succeeded();

        Assert.Contains("FileSync: exec sh -c", exec.Output, StringComparison.Ordinal);
        Assert.Equal("1000\n", await container.ExecAsync("cat", "/tmp/reloaded-by"));
        Assert.Equal(started, await StartedAtAsync(container));

        project.WriteFile("plugins/p.dll", "plugin\n");
        var restart = (await project.SyncAsync()).Succeeded();

        Assert.Contains("FileSync: restart (1 matching file(s))", restart.Output, StringComparison.Ordinal);
        string restarted = await StartedAtAsync(container);
        Assert.NotEqual(started, restarted);
        Assert.EndsWith(" true", restarted, StringComparison.Ordinal);
        Assert.Equal("plugin\n", await container.ExecAsync("cat", "/tmp/plugins/p.dll"));
    }

    private static async Task<string> StartedAtAsync(PodmanContainer container) =>
        (await PodmanCli.RunCheckedAsync(["inspect", "-f", "{{.State.StartedAt}} {{.State.Running}}", container.Id], TestContext.Current.CancellationToken)).Trim();

    [Fact]
    public async Task FileSyncImage_finds_the_Podman_container_of_a_local_image_Podman_names_localhost_and_FileSyncSelector_by_label()
    {
        // A tag and a label of this test's own, so that no other container matches; Podman lists the tag as localhost/<tag>.
        string unique = Guid.NewGuid().ToString("N")[..8];
        string image = "filesync-podman-image:" + unique;
        await PodmanCli.RunCheckedAsync(["tag", PodmanCli.Image, image], TestContext.Current.CancellationToken);
        try
        {
            await using var container = await PodmanContainer.StartAsync(image: image, label: "filesync.podman=" + unique, ct: TestContext.Current.CancellationToken);
            using var project = new ConsumerProject(package, "podman-image")
                .Property("FileSyncDockerHost", podman.Host)
                .Property("FileSyncImage", image)
                .Rule("a.txt", dest: ".");
            project.WriteFile("a.txt", "by image\n");

            var synced = SyncSummary.Single((await project.SyncAsync()).Succeeded());

            Assert.Equal((1, container.Name), (synced.Changed, synced.Name));
            Assert.Equal("by image\n", await container.ExecAsync("cat", "/app/a.txt"));

            project.Property("FileSyncImage", "").Property("FileSyncSelector", "filesync.podman=" + unique);
            project.WriteFile("a.txt", "by label\n");
            var selected = SyncSummary.Single((await project.SyncAsync()).Succeeded());

            Assert.Equal((1, container.Name), (selected.Changed, selected.Name));
            Assert.Equal("by label\n", await container.ExecAsync("cat", "/app/a.txt"));
        }
        finally
        {
            await PodmanCli.RunCheckedAsync(["untag", image, "localhost/" + image], CancellationToken.None);
        }
    }

    [Fact]
    public async Task Without_rm_in_the_Podman_container_a_delete_is_FSYNC2006_and_kept_pending()
    {
        await using var container = await PodmanContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = Project("podman-no-rm", container).Rule("data/*", dest: "data", strip: "data/");
        project.WriteFile("data/gone.txt", "gone\n");
        (await project.SyncAsync()).Succeeded();
        await container.ExecAsync("rm", "/bin/rm"); // busybox's link: the engine's exec then reports "not found"

        project.DeleteFile("data/gone.txt");
        var result = (await project.SyncAsync()).Succeeded();

        Assert.Contains("warning FSYNC2006:", result.Output, StringComparison.Ordinal);
        Assert.Contains("/app/data/gone.txt", result.Output, StringComparison.Ordinal);
        Assert.True(await container.ExistsAsync("/app/data/gone.txt"));
        Assert.False(SyncSummary.Single((await project.SyncAsync()).Succeeded()).UpToDate); // still pending
    }

    [Fact]
    public async Task A_user_given_by_name_is_resolved_through_the_Podman_containers_passwd()
    {
        await using var container = await PodmanContainer.StartAsync(user: "app", ct: TestContext.Current.CancellationToken);
        await PodmanCli.RunCheckedAsync(["exec", "-u", "0", container.Id, "sed", "-i", "s/^app:x:1000:1000:/app:x:2345:2346:/", "/etc/passwd"], TestContext.Current.CancellationToken);
        using var project = Project("podman-owner-by-name", container).Rule("a.txt", dest: "named");
        project.WriteFile("a.txt", "a\n");

        var result = (await project.SyncAsync()).Succeeded();

        Assert.DoesNotContain("FSYNC2009", result.Output, StringComparison.Ordinal);
        Assert.Equal("2345:2346\n", await container.ExecAsync("stat", "-c", "%u:%g", "/app/named/a.txt"));
    }
}
