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
    }

    private async Task<string> StartedAtAsync() =>
        (await DockerCli.RunCheckedAsync(["inspect", "-f", "{{.State.StartedAt}}", app.ContainerId], Ct)).Trim();
}
