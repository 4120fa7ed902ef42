using System.Text.RegularExpressions;

namespace FileSync.Skaffold;

/// <summary>
/// Skaffold's env templates in <c>buildArgs</c> (util.EvaluateEnvTemplate: Go templates over the environment):
/// <c>{{.NAME}}</c> is the variable's value, empty when unset. Other template actions are left as written.
/// </summary>
internal static partial class EnvTemplate
{
    public static string Evaluate(string value) =>
        value.Contains("{{", StringComparison.Ordinal)
            ? Field().Replace(value, match => Environment.GetEnvironmentVariable(match.Groups[1].Value) ?? "")
            : value;

    [GeneratedRegex(@"\{\{\s*\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")]
    private static partial Regex Field();
}
