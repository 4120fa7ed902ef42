using System.Xml.Linq;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// Post-sync actions and the launcher on a real engine: a console app runs as <c>dotnet filesync-launcher.dll
/// Consumer.dll</c> in a chiseled-like container (no shell, no rm, no tar, user 1654); its new build is synced and the
/// app restarted, by process (same container, same start) or by container restart; exec actions on busybox.
/// </summary>
public sealed class LauncherActionsTests(PackageFixture package)
{
    private const string Output = "bin/Debug/net10.0";

    private static string Program(string version) => $$"""
        System.Console.WriteLine("app {{version}}");
        System.Threading.Thread.Sleep(System.Threading.Timeout.Infinite);
        """;

    /// <summary>A console app with FileSyncLauncher=true whose assembly a rule syncs to /app, with <paramref name="action"/>.</summary>
    private ConsumerProject App(string name, XElement action) =>
        Console(name)
            .Property("FileSyncExcludeBuildFolders", "false")
            .Rule($"{Output}/Consumer.dll", dest: "/app", strip: $"{Output}/")
            .Element(new XElement("ItemGroup", action));

    /// <summary>A console app that prints "app v1" and waits, with FileSyncLauncher=true.</summary>
    private ConsumerProject Console(string name)
    {
        var project = new ConsumerProject(package, name)
            .Property("OutputType", "Exe")
            .Property("FileSyncLauncher", "true");
        project.WriteFile("Program.cs", Program("v1"));
        return project;
    }

    private static XElement Action(string kind, string? match = null, string? command = null)
    {
        var item = new XElement("FileSyncAction", new XAttribute("Include", kind));
        if (match is not null)
        {
            item.Add(new XAttribute("Match", match));
        }

        if (command is not null)
        {
            item.Add(new XAttribute("Command", command));
        }

        return item;
    }

    [Fact]
    public async Task A_process_action_restarts_the_app_in_the_same_container_and_logs_why()
    {
        using var project = App("process", Action("process", match: "**/*.dll"));
        (await project.BuildAsync([])).Succeeded();
        string[] outputFiles = Directory.GetFiles(project.PathOf(Output)).Select(Path.GetFileName).ToArray()!;
        Assert.Contains("filesync-launcher.dll", outputFiles);
        Assert.Contains("filesync-launcher.runtimeconfig.json", outputFiles);
        await using var app = await ChiseledApp.StartAsync(project.PathOf(Output), "filesync-launcher.dll", "Consumer.dll");
        await app.WaitForLineAsync("app v1");
        string started = await app.StartedAtAsync();

        project.Property("FileSyncContainer", app.Name);
        project.WriteFile("Program.cs", Program("v2"));
        var result = (await project.BuildAsync([], ConsumerProject.WithoutCi)).Succeeded();

        Assert.Contains("FileSync: process (1 matching file(s))", result.Output, StringComparison.Ordinal);
        await app.WaitForLineAsync("app v2");
        List<string> log = await app.LogAsync();
        Assert.Equal(["app v1", "filesync-launcher: restarting Consumer.dll (files synced: /app/Consumer.dll)", "app v2"], log);
        Assert.Equal(started, await app.StartedAtAsync()); // the same container, never restarted, still running
        Assert.EndsWith(" true", started, StringComparison.Ordinal);
        var synced = (await app.ReadAsync("/app/Consumer.dll"))!.Value;
        Assert.Equal(File.ReadAllBytes(project.PathOf(Output + "/Consumer.dll")), synced.Content);
        Assert.Equal((1654, 1654), (synced.Uid, synced.Gid));
    }

    [Fact]
    public async Task A_restart_action_restarts_the_container_which_keeps_the_synced_files()
    {
        using var project = App("restart", Action("restart", match: "/app/*.dll"));
        (await project.BuildAsync([])).Succeeded();
        await using var app = await ChiseledApp.StartAsync(project.PathOf(Output), "filesync-launcher.dll", "Consumer.dll");
        await app.WaitForLineAsync("app v1");
        string started = await app.StartedAtAsync();

        project.Property("FileSyncContainer", app.Name);
        project.WriteFile("Program.cs", Program("v2"));
        var result = (await project.BuildAsync([], ConsumerProject.WithoutCi)).Succeeded();

        Assert.Contains("FileSync: restart (1 matching file(s))", result.Output, StringComparison.Ordinal);
        await app.WaitForLineAsync("app v2");
        string restarted = await app.StartedAtAsync();
        Assert.NotEqual(started, restarted);
        Assert.EndsWith(" true", restarted, StringComparison.Ordinal);
        Assert.Equal(app.Id, (await DockerCli.RunCheckedAsync(["inspect", "-f", "{{.Id}}", app.Name], TestContext.Current.CancellationToken)).Trim());
        Assert.Equal(File.ReadAllBytes(project.PathOf(Output + "/Consumer.dll")), (await app.ReadAsync("/app/Consumer.dll"))!.Value.Content);
    }

    [Fact]
    public async Task Deletes_and_folder_removals_without_rm_go_through_the_launcher()
    {
        using var project = Console("chiseled-deletes").Rule("data/**/*", dest: "/app/data", strip: "data/");
        project.WriteFile("data/keep.txt", "keep\n");
        project.WriteFile("data/gone.txt", "gone\n");
        project.WriteFile("data/x/inner.txt", "inner\n");
        (await project.BuildAsync([])).Succeeded();
        await using var idle = await ChiseledApp.StartAsync(project.PathOf(Output), "filesync-launcher.dll", "Consumer.dll");
        project.Property("FileSyncContainer", idle.Name);
        (await project.SyncAsync()).Succeeded();
        Assert.Equal((1654, 1654), ((await idle.ReadAsync("/app/data/keep.txt"))!.Value.Uid, (await idle.ReadAsync("/app/data/keep.txt"))!.Value.Gid));

        // A deleted file, and a folder FileSync created that must make way for a file of the same name.
        project.DeleteFile("data/gone.txt");
        project.DeleteFile("data/x/inner.txt");
        Directory.Delete(project.PathOf("data/x"));
        project.WriteFile("data/x", "now a file\n");
        var result = (await project.SyncAsync()).Succeeded();

        Assert.DoesNotContain("FSYNC2006", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("FSYNC2014", result.Output, StringComparison.Ordinal);
        Assert.Null(await idle.ReadAsync("/app/data/gone.txt"));
        Assert.Null(await idle.ReadAsync("/app/data/x/inner.txt"));
        var x = (await idle.ReadAsync("/app/data/x"))!.Value;
        Assert.Equal("now a file\n", System.Text.Encoding.UTF8.GetString(x.Content));
        Assert.Equal((1654, 1654), (x.Uid, x.Gid));
        Assert.Equal("keep\n", System.Text.Encoding.UTF8.GetString((await idle.ReadAsync("/app/data/keep.txt"))!.Value.Content));
        Assert.True(SyncSummary.Single((await project.SyncAsync()).Succeeded()).UpToDate, "a delete is still pending");
    }

    [Fact]
    public async Task An_exec_action_runs_as_the_container_user_and_a_failing_one_fails_the_build_with_its_exit_code_and_stderr()
    {
        await using var container = await CustomContainer.StartAsync(options: ["--user", "1000:1000"]);
        using var project = new ConsumerProject(package, "exec")
            .Rule("appsettings.json", dest: "/app")
            .Property("FileSyncContainer", container.Name)
            .Element(new XElement("ItemGroup", Action("exec", match: "appsettings*.json", command: "/bin/touch;/tmp/reloaded;/tmp/a%3Bb%5Cc")));
        project.WriteFile("appsettings.json", "{}");

        var ok = (await project.SyncAsync()).Succeeded();

        Assert.Contains("FileSync: exec /bin/touch /tmp/reloaded /tmp/a;b\\c (1 matching file(s))", ok.Output, StringComparison.Ordinal);
        Assert.Equal("1000:1000", await InContainer.StatAsync(container.Id, "%u:%g", "/tmp/reloaded"));
        Assert.Equal("1000:1000", await InContainer.StatAsync(container.Id, "%u:%g", "/tmp/a;b\\c")); // %3B and %5C: one argument

        project.Element(new XElement("ItemGroup", Action("exec", command: "/bin/ls;/app/no-such-file")));
        project.WriteFile("appsettings.json", "{\"changed\":true}");
        var failed = (await project.SyncAsync()).Failed();

        string error = Assert.Single(failed.Output.Split('\n').Where(line => line.Contains("error FSYNC5004:", StringComparison.Ordinal)).Distinct());
        Assert.Contains(container.Name, error, StringComparison.Ordinal);
        Assert.Contains("'exec /bin/ls /app/no-such-file'", error, StringComparison.Ordinal);
        Assert.Contains("exit code 1", error, StringComparison.Ordinal);
        Assert.Contains("/app/no-such-file: No such file or directory", error, StringComparison.Ordinal);
        Assert.Equal("{\"changed\":true}", await InContainer.CatAsync(container.Id, "/app/appsettings.json")); // synced all the same
    }

    [Fact]
    public async Task A_process_action_in_a_container_without_the_launcher_is_FSYNC5007_naming_where_it_looked()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "no-launcher")
            .Rule("appsettings.json", dest: "/app")
            .Property("FileSyncContainer", container.Name)
            .Element(new XElement("ItemGroup", Action("process")));
        project.WriteFile("appsettings.json", "{}");

        var failed = (await project.SyncAsync()).Failed();

        string error = Assert.Single(failed.Output.Split('\n').Where(line => line.Contains("error FSYNC5007:", StringComparison.Ordinal)).Distinct());
        Assert.Contains(container.Name, error, StringComparison.Ordinal);
        Assert.Contains("/app/filesync-launcher.dll", error, StringComparison.Ordinal);
        Assert.Equal("{}", await InContainer.CatAsync(container.Id, "/app/appsettings.json"));
    }

    [Fact]
    public async Task An_invalid_action_fails_before_anything_is_synced()
    {
        using var project = new ConsumerProject(package, "bad-action")
            .Rule("appsettings.json", dest: "/app")
            .Property("FileSyncContainer", "no-such-container-" + Guid.NewGuid().ToString("N")[..8])
            .Element(new XElement("ItemGroup", Action("exec", match: "a**b")));
        project.WriteFile("appsettings.json", "{}");

        var failed = (await project.SyncAsync()).Failed();

        Assert.Contains("error FSYNC5002:", failed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("FSYNC2002", failed.Output, StringComparison.Ordinal);
    }
}
