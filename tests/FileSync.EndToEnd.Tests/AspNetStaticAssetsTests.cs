using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// The SDK's own <c>webapp</c> template, published as a dev image (build/aspnet-image.sh --dev) on the chiseled-like
/// base and run with <c>--network host</c>: after a sync, <c>MapStaticAssets</c> must serve exactly the new bytes of an
/// edited wwwroot file (bigger, then smaller) and a new file, plain, gzip and as a browser asks.
/// </summary>
public sealed class AspNetStaticAssetsTests(AspNetAppFixture app) : IClassFixture<AspNetAppFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>How each answer is asked for: plain, gzip, and the Accept-Encoding every browser sends.</summary>
    private static readonly (string How, string? AcceptEncoding)[] Encodings =
    [
        ("plain (no Accept-Encoding)", null),
        ("gzip", "gzip"),
        ("as a browser asks", "gzip, deflate, br, zstd"),
    ];

    [Fact]
    public async Task An_edited_and_a_new_wwwroot_file_are_served_with_exactly_the_new_bytes_in_every_encoding()
    {
        string original = File.ReadAllText(app.PathOf("wwwroot/css/site.css"));
        await app.ReadyAsync(Ct);

        string bigger = original + "\n/* synced by FileSync: bigger than before */\nbody { color: rebeccapurple; }\n";
        app.WriteFile("wwwroot/css/site.css", bigger);
        app.WriteFile("wwwroot/js/new.js", "console.log('added by a sync');\n");
        NoStaticAssetWarning((await app.SyncAsync()).Succeeded());
        await AssertServedAsync("/css/site.css", bigger);
        await AssertServedAsync(await LinkedStylesheetAsync(), bigger); // the fingerprinted URL the page links, what a browser loads
        await AssertServedAsync("/js/new.js", "console.log('added by a sync');\n");

        string smaller = "body { margin: 0; }\n";
        app.WriteFile("wwwroot/css/site.css", smaller);
        NoStaticAssetWarning((await app.SyncAsync()).Succeeded());
        await AssertServedAsync("/css/site.css", smaller);
    }

    [Fact]
    public async Task A_wwwroot_sync_from_a_build_not_prepared_for_static_assets_warns_FSYNC6001_once()
    {
        app.WriteFile("wwwroot/css/site.css", "/* " + Guid.NewGuid() + " */\n");

        var result = (await app.SyncAsync("-p:FileSyncStaticWebAssets=off")).Succeeded();

        string warning = Assert.Single(Warnings(result, "FSYNC6001"));
        Assert.Contains(app.ContainerName, warning, StringComparison.Ordinal);
        Assert.Contains("ASPNETCORE_ReloadStaticAssetsAtRuntime=true", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wwwroot_sync_into_a_container_running_without_the_runtime_reload_warns_FSYNC6002_naming_it()
    {
        await using var other = await app.StartContainerAsync(["-e", "ASPNETCORE_ReloadStaticAssetsAtRuntime=false"]);
        app.WriteFile("wwwroot/css/site.css", "/* " + Guid.NewGuid() + " */\n");

        var result = (await app.SyncAsync("-p:FileSyncContainer=" + other.Name)).Succeeded();

        string warning = Assert.Single(Warnings(result, "FSYNC6002"));
        Assert.Contains(other.Name, warning, StringComparison.Ordinal);
        Assert.Empty(Warnings(result, "FSYNC6001"));
    }

    /// <summary>The page's link to site.css: MapStaticAssets fingerprints it (e.g. /css/site.b9sayid5wm.css).</summary>
    private async Task<string> LinkedStylesheetAsync()
    {
        string page = await app.GetAsync("/", null, Ct);
        var link = System.Text.RegularExpressions.Regex.Match(page, "href=\"(/css/site[^\"]*\\.css)\"");
        Assert.True(link.Success, "the home page links css/site.css");
        return link.Groups[1].Value;
    }

    private static void NoStaticAssetWarning(ProcessResult result) =>
        Assert.DoesNotContain("warning FSYNC600", result.Output, StringComparison.Ordinal);

    private static List<string> Warnings(ProcessResult result, string code) =>
        result.Output.Split('\n').Where(line => line.Contains($"warning {code}:", StringComparison.Ordinal)).Select(line => line.Trim()).Distinct().ToList();

    private async Task AssertServedAsync(string path, string expected)
    {
        foreach ((string how, string? acceptEncoding) in Encodings)
        {
            string served = await app.GetAsync(path, acceptEncoding, Ct);
            Assert.True(expected == served, $"GET {path} {how}: expected the {expected.Length} synced bytes, the app served {served.Length}: {served[..Math.Min(120, served.Length)]}");
        }
    }
}
