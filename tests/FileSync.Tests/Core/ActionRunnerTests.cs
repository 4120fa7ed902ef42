using System.Runtime.Versioning;
using FileSync.Actions;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.State;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>Post-sync actions: run after an instance's sync when a copied or deleted destination matches, only once every match was confirmed.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ActionRunnerTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;

    public ActionRunnerTests() => _context = _temp.Folder("ctx");

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SyncOptions Options(params PostSyncAction[] actions) =>
        new(_temp.Combine("obj/filesync")) { LockTimeout = TimeSpan.FromSeconds(30), Actions = actions };

    /// <summary>Every file under ctx/ goes to /app (the working directory) with its relative path.</summary>
    private IReadOnlyList<SourceFile> Sources() => new SourceScanner(_context, _log).Scan(
        Directory.EnumerateFiles(_context, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(_context, path))
            .Select(relative => new SyncItem(relative, Path.Combine(_context, relative), "/app", null)));

    private Task<SyncOutcome> SyncAsync(ISyncTarget target, SyncOptions options) => new Syncer(_log).SyncOneAsync(Sources(), target, options, Ct);

    [Fact]
    public async Task A_matching_copy_runs_the_action_with_the_matching_destinations_and_an_unchanged_sync_runs_nothing()
    {
        _temp.Write("ctx/Web.dll", "v1");
        _temp.Write("ctx/site.css", "a");
        var target = new ActingTarget();
        SyncOptions options = Options(PostSyncAction.Create("process", "**/*.dll", null));

        await SyncAsync(target, options);

        Assert.Equal(["process /app/Web.dll"], target.Actions);
        Assert.Contains(_log.Summaries, line => line.StartsWith("FileSync: process (1 matching file(s)) -> fake", StringComparison.Ordinal));

        _temp.Write("ctx/site.css", "b", DateTime.UtcNow.AddMinutes(1));
        await SyncAsync(target, options); // only a css changed
        await SyncAsync(target, options); // nothing changed

        Assert.Single(target.Actions);
    }

    [Fact]
    public async Task A_matching_delete_runs_the_action()
    {
        _temp.Write("ctx/appsettings.json", "{}");
        var target = new ActingTarget();
        SyncOptions options = Options(PostSyncAction.Create("exec", "appsettings*.json", "/app/reload;--soft"));
        await SyncAsync(target, options);
        File.Delete(_temp.Combine("ctx/appsettings.json"));

        await SyncAsync(target, options);

        Assert.Equal(["exec /app/reload --soft", "exec /app/reload --soft"], target.Actions);
    }

    [Fact]
    public async Task A_failing_exec_is_FSYNC5004_with_its_exit_code_and_stderr_and_the_files_stay_recorded()
    {
        _temp.Write("ctx/appsettings.json", "{}");
        var target = new ActingTarget { ExecResult = new ActionResult(3, "", "reload: config invalid\nline 2\n") };
        SyncOptions options = Options(PostSyncAction.Create("exec", null, "/app/reload"));

        var error = await Assert.ThrowsAsync<FileSyncException>(() => SyncAsync(target, options));

        Assert.Equal("FSYNC5004", error.Diagnostic.Code);
        Assert.Contains("'exec /app/reload'", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 3", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("reload: config invalid | line 2", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("fake", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.True((await SyncAsync(target, options)).Copied == 0, "the synced file was resent after the action failed");
    }

    [Fact]
    public async Task An_action_whose_files_were_not_all_confirmed_does_not_run()
    {
        _temp.Write("ctx/a.dll", "a");
        _temp.Write("ctx/b.dll", "b");
        var target = new ActingTarget();
        SyncOptions options = Options(PostSyncAction.Create("process", "*.dll", null));
        await SyncAsync(target, options);
        target.Inner.FailDeletes.Add("/app/b.dll");
        File.Delete(_temp.Combine("ctx/b.dll"));
        _temp.Write("ctx/a.dll", "a2", DateTime.UtcNow.AddMinutes(1));

        await SyncAsync(target, options);

        Assert.Single(target.Actions); // the first sync's only
        Diagnostic skipped = Assert.Single(_log.Warnings, w => w.Code == "FSYNC5005");
        Assert.Contains("/app/b.dll", skipped.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_folder_target_cannot_run_actions_and_says_so()
    {
        _temp.Write("ctx/a.dll", "a");
        var target = new DirectoryTarget(_temp.Folder("root"), "/app", null);

        await SyncAsync(target, Options(PostSyncAction.Create("restart", null, null)));

        Assert.Equal("FSYNC5006", Assert.Single(_log.Warnings).Code);
    }

    [Fact]
    public async Task A_process_action_where_the_app_was_not_started_through_the_launcher_is_FSYNC5008()
    {
        _temp.Write("ctx/Web.dll", "v1");
        var target = new ActingTarget { ProcessResult = new ActionResult(3, "", "filesync-launcher: no launcher is running here\n") };

        var error = await Assert.ThrowsAsync<FileSyncException>(() => SyncAsync(target, Options(PostSyncAction.Create("process", null, null))));

        Assert.Equal("FSYNC5008", error.Diagnostic.Code);
        Assert.Contains("no launcher is running here", error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Every_replica_runs_its_own_actions()
    {
        _temp.Write("ctx/Web.dll", "v1");
        var one = new ActingTarget(new FakeTarget("replica-one-0123456789"));
        var two = new ActingTarget(new FakeTarget("replica-two-0123456789"));

        await new Syncer(_log).SyncAsync(Sources(), [one, two], Options(PostSyncAction.Create("process", null, null)), Ct);

        Assert.Equal(["process /app/Web.dll"], one.Actions);
        Assert.Equal(["process /app/Web.dll"], two.Actions);
    }

    /// <summary>A fake container: syncs like <see cref="FakeTarget"/>, records the actions it was asked to run.</summary>
    private sealed class ActingTarget(FakeTarget? inner = null) : ISyncTarget, IActionTarget
    {
        public FakeTarget Inner { get; } = inner ?? new();

        public List<string> Actions { get; } = [];

        public ActionResult ExecResult { get; init; } = new(0, "", "");

        public ActionResult ProcessResult { get; init; } = new(0, "", "");

        public string Kind => Inner.Kind;

        public string DisplayName => Inner.DisplayName;

        public string InstanceId => Inner.InstanceId;

        public string? WorkingDirectory => Inner.WorkingDirectory;

        public Task<FileOwner> ResolveDefaultOwnerAsync(SyncState state, CancellationToken cancellationToken) => Inner.ResolveDefaultOwnerAsync(state, cancellationToken);

        public Task<PathKind> StatAsync(string path, CancellationToken cancellationToken) => Inner.StatAsync(path, cancellationToken);

        public Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken) => Inner.UploadAsync(root, writeArchive, cancellationToken);

        public Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken) => Inner.DeleteAsync(paths, cancellationToken);

        public Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken) => Inner.RemoveFoldersAsync(folders, cancellationToken);

        public string? OutputFolder { get; set; }

        public Task<ActionResult> ExecAsync(IReadOnlyList<string> argv, CancellationToken cancellationToken)
        {
            Actions.Add("exec " + string.Join(' ', argv));
            return Task.FromResult(ExecResult);
        }

        public Task RestartAsync(CancellationToken cancellationToken)
        {
            Actions.Add("restart");
            return Task.CompletedTask;
        }

        public Task<ActionResult> RestartProcessAsync(IReadOnlyList<string> synced, CancellationToken cancellationToken)
        {
            Actions.Add("process " + string.Join(' ', synced));
            return Task.FromResult(ProcessResult);
        }
    }
}
