using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>Mistakes and unreachable targets fail the build with a coded error naming the culprit (or warn, when nothing is configured).</summary>
public sealed class ErrorsTests(PackageFixture package)
{
    private const string MissingContainer = "filesync-e2e-no-such-container";

    public static TheoryData<string, string?, string[], string, bool, string> Cases => new()
    {
        { "a container that does not exist fails with its name", "www", [$"-p:FileSyncContainer={MissingContainer}"], "FSYNC2002", true, MissingContainer },
        { "an unreachable Docker endpoint fails and names it", "www", ["-p:FileSyncContainer=web", "-p:FileSyncDockerHost=unix:///nonexistent/docker.sock"], "FSYNC2001", true, "/nonexistent/docker.sock" },
        { "a rule without Dest fails and names the rule", null, [$"-p:FileSyncContainer={MissingContainer}"], "FSYNC1001", true, "a.txt" },
        { "a Dest with '..' fails and names the Dest", "www/../../etc", [$"-p:FileSyncContainer={MissingContainer}"], "FSYNC1002", true, "www/../../etc" },
        { "no container, selector, image or folder only warns", "www", [], "FSYNC0001", false, "FileSyncContainer" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Reports_a_coded_diagnostic(string because, string? dest, string[] arguments, string code, bool isError, string named)
    {
        using var project = new ConsumerProject(package, "errors").Rule("a.txt", dest);
        project.WriteFile("a.txt", "a\n");

        var result = await project.SyncAsync(arguments);

        Assert.True(isError ? result.ExitCode != 0 : result.ExitCode == 0, $"{because}: unexpected exit code. {result}");
        string diagnostic = Assert.Single(DiagnosticLines(result, code).Distinct());
        Assert.Contains((isError ? "error " : "warning ") + code + ":", diagnostic, StringComparison.Ordinal);
        Assert.Contains(named, diagnostic, StringComparison.Ordinal);
        Assert.Empty(SyncSummary.All(result.Output));
    }

    [Fact]
    public async Task A_stopped_container_fails_with_FSYNC2003()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        await DockerCli.RunCheckedAsync(["stop", "-t", "0", container.Id], TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "errors-stopped")
            .Rule("a.txt", "www")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("a.txt", "a\n");

        var result = (await project.SyncAsync()).Failed();

        string diagnostic = Assert.Single(DiagnosticLines(result, "FSYNC2003").Distinct());
        Assert.Contains("error FSYNC2003:", diagnostic, StringComparison.Ordinal);
        Assert.Contains(container.Name, diagnostic, StringComparison.Ordinal);
    }

    /// <summary>The lines carrying the code, without the project suffix MSBuild adds (the summary at the end repeats them).</summary>
    private static IEnumerable<string> DiagnosticLines(ProcessResult result, string code) =>
        result.Output.Split('\n')
            .Where(line => line.Contains(code, StringComparison.Ordinal))
            .Select(line => line.Trim())
            .Select(line => line.EndsWith(']') && line.LastIndexOf(" [", StringComparison.Ordinal) is int bracket and > 0 ? line[..bracket] : line);
}
