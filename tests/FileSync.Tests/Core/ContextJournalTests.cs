using System.Runtime.Versioning;
using FileSync.Jobs;
using FileSync.Planning;
using FileSync.Server;

namespace FileSync.Tests.Core;

/// <summary>
/// The sync server's watcher journal of a context: a sync after the first stats only the paths its watcher noted, every
/// write made before the sync's request included; anything lost (an overflow, a moved folder) means a full scan.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ContextJournalTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;
    private readonly string _state;

    public ContextJournalTests()
    {
        _context = _temp.Folder("ctx");
        _state = _temp.Folder("ctx/obj/filesync");
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SyncItem Item(string relative) => new(relative, _temp.Combine("ctx/" + relative), "/app", null);

    private static long SizeOf(IReadOnlyList<SourceFile> sources, string relative) => sources.Single(source => source.RelativePath == relative).Size;

    [Fact]
    public async Task After_a_full_scan_each_sync_stats_what_was_written_before_it_even_at_once()
    {
        _temp.Write("ctx/site/a.txt", "a");
        _temp.Write("ctx/site/b.txt", "b");
        SyncItem[] items = [Item("site/a.txt"), Item("site/b.txt")];
        using var journal = new ContextJournal(_context, _state, _log);
        Assert.Contains("a full scan (its first scan)", await journal.PrepareAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(1, SizeOf(journal.Scanner.Scan(items), "site/a.txt"));

        for (int length = 2; length < 22; length++)
        {
            _temp.Write("ctx/site/a.txt", new string('a', length)); // the request follows the save at once
            string prepared = await journal.PrepareAsync(Ct);

            Assert.Contains("named since the last sync", prepared, StringComparison.Ordinal);
            Assert.Equal(length, SizeOf(journal.Scanner.Scan(items), "site/a.txt"));
        }

        Assert.Equal(1, SizeOf(journal.Scanner.Scan(items), "site/b.txt"));
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public async Task An_overflow_or_a_moved_folder_makes_the_next_sync_a_full_scan()
    {
        _temp.Write("ctx/site/d/a.txt", "a");
        using var journal = new ContextJournal(_context, _state, _log);
        await journal.PrepareAsync(Ct);
        journal.SimulateOverflow();

        Assert.Contains("a full scan (simulated overflow)", await journal.PrepareAsync(Ct), StringComparison.Ordinal);
        Assert.Contains("named since the last sync", await journal.PrepareAsync(Ct), StringComparison.Ordinal);

        Assert.Equal(["site/d/a.txt"], journal.Scanner.Scan([Item("site/d/a.txt")]).Select(source => source.RelativePath));
        Directory.Move(_temp.Combine("ctx/site/d"), _temp.Combine("ctx/site/e"));
        string moved = await journal.PrepareAsync(Ct);

        // inotify's two halves of a rename are one Renamed event when .NET reads them together (a full scan), else a
        // delete and a create of the folders (both named, each forgotten with all below it): the old file is gone either way.
        Assert.True(moved.Contains("a full scan (a folder moved)", StringComparison.Ordinal) || moved.Contains("2 path(s) named", StringComparison.Ordinal), moved);
        Assert.Equal(["site/e/a.txt"], journal.Scanner.Scan([Item("site/d/a.txt"), Item("site/e/a.txt")]).Select(source => source.RelativePath));
    }

    [Fact]
    public void A_context_whose_state_folder_is_outside_it_gets_no_journal_and_a_busy_one_is_not_shared()
    {
        using var journals = new ContextJournals();
        var outside = new SyncRequest { ContextDirectory = _temp.Combine("ctx/site"), StateDirectory = _state, BaseDirectory = _temp.Path };
        _temp.Folder("ctx/site");
        Assert.Null(journals.TryTake(outside, _log, out ContextJournal? none));
        Assert.Null(none);
        Assert.True(FileSync.Server.ServerNative.DeliversAllEvents(_temp.Path), "the test's temporary folder is on a local file system");
        Assert.False(FileSync.Server.ServerNative.DeliversAllEvents("/proc")); // not one that is known to
        using var remote = new ContextJournals { IsLocal = _ => false }; // NFS, SMB, 9p: changes from elsewhere send no event here
        Assert.Null(remote.TryTake(new SyncRequest { ContextDirectory = "ctx", StateDirectory = "ctx/obj/filesync", BaseDirectory = _temp.Path }, _log, out _));

        var inside = new SyncRequest { ContextDirectory = "ctx", StateDirectory = "ctx/obj/filesync", BaseDirectory = _temp.Path };
        using (IDisposable? taken = journals.TryTake(inside, _log, out ContextJournal? journal))
        {
            Assert.NotNull(taken);
            Assert.Equal(_context, journal!.Context);
            Assert.Null(journals.TryTake(inside, _log, out _)); // a second sync of the context meanwhile scans in full
        }

        using IDisposable? again = journals.TryTake(inside, _log, out _);
        Assert.NotNull(again);
    }
}
