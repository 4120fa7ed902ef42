using System.Globalization;
using System.Resources;

namespace FileSync.Tasks;

/// <summary>A coded message: the code and the text after it, as Core's Diagnostic.</summary>
internal sealed class TwinDiagnostic(string code, string message)
{
    public string Code { get; } = code;

    public string Message { get; } = message;
}

/// <summary>
/// The messages only the twin can give (filesync-task never ran, or ended without a word), from Core's Strings.resx
/// embedded in this assembly; each method has its resource's name, as Core's Diag (which cannot load here).
/// </summary>
internal static class Diag
{
    private static readonly ResourceManager Strings = new("FileSync.Tasks.Strings", typeof(Diag).Assembly);

    public static TwinDiagnostic OutOfProcessHostMissing(string host) => Make(nameof(OutOfProcessHostMissing), host);

    public static TwinDiagnostic OutOfProcessDotnetNotFound(string dotnet, string host) => Make(nameof(OutOfProcessDotnetNotFound), dotnet, host);

    public static TwinDiagnostic OutOfProcessFailed(string host, int exitCode) => Make(nameof(OutOfProcessFailed), host, exitCode);

    private static TwinDiagnostic Make(string name, params object[] args)
    {
        string text = string.Format(CultureInfo.InvariantCulture, Strings.GetString(name, CultureInfo.InvariantCulture)!, args);
        int colon = text.IndexOf(':');
        return new TwinDiagnostic(text.Substring(0, colon), text.Substring(colon + 1).TrimStart());
    }
}
