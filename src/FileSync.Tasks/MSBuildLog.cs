using FileSync.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FileSync.Tasks;

/// <summary>Core's <see cref="ILog"/> on MSBuild: codes go in the code field, so they can be searched and suppressed.</summary>
internal sealed class MSBuildLog(TaskLoggingHelper log) : ILog
{
    public void Summary(string message) => log.LogMessage(MessageImportance.High, message);

    public void Detail(string message) => log.LogMessage(MessageImportance.Low, message);

    public bool ShowsDetail => log.LogsMessagesOfImportance(MessageImportance.Low);

    public void Warning(Diagnostic diagnostic) =>
        log.LogWarning(null, diagnostic.Code, null, diagnostic.File, diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);

    public void Error(Diagnostic diagnostic) =>
        log.LogError(null, diagnostic.Code, null, diagnostic.File, diagnostic.Line, diagnostic.Column, 0, 0, diagnostic.Message);
}
