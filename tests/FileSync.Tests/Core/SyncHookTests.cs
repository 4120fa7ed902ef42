using System.Runtime.Versioning;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Skaffold;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>sync.hooks: read as Skaffold's schema has them, run around a sync that has work, with Skaffold's variables.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class SyncHookTests : IDisposable
{
    private const string Header = "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: web\n    context: ctx\n    sync:\n      manual: [{src: '**/*', dest: /app}]\n      hooks:\n";

    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;
    private readonly string _root;

    public SyncHookTests()
    {
        _context = _temp.Folder("ctx");
        _root = _temp.Folder("root");
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SkaffoldArtifact Load(string hooks) =>
        SkaffoldConfig.Select(SkaffoldConfig.Load(_temp.Write("skaffold.yaml", Header + hooks), null, _log), null, _temp.Combine("skaffold.yaml"), _log);

    private async Task<SyncOutcome> SyncAsync(SkaffoldArtifact artifact, ISyncTarget? target = null)
    {
        IReadOnlyList<SourceFile> sources = new SourceScanner(_context, _log).Scan(new ContextWalker(artifact, []).Items());
        var options = new SyncOptions(_temp.Combine("obj/filesync")) { Hooks = new HookRunner(artifact.Hooks, _context, _log) };
        return await new Syncer(_log).SyncOneAsync(sources, target ?? new DirectoryTarget(_root, "/app", null), options, Ct);
    }

    [Fact]
    public void Host_and_container_hooks_are_read_as_Skaffolds_schema_has_them()
    {
        SkaffoldArtifact artifact = Load("        before:\n        - host: {command: [sh, -c, 'echo hi'], os: [linux, darwin], dir: tools}\n"
            + "        after:\n        - container: {command: [kill, -HUP, '1']}\n        - host: {command: [true]}\n");

        SyncHook before = Assert.Single(artifact.Hooks.Before);
        Assert.True(before.OnHost);
        Assert.Equal(["sh", "-c", "echo hi"], before.Command);
        Assert.Equal(["linux", "darwin"], before.Os);
        Assert.Equal(_temp.Combine("tools"), before.Dir); // relative to the skaffold.yaml, as Skaffold's filepath fields
        Assert.Equal("sync.hooks.before[0] (host, skaffold.yaml:11)", before.Describe());
        Assert.Equal([(false, "[\"kill\", \"-HUP\", \"1\"]"), (true, "[\"true\"]")], artifact.Hooks.After.Select(hook => (hook.OnHost, hook.CommandText())));
        Assert.Equal(_temp.Path, artifact.Hooks.After[1].Dir); // no dir: the skaffold.yaml's folder
        Assert.Equal(("web", _context), (artifact.Hooks.Image, artifact.Hooks.BuildContext));
        Assert.Empty(_log.Warnings); // hooks are no longer an unsupported field
    }

    [Theory]
    [InlineData("        before:\n        - {host: {command: [a]}, container: {command: [b]}}\n", "build.artifacts[0].sync.hooks.before[0]")]
    [InlineData("        after:\n        - {}\n", "build.artifacts[0].sync.hooks.after[0]")]
    [InlineData("        after:\n        - container: {command: []}\n", "build.artifacts[0].sync.hooks.after[0].container.command")]
    public void A_hook_that_is_not_one_host_or_container_command_is_FSYNC8053_at_its_line(string hooks, string path)
    {
        FileSyncException error = Assert.Throws<FileSyncException>(() => Load(hooks));

        Assert.Equal(("FSYNC8053", 11), (error.Diagnostic.Code, error.Diagnostic.Line));
        Assert.Contains(path, error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_hooks_get_Skaffolds_variables_before_runs_before_the_copy_and_after_after_it()
    {
        _temp.Write("ctx/a.txt", "a");
        _temp.Write("ctx/gone.txt", "g");
        string env = _temp.Combine("env.txt");
        string seen = _temp.Combine("seen.txt");
        SkaffoldArtifact artifact = Load(
            $"        before:\n        - host: {{command: [sh, -c, 'env | grep ^SKAFFOLD_ | sort > \"$0\"; ls {_root}/app > \"$1\" 2>&1 || true', '{env}', '{seen}.before']}}\n"
            + $"        after:\n        - host: {{command: [sh, -c, 'cat {_root}/app/a.txt > \"$0\"; echo >> \"$0\"; pwd >> \"$0\"', '{seen}.after']}}\n");
        await SyncAsync(artifact);
        File.Delete(_temp.Combine("ctx/gone.txt"));
        _temp.Write("ctx/a.txt", "a2");
        _temp.Write("ctx/sub/new.txt", "n");

        await SyncAsync(artifact);

        Assert.Equal(
            [
                $"SKAFFOLD_BUILD_CONTEXT={_context}",
                $"SKAFFOLD_FILES_ADDED_OR_MODIFIED={_context}/a.txt;{_context}/sub/new.txt",
                $"SKAFFOLD_FILES_DELETED={_context}/gone.txt",
                "SKAFFOLD_IMAGE=web",
                "SKAFFOLD_KUBE_CONTEXT=",
                "SKAFFOLD_NAMESPACES=",
                $"SKAFFOLD_WORK_DIR={_temp.Path}",
            ],
            File.ReadAllLines(env));
        Assert.Equal(["a.txt", "gone.txt"], File.ReadAllLines(seen + ".before")); // before the copy and the delete: no sub/ yet, gone.txt still there
        Assert.Equal(["a2", _temp.Path], File.ReadAllLines(seen + ".after")); // after it, run in the yaml's folder
        Assert.Empty(_log.Errors);
    }

    [Fact]
    public async Task A_failing_before_hook_stops_the_sync_nothing_copied_nothing_recorded()
    {
        _temp.Write("ctx/a.txt", "a");
        string after = _temp.Combine("after.txt");
        SkaffoldArtifact failing = Load($"        before:\n        - host: {{command: [sh, -c, 'echo first problem >&2; echo second >&2; exit 3']}}\n        after:\n        - host: {{command: [touch, '{after}']}}\n");

        FileSyncException error = await Assert.ThrowsAsync<FileSyncException>(() => SyncAsync(failing));

        Assert.Equal("FSYNC8050", error.Diagnostic.Code);
        Assert.Contains("sync.hooks.before[0] (host, skaffold.yaml:11) [\"sh\", \"-c\", \"echo first problem >&2; echo second >&2; exit 3\"]", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 3: first problem | second", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "app/a.txt")));
        Assert.False(File.Exists(after));

        // Nothing recorded: without the hook the file is synced.
        SyncOutcome next = await SyncAsync(Load("        before: []\n"));
        Assert.Equal(1, next.Copied);
        Assert.Equal("a", File.ReadAllText(Path.Combine(_root, "app/a.txt")));
    }

    [Fact]
    public async Task Hooks_run_only_for_a_sync_that_copies_or_deletes_and_an_os_filter_is_honoured()
    {
        _temp.Write("ctx/a.txt", "a");
        string count = _temp.Combine("count.txt");
        SkaffoldArtifact artifact = Load($"        after:\n        - host: {{command: [sh, -c, 'echo x >> \"$0\"', '{count}']}}\n        - host: {{command: [sh, -c, 'echo never >> \"$0\"', '{count}'], os: [windows]}}\n");

        await SyncAsync(artifact);
        await SyncAsync(artifact); // up to date: no hook
        File.Delete(_temp.Combine("ctx/a.txt"));
        await SyncAsync(artifact); // a delete is a sync

        Assert.Equal(["x", "x"], File.ReadAllLines(count));
    }

    [Fact]
    public async Task A_host_program_that_does_not_exist_is_FSYNC8052_and_a_container_hook_on_a_folder_is_FSYNC8054()
    {
        _temp.Write("ctx/a.txt", "a");

        FileSyncException error = await Assert.ThrowsAsync<FileSyncException>(() => SyncAsync(Load("        before:\n        - host: {command: [no-such-program-filesync, arg]}\n")));
        Assert.Equal("FSYNC8052", error.Diagnostic.Code);
        Assert.Contains("nothing was synced", error.Diagnostic.Message, StringComparison.Ordinal);

        FileSyncException noDir = await Assert.ThrowsAsync<FileSyncException>(() => SyncAsync(Load("        before:\n        - host: {command: ['true'], dir: missing/folder}\n")));
        Assert.Equal("FSYNC8052", noDir.Diagnostic.Code);
        Assert.Contains($"its dir '{_temp.Combine("missing/folder")}' does not exist", noDir.Diagnostic.Message, StringComparison.Ordinal);

        SyncOutcome synced = await SyncAsync(Load("        after:\n        - container: {command: [sh, -c, 'exit 1']}\n"));
        Assert.Equal(1, synced.Copied);
        Assert.Equal("FSYNC8054", Assert.Single(_log.Warnings).Code);
    }

    [Fact]
    public async Task A_failing_after_hook_is_FSYNC8051_with_the_files_synced_and_recorded()
    {
        _temp.Write("ctx/a.txt", "a");
        SkaffoldArtifact artifact = Load("        after:\n        - host: {command: [sh, -c, 'echo no >&2; exit 1']}\n");

        Assert.Equal("FSYNC8051", (await Assert.ThrowsAsync<FileSyncException>(() => SyncAsync(artifact))).Diagnostic.Code);
        Assert.Equal("a", File.ReadAllText(Path.Combine(_root, "app/a.txt")));
        Assert.Equal(0, (await SyncAsync(artifact)).Copied); // recorded: nothing to do, so no hook either
    }
}

/// <summary>Attacks on host hooks.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class SyncHookAttackTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_hook_that_leaves_a_background_process_holding_its_output_does_not_hang_the_sync()
    {
        string context = _temp.Folder("ctx");
        _temp.Write("ctx/a.txt", "a");
        string pidFile = _temp.Combine("bg.pid");
        var hooks = new SyncHooks([new SyncHook("before", 1, true, ["sh", "-c", $"sleep 60 & echo $! > '{pidFile}'; echo started"]) { Dir = _temp.Path, Origin = "skaffold.yaml:1" }], []) { File = _temp.Combine("skaffold.yaml") };
        var options = new SyncOptions(_temp.Combine("obj/filesync")) { Hooks = new HookRunner(hooks, context, _log) };
        IReadOnlyList<SourceFile> sources = new SourceScanner(context, _log).Scan([new SyncItem("a.txt", Path.Combine(context, "a.txt"), "/app", null)]);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bound.CancelAfter(TimeSpan.FromSeconds(30)); // a bound, not a measurement: without the fix the sync waits for the sleeper's 60 s
        try
        {
            SyncOutcome outcome = await new Syncer(_log).SyncOneAsync(sources, new DirectoryTarget(_temp.Folder("root"), "/app", null), options, bound.Token);

            Assert.Equal(1, outcome.Copied);
            Assert.Contains("  started", _log.Summaries);
        }
        finally
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid))
            {
                try { System.Diagnostics.Process.GetProcessById(pid).Kill(); } catch (ArgumentException) { } catch (InvalidOperationException) { }
            }
        }
    }
}
