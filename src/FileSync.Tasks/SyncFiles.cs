using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Jobs;
using FileSync.Server;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FileSync.Tasks;

/// <summary>A thin shell over Core: turns the items into a plain-data request, runs the sync job, reports with codes.</summary>
public sealed partial class SyncFiles : Microsoft.Build.Utilities.Task, ICancelableTask
{
    private readonly CancellationTokenSource _cancel = new();

    public void Cancel() => _cancel.Cancel();

    public override bool Execute()
    {
        var log = new MSBuildLog(Log);
        try
        {
            if (Watch)
            {
                // The watch follows FileSyncRule items only: with a skaffold.yaml its first sync would delete what the
                // file's rules synced, so it refuses before syncing anything.
                _ = ReadConfig(log);
                if (_configFile is not null)
                {
                    log.Error(Diag.WatchConfigUnsupported(_configFile));
                    return false;
                }

                RunWatch(log, _cancel.Token); // no stamp: a watch is not a build's sync
                return !Log.HasLoggedErrors && !_cancel.IsCancellationRequested;
            }

            if (!string.IsNullOrWhiteSpace(UnknownTargetFramework))
            {
                log.Error(Diag.UnknownTargetFramework(UnknownTargetFramework, TargetFrameworks ?? ""));
                return false;
            }

            // A skaffold.yaml is read first: its artifact may give the context and the image (SyncFiles.Config.cs).
            IReadOnlyList<SyncItem> configItems = ReadConfig(log);
            SyncResult result = RunAsync(CreateRequest(log.ShowsDetail), configItems, log, _cancel.Token).GetAwaiter().GetResult();
            CopiedCount = result.CopiedCount;
            DeletedCount = result.DeletedCount;
            Planned = [.. result.Planned.Select(PlannedItem)];
            if (result.Synced && !Log.HasLoggedErrors)
            {
                WriteStamp(log);
                RecordConfigFingerprint();
            }
        }
        catch (FileSyncException e)
        {
            log.Error(e.Diagnostic); // the skaffold.yaml (the job reports its own)
        }
        catch (OperationCanceledException) when (_cancel.IsCancellationRequested)
        {
            // MSBuild reports the cancellation; the state was not advanced past what the target confirmed.
        }

        // A cancelled sync is not a success: the targets must not stamp it as synced.
        return !Log.HasLoggedErrors && !_cancel.IsCancellationRequested;
    }

    /// <summary>On the sync server when it is on and answers; else (or when anything goes wrong with it) in this process.</summary>
    private async Task<SyncResult> RunAsync(SyncRequest request, IReadOnlyList<SyncItem> configItems, ILog log, CancellationToken cancellationToken)
    {
        if (_configFile is not null)
        {
            // A skaffold.yaml's rules are matched here, and its unchanged-check needs this task's settings: in-process.
            log.Detail("FileSync: a skaffold.yaml sync runs in-process (the sync server does not take them yet)");
            return await new SyncJob(request, log, (host, timeouts) => DockerClients.For(BuildEngine, log, timeouts)(host))
            {
                ExtraItems = configItems,
                Ignored = IsDockerIgnored,
                Hooks = _configHooks,
                SkipWhen = sources => ConfigUnchanged(sources, log),
            }.RunAsync(cancellationToken).ConfigureAwait(false);
        }

        if (Server && OperatingSystem.IsLinux())
        {
            var options = new ServerOptions(ServerAssembly, Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"), IdleMinutes(log));
            var client = new ServerClient(ServerEndpoint.ForThisVersion(Environment.GetEnvironmentVariable), options, log);
            if (client.TrySync(request, cancellationToken) is { } result)
            {
                return result;
            }
        }
        else if (log.ShowsDetail)
        {
            log.Detail(Diag.ServerOff().ToString()); // only then: no resource lookup on a cold sync at normal verbosity
        }

        return await new SyncJob(request, log, (host, timeouts) => DockerClients.For(BuildEngine, log, timeouts)(host)).RunAsync(cancellationToken).ConfigureAwait(false);
    }

    private double IdleMinutes(ILog log)
    {
        if (string.IsNullOrWhiteSpace(ServerIdleMinutes))
        {
            return 10;
        }

        if (double.TryParse(ServerIdleMinutes.Trim(), System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double minutes) && minutes is >= 0.05 and <= 1440)
        {
            return minutes;
        }

        log.Warning(Diag.InvalidServerIdleMinutes(ServerIdleMinutes));
        return 10;
    }

    /// <summary>The task's inputs as plain data; a rule's FullPath only when the project folder is not given.</summary>
    private SyncRequest CreateRequest(bool detailed) => new()
    {
        Detailed = detailed,
        Rules = [.. Rules.Select(item => Item(item, string.IsNullOrEmpty(ProjectDirectory) ? ["Dest", "Strip", "Mode", "FullPath"] : ["Dest", "Strip", "Mode"]))],
        OutputFiles = [.. OutputFiles.Select(item => Item(item))],
        Actions = [.. Actions.Select(item => new RequestItem(item.ItemSpec, new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["Match"] = item.GetMetadata("Match"),
            ["Command"] = Escaped(item, "Command"), // split on ';' before it is unescaped (PostSyncAction.Create)
        }))],
        OutputDirectory = OutputDirectory,
        OutputDest = OutputDest,
        UnresolvedTargetFrameworks = UnresolvedTargetFrameworks,
        ContextDirectory = ContextDirectory,
        ProjectDirectory = ProjectDirectory,
        StateDirectory = StateDirectory,
        Runtime = Runtime,
        Container = Container,
        Selector = Selector,
        Image = Image,
        Pod = Pod,
        Namespace = Namespace,
        KubeContext = KubeContext,
        ComposeService = ComposeService,
        ComposeProject = ComposeProject,
        ComposeFile = ComposeFile,
        DockerHost = DockerHost,
        DockerTimeout = DockerTimeout,
        Directory = Directory,
        WorkingDirectory = WorkingDirectory,
        FallbackWorkingDirectory = FallbackWorkingDirectory,
        Owner = Owner,
        DryRun = DryRun,
        DirectWrite = DirectWrite,
        StaticWebAssets = StaticWebAssets,
        StaticWebAssetsManifest = StaticWebAssetsManifest,
        StaticWebAssetsCompression = StaticWebAssetsCompression,
        BaseDirectory = Environment.CurrentDirectory,
        Environment = SyncRequest.CaptureEnvironment(),
    };

    private static RequestItem Item(ITaskItem item, params string[] metadata) =>
        new(item.ItemSpec, metadata.ToDictionary(name => name, item.GetMetadata, StringComparer.Ordinal));

    /// <summary>Metadata as written, still escaped (where a split must come before the unescape).</summary>
    private static string Escaped(ITaskItem item, string name) => item is ITaskItem2 escaped ? escaped.GetMetadataValueEscaped(name) : item.GetMetadata(name);

    /// <summary>Marks the after-build hook's output up to date (MSBuild's Touch, with a coded warning instead of MSB3371).</summary>
    private void WriteStamp(ILog log)
    {
        if (string.IsNullOrWhiteSpace(StampFile))
        {
            return;
        }

        try
        {
            using (new FileStream(StampFile, FileMode.OpenOrCreate, FileAccess.Write))
            {
            }

            File.SetLastWriteTimeUtc(StampFile, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning(Diag.StampNotWritten(StampFile, e.Message));
        }
    }

    /// <summary>TaskItem takes its spec and metadata escaped: a name with '%', ';' or '*' must reach the binlog as it is.</summary>
    private static TaskItem PlannedItem(PlannedEntry entry) =>
        new(Escape(entry.Include), new Dictionary<string, string> { ["Destination"] = Escape(entry.Destination), ["Operation"] = entry.Operation, ["Instance"] = Escape(entry.Instance) });

    private static string Escape(string value)
    {
        if (value.AsSpan().IndexOfAny("%*?@$();'") < 0)
        {
            return value;
        }

        var escaped = new System.Text.StringBuilder(value.Length + 8);
        foreach (char c in value)
        {
            _ = "%*?@$();'".Contains(c) ? escaped.Append('%').Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture)) : escaped.Append(c);
        }

        return escaped.ToString();
    }
}
