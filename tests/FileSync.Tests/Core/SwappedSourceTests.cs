using System.Formats.Tar;
using System.Runtime.Versioning;
using System.Text;
using FileSync.Archive;
using FileSync.Planning;
using FileSync.State;

namespace FileSync.Tests.Core;

/// <summary>
/// Time of check vs time of use: whatever is swapped in between the scan (which checks for links) and the archive
/// (which reads) never carries content from outside the context. The swap happens after planning and before writing,
/// exactly as a user racing a long upload would do it.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SwappedSourceTests : IDisposable
{
    private const string Secret = "SECRET-FROM-OUTSIDE-THE-CONTEXT";
    private static readonly DateTime Mtime = new(2024, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();

    public SwappedSourceTests()
    {
        _temp.Write("outside/secret.txt", Secret, Mtime);
        _temp.Write("outside/sub/z.txt", Secret, Mtime);
        _temp.Write("ctx/a.txt", "plain a", Mtime);
        _temp.Write("ctx/z.txt", new string('z', Secret.Length), Mtime);
        _temp.Write("ctx/sub/z.txt", new string('z', Secret.Length), Mtime);
        _temp.Write("ctx/real/page.txt", "page", Mtime);
        Directory.CreateSymbolicLink(_temp.Combine("ctx/alias"), "real");
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SyncPlan Plan(params string[] relatives)
    {
        var items = relatives.Select(r => new SyncItem(r, _temp.Combine("ctx/" + r), "/app", null));
        IReadOnlyList<SourceFile> sources = new SourceScanner(_temp.Combine("ctx"), _log).Scan(items);
        Assert.Equal(relatives.Length, sources.Count);
        return Planner.Plan(sources, SyncState.Empty("test"), "/", resendAll: false, _log);
    }

    private async Task<(ArchiveResult Result, Dictionary<string, string> Files)> WriteAsync(SyncPlan plan)
    {
        using var output = new MemoryStream();
        ArchiveResult result = await ArchiveWriter.WriteAsync(output, plan.Copies, new ArchiveLayout("/"), FileOwner.Root, _log, Ct);
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        output.Position = 0;
        using var reader = new TarReader(output);
        while (reader.GetNextEntry(copyData: true) is { } entry)
        {
            if (entry.EntryType != TarEntryType.Directory)
            {
                using var data = new MemoryStream();
                entry.DataStream?.CopyTo(data);
                files[entry.Name] = Encoding.UTF8.GetString(data.ToArray());
            }
        }

        return (result, files);
    }

    [Fact]
    public async Task A_file_replaced_by_a_link_to_outside_after_planning_is_skipped_with_a_warning()
    {
        SyncPlan plan = Plan("a.txt", "z.txt");
        File.Delete(_temp.Combine("ctx/z.txt"));
        File.CreateSymbolicLink(_temp.Combine("ctx/z.txt"), _temp.Combine("outside/secret.txt"));

        var (result, files) = await WriteAsync(plan);

        Assert.DoesNotContain(files.Values, content => content.Contains(Secret, StringComparison.Ordinal));
        Assert.Equal(["app/a.txt"], files.Keys);
        Assert.Equal(["z.txt"], result.Skipped.Select(s => s.RelativePath));
        Assert.Equal(["a.txt"], result.Sent.Keys.Select(s => s.RelativePath));
        Assert.Equal(["FSYNC1012"], _log.Codes);
        Assert.Equal(_temp.Combine("ctx/z.txt"), _log.Warnings[0].File);
    }

    [Fact]
    public async Task A_parent_folder_replaced_by_a_link_to_outside_after_planning_is_skipped_with_a_warning()
    {
        SyncPlan plan = Plan("a.txt", "sub/z.txt");
        Directory.Move(_temp.Combine("ctx/sub"), _temp.Combine("ctx/sub.old"));
        Directory.CreateSymbolicLink(_temp.Combine("ctx/sub"), _temp.Combine("outside/sub"));

        var (result, files) = await WriteAsync(plan);

        Assert.DoesNotContain(files.Values, content => content.Contains(Secret, StringComparison.Ordinal));
        Assert.Equal(["app/a.txt"], files.Keys);
        Assert.Equal(["sub/z.txt"], result.Skipped.Select(s => s.RelativePath));
        Assert.Equal(["FSYNC1012"], _log.Codes);
        Assert.Equal(_temp.Combine("ctx/sub/z.txt"), _log.Warnings[0].File);
    }

    [Fact]
    public async Task A_file_replaced_by_another_file_after_planning_is_skipped_and_not_recorded()
    {
        SyncPlan plan = Plan("z.txt");
        File.Delete(_temp.Combine("ctx/z.txt"));
        _temp.Write("ctx/z.txt", "a different file, written later");

        var (result, files) = await WriteAsync(plan);

        Assert.Empty(files);
        Assert.Empty(result.Sent);
        Assert.Equal(["FSYNC1012"], _log.Codes);
    }

    [Fact]
    public async Task A_file_below_a_linked_folder_that_stays_inside_is_read_through_its_real_path()
    {
        SyncPlan plan = Plan("alias/page.txt");

        var (result, files) = await WriteAsync(plan);

        Assert.Equal("page", files["app/alias/page.txt"]);
        Assert.Single(result.Sent);
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public async Task A_linked_folder_that_stays_inside_retargeted_outside_after_planning_is_never_followed()
    {
        SyncPlan plan = Plan("alias/page.txt");
        _temp.Write("outside/page.txt", "SECRET", Mtime);
        File.Delete(_temp.Combine("ctx/alias"));
        Directory.CreateSymbolicLink(_temp.Combine("ctx/alias"), _temp.Combine("outside"));

        var (_, files) = await WriteAsync(plan);

        // The scan resolved the inside link to real/page.txt; the read walks that path, never the link.
        Assert.Equal("page", files["app/alias/page.txt"]);
    }
}

/// <summary>The planner's hash (a file whose mtime moved) reads the way the archive does: no link, no FIFO.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class SwappedSourcePlanTests : IDisposable
{
    private static readonly DateTime Mtime = new(2024, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();

    public void Dispose() => _temp.Dispose();

    [Fact(Timeout = 30_000)] // a bound on a hang, not a timing assertion
    public async Task A_synced_empty_file_replaced_by_a_FIFO_is_no_source_any_more_and_planned_without_blocking_on_it()
    {
        string path = _temp.Write("ctx/empty.txt", "", Mtime);
        var state = SyncState.Empty("test");
        SourceFile before = new SourceScanner(_temp.Combine("ctx"), _log).Scan([new SyncItem("empty.txt", path, "/app", null)])[0];
        state.Entries["empty.txt"] = new StateEntry(0, before.MtimeTicks, ContentHash.OfText(""), before.Mode, null, ["/app/empty.txt"]);
        File.Delete(path);
        Assert.Equal(0, mkfifo(path, 0b110_100_100));
        File.SetUnixFileMode(path, before.Mode);

        IReadOnlyList<SourceFile> sources = new SourceScanner(_temp.Combine("ctx"), _log).Scan([new SyncItem("empty.txt", path, "/app", null)]);
        SyncPlan plan = await Task.Run(() => Planner.Plan(sources, state, "/", resendAll: false, _log), TestContext.Current.CancellationToken);

        // Not a file any more (FSYNC1040 names the FIFO): the copy of the file it replaced is deleted, like any kind change.
        Assert.Empty(sources);
        Assert.Equal(["FSYNC1040"], _log.Codes);
        Assert.Empty(plan.Copies);
        Assert.Equal(["/app/empty.txt"], plan.Deletes);
    }

    [System.Runtime.InteropServices.DllImport("libc", SetLastError = true)]
    private static extern int mkfifo([System.Runtime.InteropServices.MarshalAs(System.Runtime.InteropServices.UnmanagedType.LPUTF8Str)] string path, int mode);
}
