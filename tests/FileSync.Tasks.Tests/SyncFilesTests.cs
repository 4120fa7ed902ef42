using FileSync.Tasks.Tests.Infrastructure;
using Microsoft.Build.Framework;

namespace FileSync.Tasks.Tests;

/// <summary>The SyncFiles task on a fake build engine, with the directory runtime: a temp folder stands for '/'.</summary>
public sealed class SyncFilesTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly MockEngine _engine = new();
    private readonly string _context;
    private readonly string _state;
    private readonly string _root;

    public SyncFilesTests()
    {
        _context = _temp.CreateFolder("src");
        _state = _temp.PathOf(Path.Combine("obj", "filesync"));
        _root = _temp.CreateFolder("root");
    }

    public void Dispose()
    {
        _engine.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Copies_then_does_nothing_then_deletes()
    {
        _temp.WriteFile("src/site.css", "body {}");
        _temp.WriteFile("src/js/app.js", "run();");

        SyncFiles first = NewTask(Rule("site.css"), Rule("js/app.js"));
        Assert.True(first.Execute(), _engine.Log);
        Assert.Equal(2, first.CopiedCount);
        Assert.Equal(0, first.DeletedCount);
        Assert.Equal("body {}", File.ReadAllText(Path.Combine(_root, "app", "site.css")));
        Assert.Equal("run();", File.ReadAllText(Path.Combine(_root, "app", "js", "app.js")));

        SyncFiles second = NewTask(Rule("site.css"), Rule("js/app.js"));
        Assert.True(second.Execute(), _engine.Log);
        Assert.Equal(0, second.CopiedCount);
        Assert.Equal(0, second.DeletedCount);

        // MSBuild's glob no longer yields the deleted file: the rule items shrink.
        File.Delete(_temp.PathOf("src/js/app.js"));
        SyncFiles third = NewTask(Rule("site.css"));
        Assert.True(third.Execute(), _engine.Log);
        Assert.Equal(0, third.CopiedCount);
        Assert.Equal(1, third.DeletedCount);
        Assert.Equal(["app/site.css"], _temp.FilesUnder("root"));
        Assert.Empty(_engine.Errors);
        Assert.Empty(_engine.Warnings);
    }

    [Fact]
    public void Logs_the_summary_at_high_importance_and_each_file_at_low()
    {
        _temp.WriteFile("src/site.css", "body {}");
        _temp.WriteFile("src/js/app.js", "run();");

        SyncFiles task = NewTask(Rule("site.css"), Rule("js/app.js"));
        Assert.True(task.Execute(), _engine.Log);

        BuildMessageEventArgs summary = Assert.Single(_engine.Messages, m => m.Importance == MessageImportance.High);
        Assert.StartsWith($"FileSync: {task.CopiedCount} changed, 0 deleted", summary.Message, StringComparison.Ordinal);
        Assert.Contains(_engine.Messages, m => m.Importance == MessageImportance.Low && m.Message!.Contains("site.css -> /app/site.css", StringComparison.Ordinal));
        Assert.Contains(_engine.Messages, m => m.Importance == MessageImportance.Low && m.Message!.Contains("js/app.js -> /app/js/app.js", StringComparison.Ordinal));
    }

    public static TheoryData<string, string, string, string> CodedErrors => new()
    {
        { "An unknown FileSyncRuntime is named, with the valid ones", "Runtime=podman;Container=web", "FSYNC0002", "'podman'" },
        { "The kubernetes runtime needs the pods named (FileSyncContainer names the container in them)", "Runtime=kubernetes;Container=web", "FSYNC9001", "FileSyncPod" },
        { "A pod with the docker runtime names the pod and the fix", "Runtime=docker;Pod=web-0", "FSYNC9002", "FileSyncRuntime=kubernetes" },
        { "A FileSyncOwner that is not uid[:gid] is named", "Owner=www-data", "FSYNC0005", "'www-data'" },
        { "A relative FileSyncWorkingDirectory is named", "WorkingDirectory=app", "FSYNC0008", "'app'" },
        { "FileSyncContainer and FileSyncSelector together name both settings", "Runtime=docker;Container=web;Selector=app=web", "FSYNC0007", "FileSyncContainer, FileSyncSelector" },
    };

    [Theory]
    [MemberData(nameof(CodedErrors))]
    public void A_bad_setting_fails_with_its_code_in_the_code_field_and_writes_nothing(string description, string settings, string code, string culprit)
    {
        _ = description;
        _temp.WriteFile("src/site.css", "body {}");
        SyncFiles task = NewTask(Rule("site.css"));
        foreach (string setting in settings.Split(';'))
        {
            string[] pair = setting.Split('=', 2);
            // By name, as MSBuild sets task parameters.
            typeof(SyncFiles).GetProperty(pair[0])!.SetValue(task, pair[1]);
        }

        Assert.False(task.Execute(), _engine.Log);

        BuildErrorEventArgs error = Assert.Single(_engine.Errors);
        Assert.Equal(code, error.Code);
        Assert.Contains(culprit, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(code, error.Message, StringComparison.Ordinal); // the code lives in the code field, not twice
        Assert.Empty(_temp.FilesUnder("root"));
        Assert.Empty(StateFiles());
    }

    [Fact]
    public void A_rule_without_Dest_fails_with_FSYNC1001_naming_it_and_syncs_nothing()
    {
        _temp.WriteFile("src/site.css", "body {}");
        _temp.WriteFile("src/appsettings.json", "{}");

        SyncFiles task = NewTask(Rule("site.css"), Rule("appsettings.json", dest: null));
        Assert.False(task.Execute(), _engine.Log);

        BuildErrorEventArgs error = Assert.Single(_engine.Errors);
        Assert.Equal("FSYNC1001", error.Code);
        Assert.Contains("'appsettings.json'", error.Message, StringComparison.Ordinal);
        Assert.Empty(_temp.FilesUnder("root"));
        Assert.Empty(StateFiles());
    }

    [Fact]
    public void No_target_configured_warns_FSYNC0001_and_succeeds()
    {
        _temp.WriteFile("src/site.css", "body {}");
        SyncFiles task = NewTask(Rule("site.css"));
        task.Runtime = "docker";
        task.Directory = null;

        Assert.True(task.Execute(), _engine.Log);

        Assert.Equal("FSYNC0001", Assert.Single(_engine.Warnings).Code);
        Assert.Empty(_engine.Errors);
        Assert.Equal(0, task.CopiedCount);
    }

    [Fact]
    public void A_missing_FileSyncDirectory_fails_with_FSYNC4001_naming_it()
    {
        _temp.WriteFile("src/site.css", "body {}");
        string missing = _temp.PathOf("no-such-root");
        SyncFiles task = NewTask(Rule("site.css"));
        task.Directory = missing;

        Assert.False(task.Execute(), _engine.Log);

        BuildErrorEventArgs error = Assert.Single(_engine.Errors);
        Assert.Equal("FSYNC4001", error.Code);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.False(System.IO.Directory.Exists(missing));
    }

    [Fact]
    public void A_dry_run_prints_the_plan_and_writes_nothing()
    {
        _temp.WriteFile("src/site.css", "body {}");
        SyncFiles task = NewTask(Rule("site.css"));
        task.DryRun = true;

        Assert.True(task.Execute(), _engine.Log);

        Assert.Contains(_engine.Messages, m => m.Importance == MessageImportance.High && m.Message!.Contains("site.css -> /app/site.css", StringComparison.Ordinal));
        Assert.Empty(_temp.FilesUnder("root"));
        Assert.Empty(StateFiles());

        // The next real sync still sends the file: the dry run recorded nothing.
        SyncFiles real = NewTask(Rule("site.css"));
        Assert.True(real.Execute(), _engine.Log);
        Assert.Equal(1, real.CopiedCount);
    }

    [Fact]
    public void Cancelled_before_executing_it_fails_and_records_nothing()
    {
        for (int i = 0; i < 50; i++)
        {
            _temp.WriteFile($"src/files/f{i:D2}.txt", new string('x', 1000 + i));
        }

        SyncFiles task = NewTask([.. Enumerable.Range(0, 50).Select(i => Rule($"files/f{i:D2}.txt"))]);
        task.Cancel();

        bool succeeded = task.Execute();

        Assert.Empty(_temp.FilesUnder("root"));
        Assert.Empty(StateFiles());
        Assert.Equal(0, task.CopiedCount);
        Assert.Empty(_engine.Errors);
        // MSBuild's convention (Exec, Copy): a cancelled task returns false, so nothing after it in the target runs as if it had synced.
        Assert.False(succeeded, "SyncFiles reported success although it was cancelled before syncing anything.");
    }

    [Fact]
    public void A_bad_idle_time_is_a_warning_and_a_server_that_cannot_start_leaves_the_sync_in_process()
    {
        _temp.WriteFile("src/site.css", "body {}");
        SyncFiles task = NewTask(Rule("site.css"));
        task.Server = true;
        task.ServerAssembly = _temp.PathOf("no-such/filesync-server.dll");
        task.ServerIdleMinutes = "soon";

        Assert.True(task.Execute(), _engine.Log);

        Assert.Equal("FSYNC7028", Assert.Single(_engine.Warnings).Code);
        Assert.Contains(_engine.Messages, m => m.Importance == MessageImportance.Low && m.Message!.StartsWith("FSYNC7025: Synced in-process", StringComparison.Ordinal));
        Assert.Equal("body {}", File.ReadAllText(Path.Combine(_root, "app", "site.css")));
    }

    private SyncFiles NewTask(params ITaskItem[] rules) => new()
    {
        BuildEngine = _engine,
        Rules = rules,
        ContextDirectory = _context,
        StateDirectory = _state,
        Runtime = "directory",
        Directory = _root,
    };

    private RuleItem Rule(string relative, string? dest = "/app") => RuleItem.Create(_context, relative, dest);

    /// <summary>The per-instance state files (a lock file beside one is not state).</summary>
    private string[] StateFiles() =>
        System.IO.Directory.Exists(_state) ? System.IO.Directory.GetFiles(_state, "*.state") : [];
}
