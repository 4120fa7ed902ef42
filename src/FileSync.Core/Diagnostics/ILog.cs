namespace FileSync.Diagnostics;

/// <summary>The little Core needs from a logger; the MSBuild task and tests implement it.</summary>
internal interface ILog
{
    /// <summary>The one line a user sees per sync at normal verbosity.</summary>
    void Summary(string message);

    /// <summary>Per-file and per-step lines, shown at detailed verbosity.</summary>
    void Detail(string message);

    void Warning(Diagnostic diagnostic);

    void Error(Diagnostic diagnostic);
}
