namespace FileSync.Diagnostics;

/// <summary>The little Core needs from a logger; the MSBuild task and tests implement it.</summary>
internal interface ILog
{
    /// <summary>The one line a user sees per sync at normal verbosity.</summary>
    void Summary(string message);

    /// <summary>Per-file and per-step lines, shown at detailed verbosity.</summary>
    void Detail(string message);

    /// <summary>Whether <see cref="Detail"/> lines are shown at all (MSBuild's verbosity): lines only worth their cost then are skipped.</summary>
    bool ShowsDetail => true;

    void Warning(Diagnostic diagnostic);

    void Error(Diagnostic diagnostic);
}
