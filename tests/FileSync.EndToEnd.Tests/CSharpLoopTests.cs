using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// Issue 7's C# loop, end to end: a minimal ASP.NET Core app runs as <c>dotnet filesync-launcher.dll Consumer.dll</c>
/// in a chiseled-like container (ASP.NET Core runtime, no shell, no rm, no tar, user 1654); a C# edit and a plain
/// <c>dotnet build</c> sync the new assembly and restart the app's process, and the same container answers the new
/// code over HTTP. Also: FileSyncOutputDest is where FileSync looks for the launcher.
/// </summary>
public sealed class CSharpLoopTests(PackageFixture package)
{
    private const string Output = "bin/Debug/net10.0";
    private const string RestartLine = "filesync-launcher: restarting Consumer.dll (files synced: ";

    /// <summary>How long a (re)started app may take to listen: a bound for polling, never a wait of its own.</summary>
    private static readonly TimeSpan ListenBound = TimeSpan.FromMinutes(1);

    private static string Program(string version) => $$"""
        using Microsoft.AspNetCore.Builder;
        using Microsoft.AspNetCore.Http;

        var app = WebApplication.CreateBuilder(args).Build();
        app.MapGet("/api/version", () => "{{version}}");
        app.Run();
        """;

    private ConsumerProject WebApp(string name, string? outputDest = null)
    {
        var project = new ConsumerProject(package, name) { Sdk = "Microsoft.NET.Sdk.Web" }
            .Property("FileSyncIncludeBuildOutput", "true")
            .Property("FileSyncLauncher", "true")
            .Element(new XElement("ItemGroup", new XElement("FileSyncAction", new XAttribute("Include", "process"), new XAttribute("Match", "**/*.dll"))));
        if (outputDest is not null)
        {
            project.Property("FileSyncOutputDest", outputDest);
        }

        project.WriteFile("Program.cs", Program("v1"));
        return project;
    }

    [Fact]
    public async Task A_CSharp_edit_and_dotnet_build_make_the_same_container_answer_the_new_code_and_a_no_op_build_restarts_nothing()
    {
        using var project = WebApp("csharp-loop");
        (await project.BuildAsync([])).Succeeded();
        int port = FreePort();
        using var http = Client(port);
        await using var app = await ChiseledApp.StartAsync(ChiseledApp.AspNetImage, ["--network", "host", "-e", $"ASPNETCORE_URLS=http://127.0.0.1:{port}"], "/app",
            project.PathOf(Output), ["filesync-launcher.dll", "Consumer.dll"]);
        Assert.Equal("v1", await FirstAnswerAsync(http, app));
        string started = await app.StartedAtAsync();

        // The C# edit; `dotnet build` compiles, syncs the outputs, and restarts the app's process through the launcher.
        project.Property("FileSyncContainer", app.Name);
        project.WriteFile("Program.cs", Program("v2"));
        var build = (await project.BuildAsync([], ConsumerProject.WithoutCi)).Succeeded();

        Assert.Contains("FileSync: process (", build.Output, StringComparison.Ordinal);
        Assert.Equal("v2", await FirstAnswerAsync(http, app)); // the old process is gone once the build returns
        Assert.Equal(app.Id, (await DockerCli.RunCheckedAsync(["inspect", "-f", "{{.Id}}", app.Name], TestContext.Current.CancellationToken)).Trim());
        Assert.Equal(started, await app.StartedAtAsync()); // the container never restarted
        var synced = (await app.ReadAsync("/app/Consumer.dll"))!.Value;
        Assert.Equal(File.ReadAllBytes(project.PathOf(Output + "/Consumer.dll")), synced.Content);
        Assert.Equal((1654, 1654), (synced.Uid, synced.Gid));
        string restart = Assert.Single(await app.LogAsync(), line => line.StartsWith(RestartLine, StringComparison.Ordinal));
        Assert.Contains("/app/Consumer.dll", restart, StringComparison.Ordinal);

        // Nothing changed: nothing is sent, nothing restarts.
        var noOp = (await project.BuildAsync([], ConsumerProject.WithoutCi)).Succeeded();
        Assert.DoesNotContain(SyncSummary.All(noOp.Output), summary => !summary.UpToDate);
        Assert.DoesNotContain("FileSync: process (", noOp.Output, StringComparison.Ordinal);
        Assert.Equal("v2", await FirstAnswerAsync(http, app));
        Assert.Single(await app.LogAsync(), line => line.StartsWith(RestartLine, StringComparison.Ordinal));
        Assert.Equal(started, await app.StartedAtAsync());
    }

    [Fact]
    public async Task The_launcher_is_found_in_FileSyncOutputDest_when_the_app_is_not_in_the_working_directory()
    {
        using var project = WebApp("output-dest", outputDest: "/srv/app");
        (await project.BuildAsync([])).Succeeded();
        int port = FreePort();
        using var http = Client(port);
        // The image's WORKDIR stays /app (empty): the app and its launcher are in /srv/app.
        await using var app = await ChiseledApp.StartAsync(ChiseledApp.AspNetImage, ["--network", "host", "-e", $"ASPNETCORE_URLS=http://127.0.0.1:{port}"], "/srv/app",
            project.PathOf(Output), ["/srv/app/filesync-launcher.dll", "/srv/app/Consumer.dll"]);
        Assert.Equal("v1", await FirstAnswerAsync(http, app));

        project.Property("FileSyncContainer", app.Name);
        project.WriteFile("Program.cs", Program("v2"));
        var build = (await project.BuildAsync([], ConsumerProject.WithoutCi)).Succeeded();

        Assert.DoesNotContain("FSYNC5007", build.Output, StringComparison.Ordinal);
        Assert.Equal("v2", await FirstAnswerAsync(http, app));
        Assert.Equal(File.ReadAllBytes(project.PathOf(Output + "/Consumer.dll")), (await app.ReadAsync("/srv/app/Consumer.dll"))!.Value.Content);
        Assert.Null(await app.ReadAsync("/app/Consumer.dll"));
        string restart = Assert.Single(await app.LogAsync(), line => line.StartsWith("filesync-launcher: restarting /srv/app/Consumer.dll (files synced: ", StringComparison.Ordinal));
        Assert.Contains("/srv/app/Consumer.dll", restart, StringComparison.Ordinal);
    }

    /// <summary>A new connection per request: a pooled one would outlive the process that accepted it.</summary>
    private static HttpClient Client(int port)
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        http.DefaultRequestHeaders.ConnectionClose = true;
        return http;
    }

    /// <summary>A port nothing listens on now (the container, on the host's network, binds it next).</summary>
    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// GET /api/version, retried only while nothing listens yet (a connection refused), within <see cref="ListenBound"/>;
    /// the first answer is returned whatever it says.
    /// </summary>
    private static async Task<string> FirstAnswerAsync(HttpClient http, ChiseledApp app)
    {
        DateTime bound = DateTime.UtcNow + ListenBound;
        while (true)
        {
            try
            {
                HttpResponseMessage response = await http.GetAsync("/api/version", TestContext.Current.CancellationToken);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"/api/version answered {(int)response.StatusCode}");
                return await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            }
            catch (HttpRequestException e) when (e.HttpRequestError == HttpRequestError.ConnectionError && DateTime.UtcNow < bound)
            {
                if (!(await app.StartedAtAsync()).EndsWith(" true", StringComparison.Ordinal))
                {
                    Assert.Fail($"The container {app.Name} stopped:\n{string.Join('\n', await app.LogAsync())}");
                }

                await Task.Delay(TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken); // the poll's interval
            }
        }
    }
}
