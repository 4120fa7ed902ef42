using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// Visual Studio's paths (README "IDE builds / Visual Studio"), through the packed package. Visual Studio 2022: the .NET
/// Framework twin of SyncFiles runs the task out of process with dotnet (filesync-task); FileSyncUseToolTask=true forces
/// it in the dotnet CLI here, which loads the netstandard2.0 twin as Visual Studio's MSBuild does; FileSyncServer=false,
/// as on Windows, where there is no server. Visual Studio 2026: the targets' seams make this MSBuild take the same
/// declaration (Runtime="NET", TaskHostFactory), which runs the task in MSBuild's .NET task host.
/// </summary>
public sealed partial class VisualStudioToolTaskTests(PackageFixture package)
{
    [GeneratedRegex(@"out of process: .*filesync-task\.dll""? @""?(?<request>[^""\s]+\.rsp)")]
    private static partial Regex ToolCommand();

    private ConsumerProject Project(string name) => new ConsumerProject(package, name)
        .Property("FileSyncUseToolTask", "true")
        .Property("FileSyncServer", "false");

    [Fact]
    public async Task The_twin_syncs_adds_changes_and_deletes_into_a_container()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = Project("vs-twin-docker")
            .Rule("site/**/*", dest: "www", strip: "site/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("site/index.html", "<h1>one</h1>\n");
        project.WriteFile("site/css/a b;c%d é.css", "body { color: red; }\n");
        project.WriteFile("site/img/logo.bin", [0, 1, 2, 255, 10, 13]);

        ProcessResult first = (await project.SyncAsync("-v:n")).Succeeded();

        Assert.Matches(ToolCommand(), first.Output); // the twin ran, not the task in the build's process
        Assert.Equal((3, 0, container.Id[..12]), Summary(first));
        Assert.Equal("<h1>one</h1>\n", await InContainer.CatAsync(container.Id, "/app/www/index.html"));
        Assert.Equal("body { color: red; }\n", await InContainer.CatAsync(container.Id, "/app/www/css/a b;c%d é.css"));
        Assert.Equal(
            (await InContainer.Md5sumsAsync(container.Id, "/app/www"))["/app/www/img/logo.bin"],
            Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(new byte[] { 0, 1, 2, 255, 10, 13 })));

        project.WriteFile("site/index.html", "<h1>two</h1>\n");
        project.DeleteFile("site/img/logo.bin");
        ProcessResult second = (await project.SyncAsync("-v:n")).Succeeded();

        Assert.Equal((1, 1, container.Id[..12]), Summary(second));
        Assert.Equal("<h1>two</h1>\n", await InContainer.CatAsync(container.Id, "/app/www/index.html"));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/app/www/img/logo.bin"));
    }

    [Fact]
    public async Task The_twin_syncs_into_the_directory_runtime_and_sets_the_plan_items()
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "vs-directory-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = Project("vs-twin-directory")
            .Rule("assets/**/*", dest: "/var/www", strip: "assets/")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root);
        project.WriteFile("assets/a.txt", "a\n");
        project.WriteFile("assets/semi;colon %41.txt", "t\n");
        project.WriteFile("assets/tab\there.txt", "tab\n"); // ToolTask turns a '\\' in the request into '/' on Unix
        project.WriteFile("assets/back\\slash.txt", "back\n");

        ProcessResult result = (await project.SyncAsync("-v:n", "-getItem:FileSyncPlanned")).Succeeded();

        Assert.Equal("a\n", File.ReadAllText(Path.Combine(root, "var", "www", "a.txt")));
        Assert.Equal("t\n", File.ReadAllText(Path.Combine(root, "var", "www", "semi;colon %41.txt")));
        Assert.Equal("tab\n", File.ReadAllText(Path.Combine(root, "var", "www", "tab\there.txt")));
        Assert.Equal("back\n", File.ReadAllText(Path.Combine(root, "var", "www", "back\\slash.txt")));
        // The task's [Output] items came back through the twin: -getItem prints them as JSON.
        Assert.Contains("\"Destination\": \"/var/www/a.txt\"", result.Output, StringComparison.Ordinal);
        Assert.Contains("\"Destination\": \"/var/www/semi;colon %41.txt\"", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Visual_Studio_2026_s_declaration_runs_the_task_in_MSBuild_s_NET_task_host()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "vs-task-host")
            .Rule("site/**/*", dest: "www", strip: "site/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("site/index.html", "<h1>host</h1>\n");

        ProcessResult result = (await project.SyncAsync("-v:d", "-p:_FileSyncMSBuildRuntimeType=Full", "-p:_FileSyncMSBuildVersion=18.0.2")).Succeeded();

        Assert.Contains("in an external task host with a runtime of \"NET\"", result.Output, StringComparison.Ordinal);
        Assert.Equal((1, 0, container.Id[..12]), Summary(result));
        Assert.Equal("<h1>host</h1>\n", await InContainer.CatAsync(container.Id, "/app/www/index.html"));
    }

    [Fact]
    public async Task FileSyncWatch_runs_in_the_NET_task_host_and_ends_on_Ctrl_C()
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "vs-host-watch-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "vs-task-host-watch")
            .Rule("site/**/*", dest: "/www", strip: "site/")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root);
        project.WriteFile("site/index.html", "one\n");

        using WatchProcess watch = await project.StartWatchAsync("-v:d", "-p:_FileSyncMSBuildRuntimeType=Full", "-p:_FileSyncMSBuildVersion=18.0.2");
        Assert.Equal(1, (await watch.NextSyncAsync()).Changed);
        await watch.WaitForLineAsync(line => line.Contains("FileSync: watching", StringComparison.Ordinal), "saying it is watching");
        project.WriteFile("site/index.html", "two\n");
        Assert.Equal(1, (await watch.NextSyncAsync()).Changed);
        watch.Interrupt();
        await watch.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.Contains("in an external task host with a runtime of \"NET\"", watch.Output, StringComparison.Ordinal);
        Assert.Equal("two\n", File.ReadAllText(Path.Combine(root, "www", "index.html")));
    }

    [Fact]
    public async Task FileSyncShutdown_runs_through_the_twin()
    {
        using var project = Project("vs-twin-shutdown");

        ProcessResult result = (await project.BuildAsync(["-t:FileSyncShutdown", "-v:n"])).Succeeded();

        Assert.Contains("FileSync: running ShutdownSyncServer out of process: ", result.Output, StringComparison.Ordinal);
        Assert.Matches(@"FSYNC70(29|30): ", result.Output);
    }

    [Fact]
    public async Task Errors_keep_their_codes_files_and_lines_as_the_task_in_the_build_s_process_logs_them()
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "vs-errors-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "vs-twin-errors")
            .Property("FileSyncServer", "false")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root)
            .Property("FileSyncConfig", "skaffold.yaml"); // named, so its problems are errors (FSYNC8057 otherwise)
        project.WriteFile("skaffold.yaml", "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: web\n    sync:\n      manual: [\n");

        ProcessResult inProcess = (await project.SyncAsync()).Failed();
        ProcessResult twin = (await project.SyncAsync("-p:FileSyncUseToolTask=true")).Failed();

        string[] Errors(ProcessResult result) => [.. result.Output.Split('\n').Where(line => line.Contains(": error FSYNC", StringComparison.Ordinal)).Select(line => line.Trim()).Distinct()];
        string error = Assert.Single(Errors(inProcess));
        Assert.Matches(@"skaffold\.yaml\(\d+,\d+\): error FSYNC8\d{3}: ", error);
        Assert.Equal([error], Errors(twin));
        Assert.DoesNotContain("MSB", twin.Output.Replace("MSBuild", "", StringComparison.Ordinal), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_configuration_error_is_the_task_s_coded_error_and_nothing_is_synced()
    {
        using var project = Project("vs-twin-config").Rule("a.txt", dest: "/app").Property("FileSyncRuntime", "directory");
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.SyncAsync()).Failed();

        Assert.Contains("error FSYNC0004:", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("FSYNC0032", result.Output, StringComparison.Ordinal); // the task's own error, not "exited without saying why"
    }

    [Fact]
    public async Task The_watch_is_refused_with_its_code_instead_of_running_out_of_process()
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "vs-watch-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = Project("vs-twin-watch")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root);
        project.WriteFile("a.txt", "a\n");

        ProcessResult result = (await project.BuildAsync(["-t:FileSyncWatch"])).Failed();

        Assert.Contains("error FSYNC0033:", result.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(root, "app", "a.txt")));
    }

    [Fact]
    public async Task Cancelling_the_build_ends_the_out_of_process_sync()
    {
        // An engine that accepts and never answers: the sync waits on it until the build is cancelled.
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        using var project = Project("vs-twin-cancel")
            .Rule("a.txt", dest: "/app")
            .Property("FileSyncContainer", "web")
            .Property("FileSyncDockerHost", $"tcp://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}")
            .Property("FileSyncDockerTimeout", "600");
        project.WriteFile("a.txt", "a\n");
        using WatchProcess build = await project.StartBuildAsync("-t:SyncToContainer", "-v:n");

        using Socket connection = await silent.AcceptSocketAsync(TestContext.Current.CancellationToken);
        string request = ToolCommand().Match(await build.WaitForLineAsync(line => ToolCommand().IsMatch(line), "with the twin's command")).Groups["request"].Value;
        int child = ChildWithArgument(request);
        Assert.True(IsDescendant(child, build.Id), $"filesync-task ({child}) is not a child of the build ({build.Id})");

        build.Interrupt();
        int exitCode = await build.WaitForExitAsync(TimeSpan.FromMinutes(2));

        Assert.NotEqual(0, exitCode);
        Assert.DoesNotContain("FSYNC0032", build.Output, StringComparison.Ordinal); // a cancel is MSBuild's to report, not "ended without saying why"
        Assert.False(Directory.Exists($"/proc/{child}"), $"filesync-task ({child}) outlived the cancelled build");
        connection.ReceiveTimeout = 60_000; // a bound, not a wait: the peer is already gone
        var buffer = new byte[4096];
        while (connection.Receive(buffer) > 0)
        {
            // the request it had sent, then the end: its connection to the engine closed with it
        }
    }

    private static (int Changed, int Deleted, string ShortId) Summary(ProcessResult result)
    {
        SyncSummary summary = SyncSummary.Single(result);
        return (summary.Changed, summary.Deleted, summary.ShortId);
    }

    /// <summary>The running process whose command line has <paramref name="argument"/> (the twin's request file, unique).</summary>
    private static int ChildWithArgument(string argument)
    {
        foreach (string folder in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(folder), out int pid))
            {
                try
                {
                    if (File.ReadAllText(Path.Combine(folder, "cmdline")).Split('\0').Any(arg => arg.EndsWith(argument, StringComparison.Ordinal)))
                    {
                        return pid;
                    }
                }
                catch (IOException)
                {
                    // it ended meanwhile
                }
            }
        }

        throw new Xunit.Sdk.XunitException($"No process has '{argument}' on its command line.");
    }

    private static bool IsDescendant(int pid, int ancestor)
    {
        for (int current = pid; current > 1;)
        {
            string stat = File.ReadAllText($"/proc/{current}/stat");
            current = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
            if (current == ancestor)
            {
                return true;
            }
        }

        return false;
    }
}
