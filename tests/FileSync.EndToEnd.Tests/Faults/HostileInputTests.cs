using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// Hostile rules and sources through the real package into a real container: each gives its coded error or warning, and
/// nothing lands anywhere it should not (checked by a marker in every file name, searched across the container's own
/// file system).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class HostileInputTests(PackageFixture package, SharedContainer shared) : IClassFixture<SharedContainer>
{
    private const string LongPathToken = "{over 4096 bytes}";
    private const string OutsideToken = "{outside}";

    /// <summary>Sentence; the hostile rule's Include, Dest and Strip; the code it must give (null: the build succeeds).</summary>
    public static TheoryData<string, string, string, string?, string?> Rules => new()
    {
        { "a Dest climbing out with '..' fails and sends nothing", "h/*", "../../etc", null, "FSYNC1002" },
        { "an absolute Strip fails and sends nothing", "h/*", "hostile", "/abs", "FSYNC1003" },
        { "a Strip climbing out with '..' fails and sends nothing", "h/*", "hostile", "../x", "FSYNC1003" },
        { "a destination over 4,096 bytes fails and sends nothing", "h/*", LongPathToken, null, "FSYNC1009" },
        { "a '**' glued to a name is a pattern MSBuild cannot expand: it fails and sends nothing", "h/**x/*.txt", "hostile", null, "FSYNC1004" },
        { "a file outside the context fails and sends nothing", "../" + OutsideToken + "/*.txt", "hostile", null, "FSYNC1005" },
        { "an Include that matches nothing succeeds and sends only the other rule's file", "h/**/*.none", "hostile", null, null },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public async Task A_hostile_rule_gives_its_code_and_nothing_lands_where_it_should_not(string sentence, string include, string dest, string? strip, string? code)
    {
        string marker = "m" + Guid.NewGuid().ToString("N")[..12];
        using var project = new ConsumerProject(package, "hostile-rule");
        string outside = project.Directory + "-outside";
        try
        {
            Directory.CreateDirectory(outside);
            File.WriteAllText(Path.Combine(outside, $"h-{marker}.txt"), "outside\n");
            project.WriteFile($"h/h-{marker}.txt", "hostile\n");
            project.WriteFile($"ok/ok-{marker}.txt", "innocent\n");
            project
                .Rule(include.Replace(OutsideToken, Path.GetFileName(outside), StringComparison.Ordinal), Expand(dest), strip)
                .Rule("ok/*", dest: "ok", strip: "ok/")
                .Property("FileSyncContainer", shared.Container.Name);

            var result = await project.SyncAsync();

            string[] landed = await FindInContainerAsync(marker);
            if (code is null)
            {
                Assert.True(result.ExitCode == 0, $"{sentence}: the build failed. {result}");
                Assert.DoesNotContain("error FSYNC", result.Output, StringComparison.Ordinal);
                Assert.Equal(1, SyncSummary.Single(result).Changed);
                Assert.Equal([$"/app/ok/ok-{marker}.txt"], landed);
            }
            else
            {
                Assert.True(result.ExitCode != 0, $"{sentence}: the build succeeded. {result}");
                Assert.Single(FaultKit.Diagnostics(result, "error", code));
                Assert.Empty(SyncSummary.All(result.Output));
                Assert.Empty(landed);
            }
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    [Fact]
    public async Task Links_leading_out_of_the_context_are_warned_about_and_never_carry_their_content()
    {
        string marker = "m" + Guid.NewGuid().ToString("N")[..12];
        string destination = "/app/links-" + Guid.NewGuid().ToString("N")[..8];
        using var project = new ConsumerProject(package, "hostile-links")
            .Rule("tree/**/*", dest: destination, strip: "tree/")
            .Property("FileSyncContainer", shared.Container.Name);
        string outside = project.Directory + "-outside";
        try
        {
            File.WriteAllText(Path.Combine(Directory.CreateDirectory(outside).FullName, $"secret-{marker}.txt"), "secret\n");
            project.WriteFile($"tree/a-{marker}.txt", "inside\n");
            File.CreateSymbolicLink(project.PathOf("tree/passwd"), "/etc/passwd");
            File.CreateSymbolicLink(project.PathOf("tree/out"), outside);

            var result = (await project.SyncAsync()).Succeeded();

            IReadOnlyList<string> warnings = FaultKit.Diagnostics(result, "warning", "FSYNC1006");
            Assert.Equal(2, warnings.Count);
            Assert.Single(warnings, warning => warning.Contains(project.PathOf("tree/passwd"), StringComparison.Ordinal));
            Assert.Single(warnings, warning => warning.Contains($"secret-{marker}.txt", StringComparison.Ordinal));
            Assert.Equal(1, SyncSummary.Single(result).Changed);
            Assert.False(await InContainer.ExistsAsync(shared.Container.Id, destination + "/passwd"));
            Assert.False(await InContainer.ExistsAsync(shared.Container.Id, destination + "/out"));
            Assert.Equal([$"{destination}/a-{marker}.txt"], await FindInContainerAsync(marker));
            await FaultKit.AssertContainerMatchesAsync(shared.Container.Id, destination, project.PathOf("tree"));
            string passwd = FaultKit.Md5Of("/etc/passwd");
            Assert.DoesNotContain(passwd, (await InContainer.Md5sumsAsync(shared.Container.Id, destination)).Values);
        }
        finally
        {
            Directory.Delete(outside, recursive: true);
        }
    }

    private static string Expand(string dest) => dest switch
    {
        // 21 folders of 200 bytes: every name within 255 bytes, the whole path 4,221 bytes.
        LongPathToken => "/" + string.Join('/', Enumerable.Repeat(new string('d', 200), 21)),
        _ => dest,
    };

    /// <summary>Every path in the container's own file system (not /proc, /sys or bind mounts) whose name holds the marker.</summary>
    private async Task<string[]> FindInContainerAsync(string marker) =>
        [.. (await InContainer.ExecAsync(shared.Container.Id, "find", "/", "-xdev", "-name", "*" + marker + "*"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries).Order(StringComparer.Ordinal)];
}
