using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// The sample's own loop (README "ASP.NET Core", build/demo.sh): samples/aspnet in its chiseled-like dev container
/// started through the launcher; a wwwroot edit and <c>-t:SyncToContainer</c>, then a C# edit and a plain
/// <c>dotnet build</c>, each change the app's HTTP answer, in the same container.
/// </summary>
public sealed class AspNetSampleTests(AspNetSampleFixture app) : IClassFixture<AspNetSampleFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_wwwroot_edit_and_a_CSharp_edit_change_the_samples_answers_in_the_same_container()
    {
        await app.ReadyAsync(Ct);
        (await app.SyncAsync()).Succeeded(); // the first sync sends everything and restarts the app once
        await app.ReadyAsync(Ct);
        Assert.Equal("v1", await app.GetAsync("/api/version", null, Ct));
        string started = await StartedAtAsync();

        string css = File.ReadAllText(app.PathOf("wwwroot/css/site.css")) + "\n/* edited by AspNetSampleTests */\n";
        app.WriteFile("wwwroot/css/site.css", css);
        (await app.SyncAsync()).Succeeded();
        Assert.Equal(css, await app.GetAsync("/css/site.css", "gzip, deflate, br, zstd", Ct));

        string program = File.ReadAllText(app.PathOf("Program.cs"));
        Assert.Contains("Text = \"v1\"", program, StringComparison.Ordinal);
        app.WriteFile("Program.cs", program.Replace("Text = \"v1\"", "Text = \"v2\"", StringComparison.Ordinal));
        var build = (await app.BuildAsync([], withoutCi: true)).Succeeded();
        Assert.Contains("FileSync: process (", build.Output, StringComparison.Ordinal);

        await app.ReadyAsync(Ct); // the old process was stopped before the build returned: only the new one answers
        Assert.Equal("v2", await app.GetAsync("/api/version", null, Ct));
        Assert.Equal(css, await app.GetAsync("/css/site.css", "gzip, deflate, br, zstd", Ct)); // the restart kept the synced file
        Assert.Equal(started, await StartedAtAsync()); // the same container: never restarted
        Assert.Contains("filesync-launcher: restarting /app/AspNetSample.dll (files synced: ", await app.LogAsync(Ct), StringComparison.Ordinal);
        Assert.False(await ExistsAsync("/app/AspNetSample.staticwebassets.runtime.json")); // build-only host paths: never synced

        // Outputs turned off, then the launcher: the sync deletes neither the app nor the entrypoint it runs.
        (await app.BuildAsync(["-p:FileSyncIncludeBuildOutput=false"], withoutCi: true)).Succeeded();
        app.WriteFile("Program.cs", program.Replace("Text = \"v1\"", "Text = \"v3\"", StringComparison.Ordinal));
        var noLauncher = (await app.BuildAsync(["-p:FileSyncLauncher=false"], withoutCi: true)).Succeeded();
        Assert.DoesNotContain("FSYNC5004", noLauncher.Output, StringComparison.Ordinal);
        Assert.True(await ExistsAsync("/app/AspNetSample.dll"));
        Assert.True(await ExistsAsync("/app/filesync-launcher.dll"));
        await app.ReadyAsync(Ct);
        Assert.Equal("v3", await app.GetAsync("/api/version", null, Ct));

        // A Release build (static-asset compression on): its endpoints manifest would make the dev container answer
        // browsers with empty bodies; it is left out with FSYNC6004 and the page is still served.
        app.WriteFile("Program.cs", program.Replace("Text = \"v1\"", "Text = \"v4\"", StringComparison.Ordinal));
        var release = (await app.BuildAsync(["-c", "Release"], withoutCi: true)).Succeeded();
        Assert.Contains("FSYNC6004", release.Output, StringComparison.Ordinal);
        await app.ReadyAsync(Ct);
        Assert.Equal("v4", await app.GetAsync("/api/version", null, Ct));
        Assert.Equal(css, await app.GetAsync("/css/site.css", "gzip, deflate, br, zstd", Ct));
    }

    /// <summary>docker cp out of the container: the engine's own look at its file system (the image has no shell).</summary>
    private async Task<bool> ExistsAsync(string path)
    {
        string copy = Path.Combine(Path.GetTempPath(), "filesync-sample-" + Guid.NewGuid().ToString("N"));
        try
        {
            return (await DockerCli.RunAsync(["cp", app.ContainerId + ":" + path, copy], Ct)).ExitCode == 0;
        }
        finally
        {
            File.Delete(copy);
        }
    }

    private async Task<string> StartedAtAsync() =>
        (await DockerCli.RunCheckedAsync(["inspect", "-f", "{{.State.StartedAt}}", app.ContainerId], Ct)).Trim();
}
