using System.Globalization;
using Microsoft.Build.Framework;

namespace FileSync.Bench;

/// <summary>
/// Writes a timeline of one build to the file named by its parameter, one line per event as
/// "unix-ms TAB what": evaluation, FileSync's targets (and ComputeContainerConfig, which they pull in), the SyncFiles
/// task and every message it logs (FileSync's detail lines and the assemblies loaded while it runs).
/// Usage: -logger:FileSync.Bench.PhaseLogger,PhaseLogger.dll;/path/to/timeline.tsv
/// </summary>
public sealed class PhaseLogger : ILogger
{
    private StreamWriter? _out;
    private BuildEventContext? _syncTask;

    public LoggerVerbosity Verbosity { get; set; }

    public string? Parameters { get; set; }

    public void Initialize(IEventSource eventSource)
    {
        _out = new StreamWriter(string.IsNullOrWhiteSpace(Parameters) ? "timeline.tsv" : Parameters);
        eventSource.BuildStarted += (_, e) => Line(e, "build started");
        eventSource.StatusEventRaised += (_, e) =>
        {
            if (e is ProjectEvaluationStartedEventArgs)
            {
                Line(e, "evaluation started");
            }
            else if (e is ProjectEvaluationFinishedEventArgs)
            {
                Line(e, "evaluation finished");
            }
        };
        eventSource.TargetStarted += (_, e) =>
        {
            if (Interesting(e.TargetName))
            {
                Line(e, "target " + e.TargetName + " started");
            }
        };
        eventSource.TargetFinished += (_, e) =>
        {
            if (Interesting(e.TargetName))
            {
                Line(e, "target " + e.TargetName + " finished");
            }
        };
        eventSource.TaskStarted += (_, e) =>
        {
            if (e.TaskName == "SyncFiles")
            {
                _syncTask = e.BuildEventContext;
                Line(e, "task SyncFiles started");
            }
        };
        eventSource.TaskFinished += (_, e) =>
        {
            if (e.TaskName == "SyncFiles")
            {
                Line(e, "task SyncFiles finished");
                _syncTask = null;
            }
        };
        eventSource.MessageRaised += (_, e) =>
        {
            if (_syncTask is not null && e.BuildEventContext is { } context && context.TaskId == _syncTask.TaskId
                && context.ProjectContextId == _syncTask.ProjectContextId && e.Message is { } message)
            {
                Line(e, "  " + Shorten(message));
            }
        };
        eventSource.BuildFinished += (_, e) => Line(e, "build finished");
    }

    public void Shutdown() => _out?.Dispose();

    private static bool Interesting(string target) =>
        target.StartsWith("_FileSync", StringComparison.Ordinal) || target is "SyncToContainer" or "Empty" or "ComputeContainerConfig" or "Build";

    private static string Shorten(string message)
    {
        string line = message.ReplaceLineEndings(" ");
        const string loaded = "Assembly loaded during TaskRun";
        if (line.StartsWith(loaded, StringComparison.Ordinal))
        {
            int colon = line.IndexOf("): ", StringComparison.Ordinal);
            int comma = line.IndexOf(',', colon + 3);
            return colon > 0 && comma > colon ? "assembly loaded: " + line[(colon + 3)..comma] : line;
        }

        return line.Length > 140 ? line[..140] + "..." : line;
    }

    private void Line(BuildEventArgs e, string what)
    {
        long ms = new DateTimeOffset(e.Timestamp.ToUniversalTime(), TimeSpan.Zero).ToUnixTimeMilliseconds();
        _out!.WriteLine(ms.ToString(CultureInfo.InvariantCulture) + "\t" + what);
    }
}
