using System.Runtime.Versioning;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.State;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>A large state is saved incrementally: changes are appended to a journal beside the snapshot, compacted into
/// it when the journal grows; a torn or stale journal is never applied in part, and never corrupts the state.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class StateJournalTests : IDisposable
{
    private const string Instance = "3f2a9c0d41b7e8f6a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2";

    // Journal from any size of snapshot; compact when it passes a quarter of it.
    private static readonly JournalPolicy Always = new(0, 4);

    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _path;
    private readonly string _journal;

    public StateJournalTests()
    {
        _path = _temp.Combine("obj/filesync/docker-0123456789abcdef.state");
        _journal = _path + ".journal";
    }

    public void Dispose() => _temp.Dispose();

    private static SyncState Large(int entries = 200)
    {
        var state = SyncState.Empty(Instance);
        state.WorkingDirectory = "/app";
        state.AppliedOwner = "1000:1000";
        for (int i = 0; i < entries; i++)
        {
            state.Entries[$"wwwroot/f{i:000}.txt"] = Entry(i);
        }

        state.CreatedFolders.Add("/app/wwwroot");
        return state;
    }

    private static StateEntry Entry(int i, string? destination = null) =>
        new(i, 638_400_000_000_000_000 + i, new FileSync.Planning.Hash128((ulong)i, 7), (UnixFileMode)0b110_100_100, null, [destination ?? $"/app/wwwroot/f{i:000}.txt"]);

    /// <summary>Saves a fresh large state (a snapshot) and loads it back, as the next build does.</summary>
    private SyncState SavedAndLoaded(int entries = 200)
    {
        StateStore.Save(_path, Large(entries), Always);
        return StateStore.Load(_path, Instance, _log);
    }

    /// <summary>Every kind of change a sync makes, applied to <paramref name="state"/>.</summary>
    private static void ChangeEverything(SyncState state)
    {
        state.Entries["wwwroot/f001.txt"] = Entry(1001);
        state.Entries.Remove("wwwroot/f002.txt");
        state.Entries["wwwroot/new/ünï with space.txt"] = Entry(5, "/app/wwwroot/new/ünï with space.txt") with { LinkTarget = "../f005.txt" };
        state.PendingDeletes.Add("/app/wwwroot/f002.txt");
        state.CreatedFolders.Add("/app/wwwroot/new");
        state.CreatedFolders.Remove("/app/wwwroot");
        state.AppliedOwner = "0:0";
        state.ResolvedUser = new UserCache("app", "1000:1000");
    }

    private static void AssertSame(SyncState expected, SyncState actual)
    {
        Assert.Equal(expected.WorkingDirectory, actual.WorkingDirectory);
        Assert.Equal(expected.AppliedOwner, actual.AppliedOwner);
        Assert.Equal(expected.ResolvedUser, actual.ResolvedUser);
        Assert.Equal(expected.PendingDeletes, actual.PendingDeletes);
        Assert.Equal(expected.CreatedFolders, actual.CreatedFolders);
        Assert.Equal(expected.Entries.Keys.Order(StringComparer.Ordinal), actual.Entries.Keys.Order(StringComparer.Ordinal));
        foreach ((string source, StateEntry entry) in expected.Entries)
        {
            StateEntry other = actual.Entries[source];
            Assert.Equal((entry.Size, entry.MtimeTicks, entry.Hash, entry.Mode, entry.LinkTarget), (other.Size, other.MtimeTicks, other.Hash, other.Mode, other.LinkTarget));
            Assert.Equal(entry.Destinations, other.Destinations);
        }
    }

    [Fact]
    public void A_change_to_a_large_state_is_appended_to_the_journal_and_the_snapshot_is_not_rewritten()
    {
        SyncState state = SavedAndLoaded();
        byte[] snapshot = File.ReadAllBytes(_path);

        ChangeEverything(state);
        StateStore.Save(_path, state, Always);

        Assert.Equal(snapshot, File.ReadAllBytes(_path));
        long journal = new FileInfo(_journal).Length;
        Assert.InRange(journal, 1, snapshot.Length / 4);
        AssertSame(state, StateStore.Load(_path, Instance, _log));
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public void Saves_append_one_after_another_and_a_save_without_changes_writes_nothing()
    {
        SyncState state = SavedAndLoaded();
        state.Entries["wwwroot/f001.txt"] = Entry(1001);
        StateStore.Save(_path, state, Always);
        long first = new FileInfo(_journal).Length;

        StateStore.Save(_path, state, Always);
        Assert.Equal(first, new FileInfo(_journal).Length);

        state.Entries["wwwroot/f001.txt"] = Entry(2001);
        state.Entries["wwwroot/f003.txt"] = Entry(2003);
        StateStore.Save(_path, state, Always);

        Assert.True(new FileInfo(_journal).Length > first);
        AssertSame(state, StateStore.Load(_path, Instance, _log));
    }

    [Fact]
    public void The_journal_is_compacted_into_the_snapshot_when_it_passes_the_fraction()
    {
        SyncState state = SavedAndLoaded();
        byte[] snapshot = File.ReadAllBytes(_path);

        int round = 0;
        while (File.ReadAllBytes(_path).AsSpan().SequenceEqual(snapshot))
        {
            Assert.True(++round < 1000, "the journal was never compacted");
            state.Entries[$"wwwroot/f{round % 200:000}.txt"] = Entry(10_000 + round);
            StateStore.Save(_path, state, Always);
            Assert.InRange(File.Exists(_journal) ? new FileInfo(_journal).Length : 0, 0, snapshot.Length / 4);
        }

        Assert.False(File.Exists(_journal));
        AssertSame(state, StateStore.Load(_path, Instance, _log));
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public void A_torn_append_at_every_length_loads_as_the_state_before_it_and_the_next_save_replaces_it()
    {
        SyncState state = SavedAndLoaded();
        state.Entries["wwwroot/f001.txt"] = Entry(1001);
        StateStore.Save(_path, state, Always);
        SyncState before = StateStore.Load(_path, Instance, _log);
        byte[] whole = File.ReadAllBytes(_journal);
        ChangeEverything(state);
        StateStore.Save(_path, state, Always);
        byte[] appended = File.ReadAllBytes(_journal);

        for (int cut = whole.Length; cut < appended.Length; cut++)
        {
            File.WriteAllBytes(_journal, appended[..cut]);

            SyncState loaded = StateStore.Load(_path, Instance, _log);

            AssertSame(before, loaded);
        }

        Assert.Empty(_log.Codes);
        SyncState reloaded = StateStore.Load(_path, Instance, _log);
        reloaded.Entries["wwwroot/f004.txt"] = Entry(4004);
        StateStore.Save(_path, reloaded, Always);
        AssertSame(reloaded, StateStore.Load(_path, Instance, _log));
    }

    [Fact]
    public void A_damaged_record_is_ignored_with_every_record_after_it()
    {
        SyncState state = SavedAndLoaded();
        state.Entries["wwwroot/f001.txt"] = Entry(1001);
        StateStore.Save(_path, state, Always);
        SyncState first = StateStore.Load(_path, Instance, _log);
        int firstLength = (int)new FileInfo(_journal).Length;
        state.Entries["wwwroot/f002.txt"] = Entry(1002);
        StateStore.Save(_path, state, Always);
        state.Entries["wwwroot/f003.txt"] = Entry(1003);
        StateStore.Save(_path, state, Always);
        byte[] journal = File.ReadAllBytes(_journal);
        journal[firstLength + 10] ^= 0x20; // inside the second record's payload

        File.WriteAllBytes(_journal, journal);

        AssertSame(first, StateStore.Load(_path, Instance, _log));
    }

    [Fact]
    public void A_journal_left_beside_a_newer_snapshot_is_never_applied()
    {
        SyncState state = SavedAndLoaded();
        StateEntry original = state.Entries["wwwroot/f001.txt"];
        state.Entries["wwwroot/f001.txt"] = Entry(1001);
        StateStore.Save(_path, state, Always);
        byte[] stale = File.ReadAllBytes(_journal);

        // The change taken back and the snapshot rewritten, so its content is the first snapshot's again (but for its
        // generation); then a crash before the old journal was deleted: that journal must not apply to it.
        SyncState reloaded = StateStore.Load(_path, Instance, _log);
        reloaded.Entries["wwwroot/f001.txt"] = original;
        StateStore.Save(_path, reloaded, new JournalPolicy(long.MaxValue, 4));
        File.WriteAllBytes(_journal, stale);

        SyncState loaded = StateStore.Load(_path, Instance, _log);

        Assert.Equal(original.MtimeTicks, loaded.Entries["wwwroot/f001.txt"].MtimeTicks);
        AssertSame(reloaded, loaded);
    }

    [Fact]
    public void A_fresh_state_written_over_a_journaled_one_drops_its_journal()
    {
        SyncState state = SavedAndLoaded();
        state.Entries["wwwroot/f001.txt"] = Entry(1001);
        StateStore.Save(_path, state, Always);

        SyncState fresh = Large(3);
        StateStore.Save(_path, fresh, Always);

        Assert.False(File.Exists(_journal));
        AssertSame(fresh, StateStore.Load(_path, Instance, _log));
    }

    [Fact]
    public void A_journal_that_cannot_be_written_fails_the_save_and_a_journal_that_cannot_be_read_is_FSYNC3005()
    {
        SyncState state = SavedAndLoaded();
        Directory.CreateDirectory(_journal);
        state.Entries["wwwroot/f001.txt"] = Entry(1001);

        Exception? save = Record.Exception(() => StateStore.Save(_path, state, Always));
        var load = Assert.Throws<FileSyncException>(() => StateStore.Load(_path, Instance, _log));

        Assert.True(save is IOException or UnauthorizedAccessException, save?.ToString());
        Assert.Equal("FSYNC3005", load.Diagnostic.Code);
        Assert.Contains(_journal, load.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_small_state_is_always_one_snapshot_with_the_default_policy()
    {
        StateStore.Save(_path, Large(5));
        SyncState state = StateStore.Load(_path, Instance, _log);
        state.Entries["wwwroot/f001.txt"] = Entry(1001);

        StateStore.Save(_path, state);

        Assert.False(File.Exists(_journal));
        AssertSame(state, StateStore.Load(_path, Instance, _log));
    }

    [Fact]
    public void A_large_state_journals_with_the_default_policy()
    {
        StateStore.Save(_path, Large(2000));
        SyncState state = StateStore.Load(_path, Instance, _log);
        state.Entries["wwwroot/f001.txt"] = Entry(1001);

        StateStore.Save(_path, state);

        Assert.True(new FileInfo(_path).Length >= JournalPolicy.Default.MinSnapshotBytes);
        Assert.True(File.Exists(_journal));
        AssertSame(state, StateStore.Load(_path, Instance, _log));
    }
}

/// <summary>The Syncer over a state large enough to journal: a one-file change and a delete are appended, the snapshot
/// stays as it was, and the next sync (a fresh load) knows both.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class JournaledSyncTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();

    public void Dispose() => _temp.Dispose();

    private IReadOnlyList<SourceFile> Sources()
    {
        string context = _temp.Combine("ctx");
        return new SourceScanner(context, _log).Scan(Directory.EnumerateFiles(context, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal)
            .Select(path => new SyncItem(Path.GetRelativePath(context, path), path, "/app/data", null)));
    }

    [Fact]
    public async Task A_change_and_a_delete_in_a_large_tree_are_journaled_and_the_next_sync_is_up_to_date()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        for (int i = 0; i < 1500; i++)
        {
            _temp.Write($"ctx/d{i / 100}/file-with-a-longish-name-{i:0000}.txt", $"{i}\n");
        }

        var target = new DirectoryTarget(_temp.Folder("root"), "/app", null);
        var options = new SyncOptions(_temp.Combine("obj/filesync"));
        string statePath = Syncer.StatePath(options.StateDirectory, target);
        var syncer = new Syncer(_log);
        Assert.Equal(1500, (await syncer.SyncOneAsync(Sources(), target, options, ct)).Copied);
        byte[] snapshot = File.ReadAllBytes(statePath);
        Assert.True(snapshot.Length >= JournalPolicy.Default.MinSnapshotBytes, $"{snapshot.Length} bytes");

        _temp.Write("ctx/d7/file-with-a-longish-name-0712.txt", "changed\n");
        File.Delete(_temp.Combine("ctx/d3/file-with-a-longish-name-0345.txt"));
        SyncOutcome second = await syncer.SyncOneAsync(Sources(), target, options, ct);

        Assert.Equal((1, 1), (second.Copied, second.Deleted));
        Assert.Equal(snapshot, File.ReadAllBytes(statePath));
        Assert.True(File.Exists(statePath + ".journal"));
        Assert.Equal("changed\n", File.ReadAllText(_temp.Combine("root/app/data/d7/file-with-a-longish-name-0712.txt")));
        Assert.False(File.Exists(_temp.Combine("root/app/data/d3/file-with-a-longish-name-0345.txt")));
        SyncOutcome third = await syncer.SyncOneAsync(Sources(), target, options, ct);
        Assert.Equal((0, 0), (third.Copied, third.Deleted));
        Assert.Contains("up to date", _log.Summaries[^1], StringComparison.Ordinal);
        Assert.Empty(_log.Codes);
    }
}

/// <summary>Two holders of one state file (a build and a process that keeps the state between syncs): a save never
/// appends to files another writer changed since it read them.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class StateWritersTests : IDisposable
{
    private const string Instance = "instance-0123456789abcdef";
    private static readonly JournalPolicy Always = new(0, 4);
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _path;

    public StateWritersTests() => _path = _temp.Combine("obj/filesync/docker-0123456789abcdef.state");

    public void Dispose() => _temp.Dispose();

    private static StateEntry Entry(int i) => new(i, 638_400_000_000_000_000 + i, new FileSync.Planning.Hash128(1, (ulong)i), (UnixFileMode)0b110_100_100, null, [$"/app/f{i:000}"]);

    private SyncState Saved()
    {
        var state = SyncState.Empty(Instance);
        for (int i = 0; i < 200; i++)
        {
            state.Entries[$"f{i:000}"] = Entry(i);
        }

        StateStore.Save(_path, state, Always);
        return StateStore.Load(_path, Instance, _log);
    }

    public static TheoryData<string, bool> Others => new()
    {
        { "the other writer appended to the journal", false },
        { "the other writer compacted the journal into a new snapshot", true },
    };

    [Theory]
    [MemberData(nameof(Others))]
    public void A_save_after_another_writer_rewrites_the_whole_state_as_this_one_holds_it(string sentence, bool compacted)
    {
        SyncState kept = Saved(); // e.g. held in memory between syncs
        kept.Entries["f001"] = Entry(1001);
        StateStore.Save(_path, kept, Always);
        Assert.True(StateStore.IsCurrent(_path, kept), sentence);

        SyncState other = StateStore.Load(_path, Instance, _log);
        other.Entries["f002"] = Entry(2002);
        StateStore.Save(_path, other, compacted ? new JournalPolicy(long.MaxValue, 4) : Always);
        Assert.False(StateStore.IsCurrent(_path, kept), sentence);

        kept.Entries["f003"] = Entry(3003);
        StateStore.Save(_path, kept, Always);

        SyncState loaded = StateStore.Load(_path, Instance, _log);
        Assert.True(StateStore.IsCurrent(_path, kept), sentence);
        Assert.Equal([1001L, 2L, 3003L], new[] { "f001", "f002", "f003" }.Select(source => loaded.Entries[source].Size));
        Assert.Equal(200, loaded.Entries.Count);
    }
}
