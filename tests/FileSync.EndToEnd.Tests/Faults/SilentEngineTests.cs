using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// A FileSyncDockerHost that takes the connection and never answers (its backlog accepts it, nobody reads) used to hang the
/// build forever: now the build fails with FSYNC2021 naming the endpoint and the bound FileSyncDockerTimeout set.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SilentEngineTests(PackageFixture package)
{
    [Fact]
    public async Task A_build_against_an_endpoint_that_never_answers_fails_with_the_response_timeout()
    {
        using var silent = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        silent.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        silent.Listen(); // connections complete in the kernel's backlog; nothing ever reads or answers
        string endpoint = "tcp://127.0.0.1:" + ((IPEndPoint)silent.LocalEndPoint!).Port;
        using var project = new ConsumerProject(package, "silent-engine").Rule("a.txt", dest: "www");
        project.WriteFile("a.txt", "a\n");

        var result = await project.SyncAsync("-p:FileSyncContainer=web", $"-p:FileSyncDockerHost={endpoint}", "-p:FileSyncDockerTimeout=2");

        Assert.True(result.ExitCode != 0, $"the build succeeded. {result}");
        string error = Assert.Single(FaultKit.Diagnostics(result, "error", "FSYNC2021"));
        Assert.Contains($"at '{endpoint}' did not answer 'GET /containers/web/json' within 2 s", error, StringComparison.Ordinal);
        Assert.DoesNotContain("MSB4018", result.Output, StringComparison.Ordinal);
        Assert.Empty(SyncSummary.All(result.Output));
    }

    [Fact]
    public async Task A_timeout_that_is_not_a_number_of_seconds_fails_with_FSYNC2024()
    {
        using var project = new ConsumerProject(package, "bad-timeout").Rule("a.txt", dest: "www");
        project.WriteFile("a.txt", "a\n");

        var result = await project.SyncAsync("-p:FileSyncContainer=web", "-p:FileSyncDockerTimeout=5min");

        Assert.True(result.ExitCode != 0, $"the build succeeded. {result}");
        string error = Assert.Single(FaultKit.Diagnostics(result, "error", "FSYNC2024"));
        Assert.Contains("'5min'", error, StringComparison.Ordinal);
    }
}
