using System.Text.Json;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// FileSyncComposeService against a real engine. The Compose CLI is not installed here, so the containers carry the
/// labels Compose v2 puts on a service's containers (docker/compose pkg/compose/loader.go: project, service, version,
/// working_dir, config_files, oneoff=False; container-number per replica) and on a `docker compose run` container
/// (oneoff=True). Each test's project name is its own, so no other test's container is ever a target.
/// </summary>
public sealed class ComposeTests(PackageFixture package)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_service_syncs_its_replicas_and_neither_a_one_off_container_nor_another_projects_service()
    {
        string run = Guid.NewGuid().ToString("N")[..12];
        string shop = "fsync-e2e-" + run;
        await using var first = await TestContainer.StartAsync(ComposeLabels(shop, "web", replica: 1), ct: Ct);
        await using var second = await TestContainer.StartAsync(ComposeLabels(shop, "web", replica: 2), ct: Ct);
        await using var oneOff = await TestContainer.StartAsync(ComposeLabels(shop, "web", replica: 1, oneOff: true), ct: Ct);
        await using var otherProject = await TestContainer.StartAsync(ComposeLabels("fsync-e2e-other-" + run, "web", replica: 1), ct: Ct);
        await using var otherService = await TestContainer.StartAsync(ComposeLabels(shop, "worker", replica: 1), ct: Ct);
        using var project = new ConsumerProject(package, "compose")
            .Rule("wwwroot/**/*", dest: "wwwroot", strip: "wwwroot/")
            .Property("FileSyncComposeService", "web")
            .Property("FileSyncComposeProject", shop);
        project.WriteFile("wwwroot/site.css", "body { color: red }\n");

        var result = (await project.SyncAsync()).Succeeded();

        IReadOnlyList<SyncSummary> summaries = SyncSummary.All(result.Output);
        Assert.Equal(new[] { first.Id[..12], second.Id[..12] }.Order(StringComparer.Ordinal), summaries.Select(summary => summary.ShortId).Order(StringComparer.Ordinal));
        Assert.All(summaries, summary => Assert.Equal((1, 0), (summary.Changed, summary.Deleted)));
        Assert.Equal("body { color: red }\n", await InContainer.CatAsync(first.Id, "/app/wwwroot/site.css"));
        Assert.Equal("body { color: red }\n", await InContainer.CatAsync(second.Id, "/app/wwwroot/site.css"));
        foreach (TestContainer untouched in (TestContainer[])[oneOff, otherProject, otherService])
        {
            Assert.False(await InContainer.ExistsAsync(untouched.Id, "/app/wwwroot/site.css"), $"{untouched.Name} is not a target");
        }

        // The plan as items, as SDK 8+ prints them: one copy per replica, each with its destination and instance.
        project.WriteFile("wwwroot/site.css", "body { color: blue }\n");
        var planned = (await project.SyncAsync("-getItem:FileSyncPlanned")).Succeeded();

        Assert.Equal(
            new[] { first.Name, second.Name }.Select(name => $"wwwroot/site.css -> /app/wwwroot/site.css (copy) docker {name}").Order(StringComparer.Ordinal),
            PlannedItems(planned).Select(item => $"{item.Include} -> {item.Destination} ({item.Operation}) {item.Instance[..item.Instance.LastIndexOf(" (", StringComparison.Ordinal)]}").Order(StringComparer.Ordinal));
        Assert.Equal("body { color: blue }\n", await InContainer.CatAsync(first.Id, "/app/wwwroot/site.css"));
        Assert.Equal("body { color: blue }\n", await InContainer.CatAsync(second.Id, "/app/wwwroot/site.css"));
    }

    [Fact]
    public async Task The_project_name_is_the_compose_files_folder_normalised_as_Compose_does()
    {
        // The folder holding compose.yaml is "Compose_Shop-<8 hex>"; Compose names the project "compose_shop-<8 hex>".
        using var project = new ConsumerProject(package, "Compose_Shop", subfolder: "src/Web")
            .Rule("appsettings.json", dest: ".")
            .Property("FileSyncComposeService", "web");
        File.WriteAllText(Path.Combine(project.Root, "compose.yaml"), "services:\n  web:\n    build: ./src/Web\n");
        project.WriteFile("appsettings.json", "{ \"compose\": true }\n");
        string derived = Path.GetFileName(project.Root).ToLowerInvariant();
        var withoutName = new Dictionary<string, string?>(ConsumerProject.WithoutCi) { ["COMPOSE_PROJECT_NAME"] = null };

        // Nothing running yet: the error names the service, the derived project and where the name came from.
        var missing = (await project.BuildAsync(["-t:SyncToContainer"], withoutName)).Failed();
        string error = Assert.Single(missing.Output.Split('\n').Where(line => line.Contains("error FSYNC0019:", StringComparison.Ordinal)).Distinct());
        Assert.Contains($"service 'web' in project '{derived}'", error, StringComparison.Ordinal);
        Assert.Contains(Path.Combine(project.Root, "compose.yaml"), error, StringComparison.Ordinal);

        await using var web = await TestContainer.StartAsync(ComposeLabels(derived, "web", replica: 1), ct: Ct);
        await using var otherCase = await TestContainer.StartAsync(ComposeLabels(Path.GetFileName(project.Root), "web", replica: 1), ct: Ct);
        var result = (await project.BuildAsync(["-t:SyncToContainer"], withoutName)).Succeeded();

        Assert.Equal(web.Id[..12], SyncSummary.Single(result).ShortId);
        Assert.Equal("{ \"compose\": true }\n", await InContainer.CatAsync(web.Id, "/app/appsettings.json"));
        Assert.False(await InContainer.ExistsAsync(otherCase.Id, "/app/appsettings.json"));
    }

    /// <summary>The labels Compose v2 sets on a service container (or a `docker compose run` one).</summary>
    private static Dictionary<string, string> ComposeLabels(string project, string service, int replica, bool oneOff = false) => new()
    {
        ["com.docker.compose.project"] = project,
        ["com.docker.compose.service"] = service,
        ["com.docker.compose.oneoff"] = oneOff ? "True" : "False",
        ["com.docker.compose.container-number"] = replica.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["com.docker.compose.version"] = "2.29.7",
        ["com.docker.compose.project.working_dir"] = "/src/" + project,
        ["com.docker.compose.project.config_files"] = "/src/" + project + "/compose.yaml",
    };

    /// <summary>-getItem prints {"Items": {"FileSyncPlanned": [{"Identity": ..., metadata...}]}} on stdout.</summary>
    private static IEnumerable<(string Include, string Destination, string Operation, string Instance)> PlannedItems(ProcessResult result)
    {
        int start = result.Output.IndexOf('{', StringComparison.Ordinal);
        int end = result.Output.LastIndexOf('}');
        Assert.True(start >= 0 && end > start, "no JSON in the output. " + result);
        using var json = JsonDocument.Parse(result.Output[start..(end + 1)]);
        return json.RootElement.GetProperty("Items").GetProperty("FileSyncPlanned").EnumerateArray()
            .Select(item => (item.GetProperty("Identity").GetString()!, item.GetProperty("Destination").GetString()!, item.GetProperty("Operation").GetString()!, item.GetProperty("Instance").GetString()!))
            .ToList();
    }
}
