using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>A container whose app was built with static-asset compression on: FSYNC6003 names it, on every sync that
/// sends wwwroot files (it is never remembered as fine).</summary>
public sealed class AspNetPrecompressedImageTests(ReleaseImageFixture app) : IClassFixture<ReleaseImageFixture>
{
    [Fact]
    public async Task A_wwwroot_sync_into_an_app_built_with_compression_warns_FSYNC6003_naming_the_container_each_time()
    {
        for (int round = 0; round < 2; round++)
        {
            app.WriteFile("wwwroot/css/site.css", "/* " + Guid.NewGuid() + " */\n");

            var result = (await app.SyncAsync()).Succeeded();

            string warning = Assert.Single(result.Output.Split('\n').Where(line => line.Contains("warning FSYNC6003:", StringComparison.Ordinal)).Select(line => line.Trim()).Distinct());
            Assert.Contains(app.ContainerName, warning, StringComparison.Ordinal);
            Assert.Contains("/app/WebApp.staticwebassets.endpoints.json", warning, StringComparison.Ordinal);
        }
    }
}
