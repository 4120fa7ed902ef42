using System.Threading.Channels;
using FileSync.Planning;
using FileSync.Watching;

namespace FileSync.Tests.Core;

/// <summary>
/// FileSyncWatch's Core: the set of rule items a watch keeps (new files and folders, deletes, rescans), and the loop
/// that turns bursts of file-system changes into syncs, with a recording sync in place of a target.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class WatchSessionTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();

    public void Dispose() => _temp.Dispose();

    private static Func<IReadOnlyList<SyncItem>, IReadOnlyCollection<string>?, CancellationToken, Task<bool>> Record(Channel<IReadOnlyList<SyncItem>> syncs) =>
        async (items, _, _) =>
        {
            await syncs.Writer.WriteAsync(items);
            return true;
        };

    private WatchRules SiteRule() => new([new WatchRule("site/**/*", [], [_temp.Path + "/obj/**"], "www", "site/")], _temp.Path);

    [Fact]
    public void A_file_in_a_new_folder_is_found_from_the_folder_event_alone()
    {
        var sources = new SourceSet([], SiteRule(), _temp.Path);
        string file = _temp.Write("site/new/deep/page.html", "<p>new</p>");

        // inotify may report only the new folder: its files can be written before the watch on it exists.
        Assert.True(sources.Apply([_temp.Combine("site/new")]));

        Assert.Equal([new SyncItem(file, file, "www", "site/")], sources.Items);
    }

    [Fact]
    public void A_deleted_folder_takes_its_files_out_and_a_path_no_rule_takes_is_not_a_change()
    {
        var sources = new SourceSet([], SiteRule(), _temp.Path);
        _temp.Write("site/gone/a.txt", "a");
        Assert.True(sources.Apply([_temp.Combine("site/gone")]));
        Directory.Delete(_temp.Combine("site/gone"), recursive: true);

        Assert.True(sources.Apply([_temp.Combine("site/gone")]));
        Assert.Empty(sources.Items);

        _temp.Write("obj/build.txt", "b");
        Assert.False(sources.Apply([_temp.Combine("obj/build.txt"), _temp.Combine("other.txt")]));
    }

    [Fact]
    public void A_file_that_became_a_folder_leaves_the_items_and_its_new_files_come_in()
    {
        var sources = new SourceSet([], SiteRule(), _temp.Path);
        string file = _temp.Write("site/x", "a file");
        Assert.True(sources.Apply([file]));
        File.Delete(file);
        string inside = _temp.Write("site/x/y.txt", "now a folder");

        Assert.True(sources.Apply([file])); // one event for the path: the folder now there

        // Not the folder itself: the scanner would warn that a rule names a folder (FSYNC1011) on every sync.
        Assert.Equal([inside], sources.Items.Select(item => item.FullPath));
    }

    [Fact]
    public void A_start_item_that_is_deleted_stays_for_the_planner_to_delete()
    {
        string file = _temp.Write("site/old.txt", "old");
        var start = new SyncItem("site/old.txt", file, "www", "site/");
        var sources = new SourceSet([start], SiteRule(), _temp.Path);
        File.Delete(file);

        Assert.True(sources.Apply([file]));
        Assert.Equal([start], sources.Items); // the scanner finds it missing: the planner deletes its copy
    }

    [Fact]
    public void A_rescan_finds_files_no_event_named()
    {
        string unseen = _temp.Write("site/unseen.txt", "no event for me");
        _temp.Write("obj/build.txt", "not a rule's");
        var sources = new SourceSet([], SiteRule(), _temp.Path);

        sources.Rescan();

        Assert.Equal([unseen], sources.Items.Select(item => item.FullPath));
    }

    [Fact]
    public void A_rescan_and_a_new_folder_never_enter_a_link_to_a_folder_a_link_to_a_file_counts()
    {
        string page = _temp.Write("site/page.html", "page");
        string target = _temp.Write("elsewhere.txt", "target");
        File.CreateSymbolicLink(_temp.Combine("site/loop"), _temp.Path); // the context itself, through a link in it
        File.CreateSymbolicLink(_temp.Combine("site/file-link.txt"), target);
        var sources = new SourceSet([], SiteRule(), _temp.Path);

        sources.Rescan();
        Assert.Equal([_temp.Combine("site/file-link.txt"), page], sources.Items.Select(item => item.FullPath).Order(StringComparer.Ordinal));

        Assert.False(sources.Apply([_temp.Combine("site/loop")])); // the folder event of the link: nothing below it
        Assert.DoesNotContain(sources.Items, item => item.FullPath.Contains("/loop/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_event_queue_overflow_rescans_then_syncs()
    {
        var syncs = Channel.CreateUnbounded<IReadOnlyList<SyncItem>>();
        using var stop = new CancellationTokenSource();
        var session = new WatchSession(_log, _temp.Path, usePolling: false) { OnWatching = watcher => watcher.SimulateOverflow() };

        Task<WatchEnd> run = session.RunAsync(new SourceSet([], SiteRule(), _temp.Path), [], Record(syncs), stop.Token);

        Assert.Empty(await syncs.Reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Empty(await syncs.Reader.ReadAsync(TestContext.Current.CancellationToken)); // a sync after the rescan, though nothing changed
        Assert.Contains(_log.Details, line => line.Contains("overflowed; rescanning", StringComparison.Ordinal));
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_save_becomes_one_sync_of_the_new_file(bool usePolling)
    {
        var syncs = Channel.CreateUnbounded<IReadOnlyList<SyncItem>>();
        using var stop = new CancellationTokenSource();
        var session = new WatchSession(_log, _temp.Path, usePolling) { OnWatching = _ => _temp.Write("site/saved.txt", "saved") };

        Task<WatchEnd> run = session.RunAsync(new SourceSet([], SiteRule(), _temp.Path), [], Record(syncs), stop.Token);

        Assert.Empty(await syncs.Reader.ReadAsync(TestContext.Current.CancellationToken));
        Assert.Equal([_temp.Combine("site/saved.txt")], (await syncs.Reader.ReadAsync(TestContext.Current.CancellationToken)).Select(item => item.FullPath));
        Assert.Contains(_log.Summaries, line => line.Contains(usePolling ? "(polling)" : "(file-system events)", StringComparison.Ordinal));
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task A_changed_project_file_ends_the_watch_with_FSYNC7002()
    {
        string project = _temp.Write("app.csproj", "<Project />");
        var session = new WatchSession(_log, _temp.Path, usePolling: false) { OnWatching = _ => File.AppendAllText(project, "<!-- edited -->") };

        WatchEnd end = await session.RunAsync(new SourceSet([], SiteRule(), _temp.Path), [project], (_, _, _) => Task.FromResult(true), TestContext.Current.CancellationToken);

        Assert.Equal(WatchEnd.ProjectChanged, end);
        Assert.Equal(["FSYNC7002"], _log.Codes);
    }

    [Fact]
    public async Task A_context_that_cannot_be_watched_is_FSYNC7005()
    {
        var session = new WatchSession(_log, _temp.Combine("missing"), usePolling: false);

        var error = await Assert.ThrowsAsync<FileSync.Diagnostics.FileSyncException>(() =>
            session.RunAsync(new SourceSet([], SiteRule(), _temp.Path), [], (_, _, _) => Task.FromResult(true), TestContext.Current.CancellationToken));

        Assert.Equal("FSYNC7005", error.Diagnostic.Code);
        Assert.Contains(_temp.Combine("missing"), error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task When_events_stop_working_it_warns_FSYNC7006_rescans_and_polls()
    {
        string unseen = _temp.Write("site/unseen.txt", "no event for me");
        var syncs = Channel.CreateUnbounded<IReadOnlyList<SyncItem>>();
        using var stop = new CancellationTokenSource();
        var session = new WatchSession(_log, _temp.Path, usePolling: false) { OnWatching = watcher => watcher.SimulateEventsFailure("inotify watch limit reached") };

        Task<WatchEnd> run = session.RunAsync(new SourceSet([], SiteRule(), _temp.Path), [], Record(syncs), stop.Token);

        Assert.Equal([unseen], (await syncs.Reader.ReadAsync(TestContext.Current.CancellationToken)).Select(item => item.FullPath));
        Assert.Equal([unseen], (await syncs.Reader.ReadAsync(TestContext.Current.CancellationToken)).Select(item => item.FullPath));
        Assert.Equal(["FSYNC7006"], _log.Codes);

        string later = _temp.Write("site/later.txt", "found by polling");
        Assert.Equal([later, unseen], (await syncs.Reader.ReadAsync(TestContext.Current.CancellationToken)).Select(item => item.FullPath).Order(StringComparer.Ordinal));
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task A_file_created_after_MSBuild_listed_the_items_is_in_the_first_sync()
    {
        string early = _temp.Write("site/early.txt", "saved while the project was being evaluated");
        var syncs = Channel.CreateUnbounded<IReadOnlyList<SyncItem>>();
        using var stop = new CancellationTokenSource();
        var session = new WatchSession(_log, _temp.Path, usePolling: false);

        Task<WatchEnd> run = session.RunAsync(new SourceSet([], SiteRule(), _temp.Path), [], Record(syncs), stop.Token);

        Assert.Equal([early], (await syncs.Reader.ReadAsync(TestContext.Current.CancellationToken)).Select(item => item.FullPath));
        stop.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
    }

    [Fact]
    public async Task Nothing_to_sync_to_ends_the_watch_before_it_starts()
    {
        var session = new WatchSession(_log, _temp.Path, usePolling: false);

        WatchEnd end = await session.RunAsync(new SourceSet([], SiteRule(), _temp.Path), [], (_, _, _) => Task.FromResult(false), TestContext.Current.CancellationToken);

        Assert.Equal(WatchEnd.NothingToSync, end);
        Assert.DoesNotContain(_log.Summaries, line => line.Contains("watching", StringComparison.Ordinal));
    }
}
