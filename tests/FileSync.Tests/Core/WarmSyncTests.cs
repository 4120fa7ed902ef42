using System.Runtime.Versioning;
using System.Threading.Channels;
using FileSync.Planning;
using FileSync.State;
using FileSync.Watching;

namespace FileSync.Tests.Core;

/// <summary>
/// What a resident FileSyncWatch keeps between its syncs: the stat of every rule file (statted again only for the paths
/// events named, a folder's with every file below it), each instance's state (read again only when another process
/// wrote it); and a moved folder, which assumes nothing.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class WarmSyncTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;

    public WarmSyncTests()
    {
        _context = _temp.Folder("ctx");
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SyncItem Item(string relative) => new(relative, _temp.Combine("ctx/" + relative), "/app", null);

    private static Dictionary<string, long> Sizes(IReadOnlyList<SourceFile> sources) => sources.ToDictionary(source => source.RelativePath, source => source.Size);

    [Fact]
    public void Only_the_paths_it_is_told_about_are_statted_again()
    {
        _temp.Write("ctx/a.txt", "a");
        _temp.Write("ctx/b.txt", "b");
        SourceScanner scanner = SourceScanner.Warm(_context, _log);
        SyncItem[] items = [Item("a.txt"), Item("b.txt")];
        Assert.Equal(new Dictionary<string, long> { ["a.txt"] = 1, ["b.txt"] = 1 }, Sizes(scanner.Scan(items)));

        _temp.Write("ctx/a.txt", "aaa");
        _temp.Write("ctx/b.txt", "bbbbb");
        scanner.Forget([_temp.Combine("ctx/a.txt")]);

        // b.txt had no event: its earlier stat stands (this is what makes a burst in a big tree cheap).
        Assert.Equal(new Dictionary<string, long> { ["a.txt"] = 3, ["b.txt"] = 1 }, Sizes(scanner.Scan(items)));

        scanner.ForgetAll();
        Assert.Equal(new Dictionary<string, long> { ["a.txt"] = 3, ["b.txt"] = 5 }, Sizes(scanner.Scan(items)));
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public void A_folder_s_event_stats_every_file_below_it_again_and_a_deleted_one_is_gone()
    {
        _temp.Write("ctx/site/d/x.txt", "x");
        _temp.Write("ctx/site/d/e/y.txt", "y");
        _temp.Write("ctx/site/other.txt", "o");
        SourceScanner scanner = SourceScanner.Warm(_context, _log);
        SyncItem[] items = [Item("site/d/x.txt"), Item("site/d/e/y.txt"), Item("site/other.txt")];
        Assert.Equal(3, scanner.Scan(items).Count);

        Directory.Delete(_temp.Combine("ctx/site/d"), recursive: true);
        scanner.Forget([_temp.Combine("ctx/site/d")]); // a folder moved out of the tree: one event, for the folder only

        Assert.Equal(["site/other.txt"], scanner.Scan(items).Select(source => source.RelativePath));
    }

    [Fact]
    public void A_folder_replaced_by_a_link_out_of_the_context_is_refused_after_its_event()
    {
        _temp.Write("ctx/site/d/x.txt", "x");
        _temp.Write("outside/x.txt", "secret");
        SourceScanner scanner = SourceScanner.Warm(_context, _log);
        SyncItem[] items = [Item("site/d/x.txt")];
        Assert.Single(scanner.Scan(items));

        Directory.Delete(_temp.Combine("ctx/site/d"), recursive: true);
        _temp.Link("ctx/site/d", _temp.Combine("outside"));
        scanner.Forget([_temp.Combine("ctx/site/d")]);

        Assert.Empty(scanner.Scan(items));
        Assert.Equal(["FSYNC1006"], _log.Codes);
    }

    [Fact]
    public void A_link_is_statted_every_time_what_it_leads_to_changes_with_no_event_for_it()
    {
        _temp.Write("ctx/real.txt", "r");
        _temp.Link("ctx/alias.txt", "real.txt");
        SourceScanner scanner = SourceScanner.Warm(_context, _log);
        SyncItem[] items = [Item("alias.txt")];
        Assert.Equal(SourceKind.Symlink, Assert.Single(scanner.Scan(items)).Kind);

        File.Delete(_temp.Combine("ctx/alias.txt"));
        _temp.Link("ctx/alias.txt", _temp.Combine("outside.txt")); // no Forget: the scanner must not trust its memory of a link

        Assert.Empty(scanner.Scan(items));
        Assert.Equal(["FSYNC1006"], _log.Codes);
    }

    private string StatePath => _temp.Combine("obj/filesync/docker-0123456789abcdef.state");

    private static SyncState State(string instance, params string[] sources)
    {
        var state = SyncState.Empty(instance);
        foreach (string source in sources)
        {
            state.Entries[source] = new StateEntry(1, 2, new FileSync.Planning.Hash128(3, 4), UnixFileMode.UserRead, null, ["/app/" + source]);
        }

        return state;
    }

    [Fact]
    public void A_kept_state_is_read_again_when_another_process_saved_it()
    {
        var cache = new StateCache();
        StateStore.Save(StatePath, State("c1", "a.txt"));
        SyncState mine = cache.Load(StatePath, "c1", _log);
        Assert.Equal(["a.txt"], mine.Entries.Keys);
        mine.Entries["mine.txt"] = mine.Entries["a.txt"]; // changed in memory, never saved: must not come back

        SyncState other = StateStore.Load(StatePath, "c1", _log); // another process: a cold build, the server
        other.Entries["b.txt"] = other.Entries["a.txt"];
        StateStore.Save(StatePath, other);

        Assert.Equal(["a.txt", "b.txt"], cache.Load(StatePath, "c1", _log).Entries.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_kept_state_is_not_read_again_when_nothing_wrote_it_and_a_sync_s_unsaved_changes_do_not_stay()
    {
        var cache = new StateCache();
        StateStore.Save(StatePath, State("c1", "a.txt"));
        SyncState first = cache.Load(StatePath, "c1", _log);
        first.Entries["unsaved.txt"] = first.Entries["a.txt"];
        first.Entries["saved.txt"] = first.Entries["a.txt"];
        first.Entries.Remove("unsaved.txt");
        StateStore.Save(StatePath, first);
        first.Entries["unsaved.txt"] = first.Entries["a.txt"]; // after the last save (a sync that failed): not on disk

        // Same length and time, other bytes: a read would find it damaged (FSYNC3001); a kept state does not read it.
        byte[] bytes = File.ReadAllBytes(StatePath);
        DateTime written = File.GetLastWriteTimeUtc(StatePath);
        bytes[^1] ^= 0xFF;
        File.WriteAllBytes(StatePath, bytes);
        File.SetLastWriteTimeUtc(StatePath, written);

        SyncState second = cache.Load(StatePath, "c1", _log);

        Assert.Equal(["a.txt", "saved.txt"], second.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public async Task A_renamed_folder_asks_for_a_rescan_a_renamed_file_does_not()
    {
        _temp.Write("ctx/site/old/x.txt", "x");
        _temp.Write("ctx/site/draft.txt", "d");
        using var watcher = new ChangeWatcher(_context, usePolling: false);

        File.Move(_temp.Combine("ctx/site/draft.txt"), _temp.Combine("ctx/site/saved.txt")); // an editor's save
        ChangeBatch file = await NextBatchAsync(watcher);
        Assert.False(file.Rescan);
        Assert.Contains(_temp.Combine("ctx/site/saved.txt"), file.Paths);

        Directory.Move(_temp.Combine("ctx/site/old"), _temp.Combine("ctx/site/new"));
        Assert.True((await NextBatchAsync(watcher)).Rescan); // what is below a moved folder is not assumed
    }

    private static async Task<ChangeBatch> NextBatchAsync(ChangeWatcher watcher)
    {
        while (true)
        {
            ChangeBatch batch = await watcher.NextAsync(TimeSpan.FromSeconds(30), Ct);
            if (!batch.IsEmpty)
            {
                return batch;
            }
        }
    }

    [Fact]
    public async Task Each_sync_gets_the_paths_named_since_the_last_one_those_no_rule_takes_included()
    {
        var syncs = Channel.CreateUnbounded<IReadOnlyCollection<string>?>();
        using var stop = new CancellationTokenSource();
        _temp.Folder("ctx/obj"); // both watched from the start: no file event can be missed
        _temp.Folder("ctx/site");
        string ignored = _temp.Combine("ctx/obj/build.txt");
        var written = new TaskCompletionSource();
        var rules = new WatchRules([new WatchRule("site/**/*", [], [_context + "/obj/**"], "www", "site/")], _context);
        var session = new WatchSession(_log, _context, usePolling: false)
        {
            OnWatching = _ =>
            {
                File.WriteAllText(ignored, "no rule takes it");
                written.SetResult();
            },
        };

        Task<WatchEnd> run = session.RunAsync(new SourceSet([], rules, _context), [], async (_, changed, _) =>
        {
            await syncs.Writer.WriteAsync(changed is null ? null : [.. changed]);
            return true;
        }, stop.Token);

        Assert.Null(await syncs.Reader.ReadAsync(Ct)); // the first sync relies on nothing: everything is statted
        await written.Task;
        string saved = _temp.Write("ctx/site/saved.txt", "saved");
        IReadOnlyCollection<string>? named = await syncs.Reader.ReadAsync(Ct);

        // The path no rule takes caused no sync of its own (or shared the save's burst); either way this sync hears of
        // it, since the scanner forgets what it knew of every path an event named.
        Assert.NotNull(named);
        Assert.Contains(saved, named);
        Assert.Contains(ignored, named);
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }
}
