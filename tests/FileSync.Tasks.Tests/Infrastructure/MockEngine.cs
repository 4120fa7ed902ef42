using System.Collections;
using Microsoft.Build.Framework;

namespace FileSync.Tasks.Tests.Infrastructure;

/// <summary>A fake build engine that records what a task logs, with codes and importance (like sourcelink's MockEngine).</summary>
internal sealed class MockEngine : IBuildEngine4, IDisposable
{
    private readonly object _gate = new();
    private readonly List<BuildErrorEventArgs> _errors = [];
    private readonly List<BuildWarningEventArgs> _warnings = [];
    private readonly List<BuildMessageEventArgs> _messages = [];
    private readonly Dictionary<object, object> _taskObjects = [];

    public IReadOnlyList<BuildErrorEventArgs> Errors { get { lock (_gate) { return [.. _errors]; } } }

    public IReadOnlyList<BuildWarningEventArgs> Warnings { get { lock (_gate) { return [.. _warnings]; } } }

    public IReadOnlyList<BuildMessageEventArgs> Messages { get { lock (_gate) { return [.. _messages]; } } }

    /// <summary>Everything logged, one event a line: for assertion messages.</summary>
    public string Log => string.Join(Environment.NewLine,
        Errors.Select(e => $"error {e.Code}: {e.Message}")
            .Concat(Warnings.Select(w => $"warning {w.Code}: {w.Message}"))
            .Concat(Messages.Select(m => $"{m.Importance}: {m.Message}")));

    public void LogErrorEvent(BuildErrorEventArgs e) { lock (_gate) { _errors.Add(e); } }

    public void LogWarningEvent(BuildWarningEventArgs e) { lock (_gate) { _warnings.Add(e); } }

    public void LogMessageEvent(BuildMessageEventArgs e) { lock (_gate) { _messages.Add(e); } }

    public void LogCustomEvent(CustomBuildEventArgs e) { }

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => "test.proj";

    public bool IsRunningMultipleNodes => false;

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => throw new NotSupportedException();

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs, string toolsVersion) => throw new NotSupportedException();

    public bool BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IDictionary[] targetOutputsPerProject, string[] toolsVersion, bool useResultsCache, bool unloadProjectsOnCompletion) => throw new NotSupportedException();

    public BuildEngineResult BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IList<string>[] removeGlobalProperties, string[] toolsVersion, bool returnTargetOutputs) => throw new NotSupportedException();

    public void Yield() { }

    public void Reacquire() { }

    public void RegisterTaskObject(object key, object obj, RegisteredTaskObjectLifetime lifetime, bool allowEarlyCollection) { lock (_gate) { _taskObjects[key] = obj; } }

    public object? GetRegisteredTaskObject(object key, RegisteredTaskObjectLifetime lifetime) { lock (_gate) { return _taskObjects.GetValueOrDefault(key); } }

    public object? UnregisterTaskObject(object key, RegisteredTaskObjectLifetime lifetime) { lock (_gate) { return _taskObjects.Remove(key, out object? obj) ? obj : null; } }

    /// <summary>Disposes what tasks registered, as MSBuild does when the objects' lifetime ends.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            foreach (IDisposable disposable in _taskObjects.Values.OfType<IDisposable>())
            {
                disposable.Dispose();
            }

            _taskObjects.Clear();
        }
    }
}
