using FileSync.Diagnostics;

namespace FileSync.Tests.Core;

/// <summary>An <see cref="ILog"/> that keeps every line and diagnostic, for assertions (thread-safe: replicas log in parallel).</summary>
internal sealed class RecordingLog : ILog
{
    private readonly object _gate = new();
    private readonly List<string> _summaries = [];
    private readonly List<string> _details = [];
    private readonly List<Diagnostic> _warnings = [];
    private readonly List<Diagnostic> _errors = [];

    public IReadOnlyList<string> Summaries => Snapshot(_summaries);

    public IReadOnlyList<string> Details => Snapshot(_details);

    public IReadOnlyList<Diagnostic> Warnings => Snapshot(_warnings);

    public IReadOnlyList<Diagnostic> Errors => Snapshot(_errors);

    /// <summary>Codes of every warning and error, in the order they were logged.</summary>
    public IReadOnlyList<string> Codes
    {
        get
        {
            lock (_gate)
            {
                return [.. _warnings.Concat(_errors).Select(d => d.Code)];
            }
        }
    }

    public void Summary(string message) => Add(_summaries, message);

    public void Detail(string message) => Add(_details, message);

    public void Warning(Diagnostic diagnostic) => Add(_warnings, diagnostic);

    public void Error(Diagnostic diagnostic) => Add(_errors, diagnostic);

    private void Add<T>(List<T> list, T item)
    {
        lock (_gate)
        {
            list.Add(item);
        }
    }

    private List<T> Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }
}
