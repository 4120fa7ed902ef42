using System.Buffers.Binary;
using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// A state file that is garbage, or written by a newer FileSync, is discarded with warning FSYNC3001 and rebuilt: every
/// file is sent again, the container matches, and the rebuilt state makes the following sync up to date.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class DamagedStateTests(PackageFixture package)
{
    /// <summary>The state file starts with the 7-byte magic "FSYNCST", then its format version as an int32, little-endian.</summary>
    private const int VersionOffset = 7;

    [Fact]
    public async Task A_garbage_or_newer_state_is_discarded_with_a_warning_and_everything_is_sent_again()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "damaged-state")
            .Rule("data/**/*", dest: "data", strip: "data/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("data/a.txt", "a\n");
        project.WriteFile("data/sub/b.txt", "b\n");
        project.WriteFile("data/sub/c.bin", [1, 2, 3]);
        const int files = 3;
        (await project.SyncAsync()).Succeeded();
        string state = FaultKit.StateFile(project);
        Assert.Equal("FSYNCST"u8.ToArray(), File.ReadAllBytes(state)[..VersionOffset]);

        File.WriteAllBytes(state, "this is not a FileSync state file, it is garbage"u8.ToArray());
        var afterGarbage = (await project.SyncAsync()).Succeeded();

        Assert.Single(FaultKit.Diagnostics(afterGarbage, "warning", "FSYNC3001"));
        Assert.Equal((files, 0), (SyncSummary.Single(afterGarbage).Changed, SyncSummary.Single(afterGarbage).Deleted));
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/data", project.PathOf("data"));

        byte[] rebuilt = File.ReadAllBytes(state);
        BinaryPrimitives.WriteInt32LittleEndian(rebuilt.AsSpan(VersionOffset, 4), 99);
        File.WriteAllBytes(state, rebuilt);
        var afterNewer = (await project.SyncAsync()).Succeeded();

        string warning = Assert.Single(FaultKit.Diagnostics(afterNewer, "warning", "FSYNC3001"));
        Assert.Contains("newer FileSync", warning, StringComparison.Ordinal);
        Assert.Equal((files, 0), (SyncSummary.Single(afterNewer).Changed, SyncSummary.Single(afterNewer).Deleted));
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/data", project.PathOf("data"));

        var settled = (await project.SyncAsync()).Succeeded();

        Assert.True(SyncSummary.Single(settled).UpToDate, "The rebuilt state is sound: nothing left to send. " + settled);
        Assert.Empty(FaultKit.Diagnostics(settled, "warning", "FSYNC3001"));
    }
}
