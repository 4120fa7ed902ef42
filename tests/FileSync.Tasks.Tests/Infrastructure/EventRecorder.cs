using Microsoft.Build.Framework;

namespace FileSync.Tasks.Tests.Infrastructure;

/// <summary>A logger that keeps every build event. Diagnostic verbosity, so MSBuild still raises low-importance messages.</summary>
internal sealed class EventRecorder : ILogger
{
    private readonly List<BuildEventArgs> _events = [];

    public LoggerVerbosity Verbosity { get; set; } = LoggerVerbosity.Diagnostic;

    public string? Parameters { get; set; }

    public IReadOnlyList<BuildEventArgs> Events { get { lock (_events) { return [.. _events]; } } }

    public void Initialize(IEventSource eventSource) => eventSource.AnyEventRaised += (_, e) => { lock (_events) { _events.Add(e); } };

    public void Shutdown()
    {
    }
}
