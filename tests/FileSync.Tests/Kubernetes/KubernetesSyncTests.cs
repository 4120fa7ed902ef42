using System.Runtime.Versioning;
using System.Text;
using FileSync.Actions;
using FileSync.Kubernetes;
using FileSync.Planning;
using FileSync.Targets;
using FileSync.Tests.Core;
using static FileSync.Tests.Kubernetes.FakeKubeApi;

namespace FileSync.Tests.Kubernetes;

/// <summary>The Syncer over Kubernetes targets on a fake API: what is exec'ed (argv only), what lands, what is recorded.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class KubernetesSyncTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly FakeKubeApi _api = new();
    private readonly string _context;
    private SyncOptions _options;

    public KubernetesSyncTests()
    {
        _context = _temp.Folder("ctx");
        _temp.Write("ctx/wwwroot/index.html", "<h1>hi</h1>");
        _options = new SyncOptions(_temp.Combine("obj/filesync")) { LockTimeout = TimeSpan.FromSeconds(30) };
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IReadOnlyList<SourceFile> Sources() => new SourceScanner(_context, _log).Scan(
        Directory.EnumerateFiles(_context, "*", SearchOption.AllDirectories)
            .Select(full => Path.GetRelativePath(_context, full))
            .Select(relative => new SyncItem(relative, Path.Combine(_context, relative), "/app", null)));

    private async Task<IReadOnlyList<SyncOutcome>> SyncAsync(string selector = "app=web")
    {
        IReadOnlyList<ISyncTarget> targets = await TargetFactory.ResolveAsync(new TargetSettings("kubernetes") { Selector = selector }, _ => throw new InvalidOperationException(), _log, Ct, _ => _api);
        return await new Syncer(_log).SyncAsync(Sources(), targets, _options, Ct);
    }

    private string Text(string pod, string path) => Encoding.UTF8.GetString(_api.Files[pod][path]);

    [Fact]
    public async Task Add_change_delete_and_a_no_op_that_execs_nothing()
    {
        _api.Pods.Add(Pod("web-0"));

        await SyncAsync();
        Assert.Equal("<h1>hi</h1>", Text("web-0", "/app/wwwroot/index.html"));
        Assert.Contains(_api.Execs, exec => exec.Argv.SequenceEqual(["tar", "xmf", "-", "-C", "/app", "--no-same-owner"]));

        _api.Execs.Clear();
        await SyncAsync();
        Assert.Empty(_api.Execs); // the no-op path asks the API for the pods and nothing else

        _temp.Write("ctx/wwwroot/index.html", "<h1>changed</h1>", DateTime.UtcNow.AddMinutes(1));
        await SyncAsync();
        Assert.Equal("<h1>changed</h1>", Text("web-0", "/app/wwwroot/index.html"));

        File.Delete(_temp.Combine("ctx/wwwroot/index.html"));
        _temp.Write("ctx/-rf x;$(y) *.txt", "odd");
        _api.Execs.Clear();
        await SyncAsync();
        Assert.False(_api.Files["web-0"].ContainsKey("/app/wwwroot/index.html"));
        Assert.Equal("odd", Text("web-0", "/app/-rf x;$(y) *.txt"));
        Assert.Contains(_api.Execs, exec => exec.Argv.SequenceEqual(["rm", "-f", "--", "/app/wwwroot/index.html"]));
        Assert.Empty(_log.Errors);
    }

    [Fact]
    public async Task A_failing_replica_is_named_with_its_stderr_and_only_the_healthy_ones_record_their_sync()
    {
        _api.Pods.AddRange([Pod("web-a"), Pod("web-b"), Pod("web-c")]);
        _api.Failing.Add("web-b");

        IReadOnlyList<SyncOutcome> outcomes = await SyncAsync();

        Assert.Equal(2, outcomes.Count);
        var error = Assert.Single(_log.Errors);
        Assert.Equal("FSYNC9012", error.Code);
        Assert.Contains("'web-b'", error.Message, StringComparison.Ordinal);
        Assert.Contains("No space left on device", error.Message, StringComparison.Ordinal);
        Assert.Contains("exit code 2", error.Message, StringComparison.Ordinal);

        _api.Failing.Clear();
        _api.Execs.Clear();
        outcomes = await SyncAsync();
        Assert.Equal([0, 1, 0], outcomes.Select(outcome => outcome.Copied)); // only the pod that failed is sent anything
        Assert.All(_api.Execs, exec => Assert.Equal("web-b", exec.Pod));
        Assert.Equal("<h1>hi</h1>", Text("web-b", "/app/wwwroot/index.html"));
    }

    [Fact]
    public async Task A_replaced_pod_gets_everything_again()
    {
        _api.Pods.Add(Pod("web-0"));
        await SyncAsync();
        _api.Pods[0] = Pod("web-0", uid: "uid-replaced");
        _api.Files.Clear();

        IReadOnlyList<SyncOutcome> outcomes = await SyncAsync();

        Assert.Equal(1, Assert.Single(outcomes).Copied);
        Assert.Equal("<h1>hi</h1>", Text("web-0", "/app/wwwroot/index.html"));
    }

    [Fact]
    public async Task Without_tar_or_launcher_nothing_is_recorded_and_the_error_names_the_fixes()
    {
        _api.Pods.Add(Pod("web-0"));
        _api.NoTar.Add("web-0");

        IReadOnlyList<SyncOutcome> outcomes = await SyncAsync();

        Assert.Empty(outcomes);
        var error = Assert.Single(_log.Errors);
        Assert.Equal("FSYNC9013", error.Code);
        Assert.Contains("FileSyncLauncher=true", error.Message, StringComparison.Ordinal);
        Assert.Contains("/app/filesync-launcher.dll", error.Message, StringComparison.Ordinal);

        _api.Launcher.Add("web-0");
        outcomes = await SyncAsync();
        Assert.Equal(1, Assert.Single(outcomes).Copied); // nothing was recorded by the failed sync: sent now
        Assert.Contains(_api.Execs, exec => exec.Argv.SequenceEqual(["/usr/share/dotnet/dotnet", "/app/filesync-launcher.dll", "--fsync-extract", "/"]));
        Assert.Equal("<h1>hi</h1>", Text("web-0", "/app/wwwroot/index.html"));
    }

    [Fact]
    public async Task A_failed_delete_in_an_image_without_stat_stays_pending_and_is_tried_again()
    {
        _api.Pods.Add(Pod("web-0"));
        _api.NoTar.Add("web-0"); // no tar, stat or rm: everything goes through the launcher
        _api.Launcher.Add("web-0");
        await SyncAsync();
        File.Delete(_temp.Combine("ctx/wwwroot/index.html"));
        _api.FailingRm.Add("web-0");

        IReadOnlyList<SyncOutcome> failed = await SyncAsync();
        _api.FailingRm.Clear();
        _api.Execs.Clear();
        IReadOnlyList<SyncOutcome> retried = await SyncAsync();

        Assert.Equal(0, Assert.Single(failed).Deleted);
        Assert.Contains("FSYNC2007", _log.Codes); // the failed rm, named
        Assert.Equal(1, Assert.Single(retried).Deleted);
        Assert.Contains(_api.Execs, exec => exec.Argv.Contains("--fsync-rm") && exec.Argv.Contains("/app/wwwroot/index.html"));
        Assert.False(_api.Files["web-0"].ContainsKey("/app/wwwroot/index.html"));
    }

    [Fact]
    public async Task The_restart_action_is_refused_with_the_reason_and_exec_runs_as_argv()
    {
        _api.Pods.Add(Pod("web-0"));
        _options = _options with { Actions = [PostSyncAction.Create("restart", "**", ""), PostSyncAction.Create("exec", "**", "touch;/tmp/a b")] };

        await SyncAsync();

        Assert.Equal("FSYNC9016", Assert.Single(_log.Errors).Code);
    }

    [Theory]
    [InlineData("{\"metadata\":{},\"status\":\"Success\"}", 0, null)]
    [InlineData("{\"status\":\"Failure\",\"message\":\"command terminated with non-zero exit code: exit status 2\",\"reason\":\"NonZeroExitCode\",\"details\":{\"causes\":[{\"reason\":\"ExitCode\",\"message\":\"2\"}]}}", 2, null)]
    [InlineData("{\"status\":\"Failure\",\"message\":\"OCI runtime exec failed: exec: \\\"tar\\\": executable file not found in $PATH\"}", -1, "executable file not found")]
    public void The_status_channel_gives_the_exit_code(string status, int exit, string? failure)
    {
        KubeExecResult result = KubeApi.ToResult(status, "", "");

        Assert.Equal(exit, result.ExitCode);
        Assert.Equal(failure is not null, result.CommandNotFound);
        if (failure is not null)
        {
            Assert.Contains(failure, result.Failure, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void No_status_at_all_is_a_broken_exec_not_a_success()
    {
        var error = Assert.Throws<KubeApiException>(() => KubeApi.ToResult("", "", ""));

        Assert.Equal(KubeFailure.Other, error.Failure);
    }

    [Fact]
    public void A_bearer_token_or_user_info_in_a_message_is_redacted()
    {
        string message = KubeApi.Redacted("GET https://admin:hunter2@h:6443/api failed with Authorization: Bearer standin-secret-token");

        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
        Assert.DoesNotContain("standin-secret-token", message, StringComparison.Ordinal);
    }
}
