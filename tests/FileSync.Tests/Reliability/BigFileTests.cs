using System.Runtime.Versioning;
using FileSync.Planning;
using FileSync.Targets;
using FileSync.Tests.Core;

namespace FileSync.Tests.Reliability;

/// <summary>Runs alone: it measures the bytes the whole process allocates while it syncs.</summary>
[CollectionDefinition(nameof(AllocationMeasurement), DisableParallelization = true)]
public sealed class AllocationMeasurement;

/// <summary>A 1 GB file is streamed, never held in memory: what the sync allocates stays far below the file's size.</summary>
[UnsupportedOSPlatform("windows")]
[Collection(nameof(AllocationMeasurement))]
public sealed class BigFileTests : IDisposable
{
    private const long Size = 1L << 30;
    private const long AllocationBudget = 64L * 1024 * 1024;
    private const int Window = 64 * 1024;

    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_1_GB_file_streams_to_a_folder_with_allocations_far_below_its_size()
    {
        string context = _temp.Folder("ctx");
        string root = _temp.Folder("root");
        string source = Path.Combine(context, "big.bin");
        // Sparse: costs no disk, reads as zeros, with random blocks at the start, in the middle and at the end.
        long[] marked = [0, (Size / 2) + 12_345, Size - Window];
        var random = new Random(8);
        await using (var file = new FileStream(source, FileMode.CreateNew, FileAccess.Write))
        {
            file.SetLength(Size);
            byte[] block = new byte[Window];
            foreach (long offset in marked)
            {
                random.NextBytes(block);
                file.Position = offset;
                await file.WriteAsync(block, Ct);
            }
        }

        IReadOnlyList<SourceFile> sources = new SourceScanner(context, _log).Scan([new SyncItem("big.bin", source, "/data", null)]);
        var target = new DirectoryTarget(root, "/app", null);
        var options = new SyncOptions(_temp.Combine("obj/filesync"));
        var syncer = new Syncer(_log);

        long before = GC.GetTotalAllocatedBytes(precise: true);
        SyncOutcome outcome = await syncer.SyncOneAsync(sources, target, options, Ct);
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        TestContext.Current.TestOutputHelper?.WriteLine($"Syncing {Size:N0} bytes allocated {allocated:N0} bytes.");
        Assert.Equal((1, Size), (outcome.Copied, outcome.Bytes));
        Assert.True(allocated < AllocationBudget, $"Syncing a {Size:N0}-byte file allocated {allocated:N0} bytes; the budget is {AllocationBudget:N0}.");
        string copy = Path.Combine(root, "data", "big.bin");
        Assert.Equal(Size, new FileInfo(copy).Length);
        foreach (long offset in (long[])[.. marked, 4096 * 7, Size / 3, Size - (2 * Window)])
        {
            Assert.True(ReadWindow(source, offset).AsSpan().SequenceEqual(ReadWindow(copy, offset)), $"The copy differs from the source in the {Window} bytes at {offset:N0}.");
        }

        Assert.Equal(0, (await syncer.SyncOneAsync(new SourceScanner(context, _log).Scan([new SyncItem("big.bin", source, "/data", null)]), target, options, Ct)).Copied);
        Assert.Empty(_log.Codes);
    }

    private static byte[] ReadWindow(string path, long offset)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
        byte[] window = new byte[Window];
        file.Position = offset;
        file.ReadExactly(window);
        return window;
    }
}
