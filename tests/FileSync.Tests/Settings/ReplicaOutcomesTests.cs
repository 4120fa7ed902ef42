using System.Runtime.Versioning;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.State;
using FileSync.Targets;
using FileSync.Tests.Core;

namespace FileSync.Tests.Settings;

/// <summary>
/// Several instances (replicas): each one's outcome is reported. Every failing instance's coded error is logged and
/// named; the ones that succeeded still record their state and print their summary.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ReplicaOutcomesTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly SyncOptions _options;
    private readonly string _context;

    public ReplicaOutcomesTests()
    {
        _context = _temp.Folder("ctx");
        _temp.Write("ctx/wwwroot/index.html", "<h1>hi</h1>");
        _temp.Write("ctx/appsettings.json", "{}");
        _options = new SyncOptions(_temp.Combine("obj/filesync")) { LockTimeout = TimeSpan.FromSeconds(30) };
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IReadOnlyList<SourceFile> Sources() => new SourceScanner(_context, _log).Scan(
    [
        new SyncItem("wwwroot/index.html", Path.Combine(_context, "wwwroot/index.html"), "wwwroot", "wwwroot/"),
        new SyncItem("appsettings.json", Path.Combine(_context, "appsettings.json"), "/etc/app", null),
    ]);

    [Fact]
    public async Task Each_failing_replica_is_reported_by_name_and_the_others_record_their_sync()
    {
        var good1 = new DirectoryTarget(_temp.Folder("root1"), "/app", null);
        var bad1 = new RefusingTarget("replica-one", "failing-1111111111111111");
        var good2 = new DirectoryTarget(_temp.Folder("root2"), "/app", null);
        var bad2 = new RefusingTarget("replica-two", "failing-2222222222222222");

        IReadOnlyList<SyncOutcome> outcomes = await new Syncer(_log).SyncAsync(Sources(), [good1, bad1, good2, bad2], _options, Ct);

        Assert.Equal(2, outcomes.Count);
        Assert.All(outcomes, outcome => Assert.Equal(2, outcome.Copied));
        Assert.Equal(["FSYNC2005", "FSYNC2005"], _log.Errors.Select(e => e.Code));
        Assert.Contains(_log.Errors, e => e.Message.Contains("'replica-one'", StringComparison.Ordinal));
        Assert.Contains(_log.Errors, e => e.Message.Contains("'replica-two'", StringComparison.Ordinal));
        Assert.Equal(2, _log.Summaries.Count(line => line.Contains("2 changed", StringComparison.Ordinal)));
        Assert.Contains("FileSync: failed (FSYNC2005) -> fake replica-one (failing-1111)", _log.Summaries);
        Assert.Contains("FileSync: failed (FSYNC2005) -> fake replica-two (failing-2222)", _log.Summaries);

        foreach (DirectoryTarget good in (DirectoryTarget[])[good1, good2])
        {
            SyncState state = StateStore.Load(Syncer.StatePath(_options.StateDirectory, good), good.InstanceId, _log);
            Assert.Equal(["appsettings.json", "wwwroot/index.html"], state.Entries.Keys.Order(StringComparer.Ordinal));
        }

        foreach (RefusingTarget bad in (RefusingTarget[])[bad1, bad2])
        {
            // A failed upload records nothing as synced; what it tried is only noted as a pending delete (it may have landed).
            SyncState state = StateStore.Load(Syncer.StatePath(_options.StateDirectory, bad), bad.InstanceId, _log);
            Assert.Empty(state.Entries);
            Assert.Equal(["/app/wwwroot/index.html", "/etc/app/appsettings.json"], state.PendingDeletes);
        }
    }

    [Fact]
    public async Task A_single_failing_instance_logs_its_error_once_and_no_extra_summary()
    {
        var bad = new RefusingTarget("only", "failing-3333333333333333");

        IReadOnlyList<SyncOutcome> outcomes = await new Syncer(_log).SyncAsync(Sources(), [bad], _options, Ct);

        Assert.Empty(outcomes);
        Assert.Equal("FSYNC2005", Assert.Single(_log.Errors).Code);
        Assert.Empty(_log.Summaries);
    }

    [Fact]
    public async Task A_rebuilt_damaged_state_names_the_destination_folders_to_check()
    {
        var target = new DirectoryTarget(_temp.Folder("root"), "/app", null);
        await new Syncer(_log).SyncAsync(Sources(), [target], _options, Ct);
        File.WriteAllText(Syncer.StatePath(_options.StateDirectory, target), "garbage, not a state");

        await new Syncer(_log).SyncAsync(Sources(), [target], _options, Ct);

        Diagnostic warning = Assert.Single(_log.Warnings);
        Assert.Equal("FSYNC3001", warning.Code);
        Assert.Contains("check /app/wwwroot, /etc/app", warning.Message, StringComparison.Ordinal);
    }

    /// <summary>A target whose upload the engine refuses, as a container with a read-only root does (FSYNC2005 from an engine that breaks the upload off).</summary>
    private sealed class RefusingTarget(string name, string instanceId) : ISyncTarget
    {
        public string Kind => "fake";

        public string DisplayName => name;

        public string InstanceId => instanceId;

        public string? WorkingDirectory => "/app";

        public Task<FileOwner> ResolveDefaultOwnerAsync(SyncState state, CancellationToken cancellationToken) => Task.FromResult(FileOwner.Root);

        public Task<PathKind> StatAsync(string path, CancellationToken cancellationToken) => Task.FromResult(PathKind.Folder);

        public async Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken)
        {
            await writeArchive(Stream.Null, cancellationToken);
            throw new FileSyncException(Diag.UploadFailed(name, "read-only file system"));
        }

        public Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([]);

        public Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([]);
    }
}
