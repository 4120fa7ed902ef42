using System.Runtime.Versioning;
using FileSync.Planning;
using FileSync.State;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>
/// A source that cannot be read is not a deleted source: MSBuild's glob skips a folder it cannot list, so its files
/// leave the rule items; their copies in the target and their state stay until they can be read again.
/// (Tests run as root, where chmod 000 stops nothing: the probe's listing is the seam, the rest is real.)
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class UnreadableSourceTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;
    private readonly string _root;

    public UnreadableSourceTests()
    {
        _context = _temp.Folder("ctx");
        _root = _temp.Folder("root");
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>A probe that finds the named folders unlistable, as they are for a non-root user after chmod 000.</summary>
    private sealed class LockedFolders(string context, params string[] locked) : SourceProbe(context)
    {
        protected override void ListFolder(string folder)
        {
            if (locked.Contains(folder))
            {
                throw new UnauthorizedAccessException($"Access to the path '{folder}' is denied.");
            }

            base.ListFolder(folder);
        }
    }

    /// <summary>The rule items MSBuild's glob yields: every file it can list (the locked folders' files are missing).</summary>
    private IReadOnlyList<SourceFile> Glob(params string[] locked) =>
        new SourceScanner(_context, _log).Scan(Directory.EnumerateFiles(_context, "*", SearchOption.AllDirectories)
            .Where(path => !locked.Any(folder => path.StartsWith(Path.Combine(_context, folder) + "/", StringComparison.Ordinal)))
            .Select(path => Path.GetRelativePath(_context, path))
            .Select(relative => new SyncItem(relative, Path.Combine(_context, relative), "/app", null)));

    private Task<SyncOutcome> SyncAsync(DirectoryTarget target, SourceProbe probe, params string[] locked) =>
        new Syncer(_log).SyncOneAsync(Glob(locked), target, new SyncOptions(_temp.Combine("obj/filesync")) { Probe = probe }, Ct);

    [Fact]
    public async Task Files_below_an_unreadable_folder_are_kept_in_the_target_and_the_state_until_it_can_be_read()
    {
        _temp.Write("ctx/locked/l1.txt", "one");
        _temp.Write("ctx/locked/deeper/l2.txt", "two");
        _temp.Write("ctx/gone.txt", "deleted for real");
        _temp.Write("ctx/a.txt", "a");
        var target = new DirectoryTarget(_root, "/", null);
        SyncOutcome first = await SyncAsync(target, new SourceProbe(_context));
        Assert.Equal(4, first.Copied);
        File.Delete(_temp.Combine("ctx/gone.txt"));

        SyncOutcome locked = await SyncAsync(target, new LockedFolders(_context, _temp.Combine("ctx/locked")), "locked");

        Assert.Equal((0, 1), (locked.Copied, locked.Deleted));
        Assert.False(File.Exists(_temp.Combine("root/app/gone.txt")));
        Assert.Equal("one", File.ReadAllText(_temp.Combine("root/app/locked/l1.txt")));
        Assert.Equal("two", File.ReadAllText(_temp.Combine("root/app/locked/deeper/l2.txt")));
        Assert.Equal(["FSYNC1014"], _log.Codes);
        Assert.Equal(_temp.Combine("ctx/locked"), _log.Warnings[0].File);
        SyncState state = StateStore.Load(Syncer.StatePath(_temp.Combine("obj/filesync"), target), target.InstanceId, new RecordingLog());
        Assert.Equal(["a.txt", "locked/deeper/l2.txt", "locked/l1.txt"], state.Entries.Keys.Order(StringComparer.Ordinal));
        Assert.Empty(state.PendingDeletes);

        // Readable again, and l1.txt really deleted meanwhile: now it is a delete.
        File.Delete(_temp.Combine("ctx/locked/l1.txt"));
        SyncOutcome readable = await SyncAsync(target, new SourceProbe(_context));

        Assert.Equal((0, 1), (readable.Copied, readable.Deleted));
        Assert.False(File.Exists(_temp.Combine("root/app/locked/l1.txt")));
        Assert.Equal("two", File.ReadAllText(_temp.Combine("root/app/locked/deeper/l2.txt")));
    }

    [Fact]
    public async Task A_folder_deleted_for_real_deletes_its_files()
    {
        _temp.Write("ctx/old/o.txt", "old");
        var target = new DirectoryTarget(_root, "/", null);
        await SyncAsync(target, new SourceProbe(_context));
        Directory.Delete(_temp.Combine("ctx/old"), recursive: true);

        SyncOutcome second = await SyncAsync(target, new SourceProbe(_context));

        Assert.Equal(1, second.Deleted);
        Assert.False(File.Exists(_temp.Combine("root/app/old/o.txt")));
        Assert.Empty(_log.Codes);
    }
}
