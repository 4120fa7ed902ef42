using System.Text.RegularExpressions;

namespace FileSync.Targets;

/// <summary>
/// A Docker Compose project's name and where it came from. Derived as Compose v2 derives it (compose-go
/// <c>withNamePrecedenceLoad</c> and <c>projectName</c>): FileSyncComposeProject (Compose's <c>-p</c>), else
/// COMPOSE_PROJECT_NAME from the environment or the compose file's <c>.env</c>, else the compose file's top-level
/// <c>name:</c>, else the name of the folder holding the compose file (the project folder when none is found upwards).
/// </summary>
internal sealed partial record ComposeProject(string Name, string Origin)
{
    /// <summary>compose-go's DefaultFileNames, in its order of preference.</summary>
    internal static readonly string[] FileNames = ["compose.yaml", "compose.yml", "docker-compose.yml", "docker-compose.yaml"];

    private const string EnvironmentName = "COMPOSE_PROJECT_NAME";

    /// <summary>A name Compose accepts as given (compose-spec: lowercase letters, digits, '_' and '-', starting with a letter or digit).</summary>
    public bool IsValid => ValidName().IsMatch(Name);

    /// <param name="explicitName">FileSyncComposeProject: used as it is (Compose refuses an explicit name it would normalise).</param>
    /// <param name="composeFile">FileSyncComposeFile: the compose file; null: searched for from the project folder upwards, as Compose does from its working folder.</param>
    public static ComposeProject Resolve(string? explicitName, string? composeFile, string projectDirectory, Func<string, string?> environment)
    {
        if (!string.IsNullOrWhiteSpace(explicitName))
        {
            return new(explicitName.Trim(), "FileSyncComposeProject");
        }

        if (environment(EnvironmentName) is { Length: > 0 } fromEnvironment)
        {
            return new(fromEnvironment, $"the environment variable {EnvironmentName}");
        }

        string? file = string.IsNullOrWhiteSpace(composeFile) ? FindUpwards(projectDirectory) : Given(Path.GetFullPath(composeFile.Trim(), projectDirectory));
        string folder = file is null ? Path.TrimEndingDirectorySeparator(projectDirectory) : Path.GetDirectoryName(file)!;
        if (file is not null)
        {
            if (ReadValue(Path.Combine(folder, ".env"), DotEnvName()) is { Length: > 0 } fromDotEnv)
            {
                return new(fromDotEnv, $"{EnvironmentName} in '{Path.Combine(folder, ".env")}'");
            }

            if (ReadValue(file, YamlName()) is { Length: > 0 } fromFile && Normalize(fromFile) is { Length: > 0 } normalized)
            {
                return new(normalized, $"'name: {fromFile}' in '{file}'");
            }
        }

        return new(Normalize(Path.GetFileName(folder)), file is null ? $"the project folder '{folder}' (no compose file found above it)" : $"the folder of '{file}'");
    }

    /// <summary>compose-go's NormalizeProjectName: lowercase, keep only [a-z0-9_-], drop leading '_' and '-'.</summary>
    public static string Normalize(string name) =>
        new string(name.ToLowerInvariant().Where(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '-').ToArray()).TrimStart('_', '-');

    private static string? FindUpwards(string start)
    {
        for (DirectoryInfo? folder = new(start); folder is not null; folder = folder.Parent)
        {
            if (FindIn(folder.FullName) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    private static string? FindIn(string folder) => FileNames.Select(name => Path.Combine(folder, name)).FirstOrDefault(File.Exists);

    /// <summary>FileSyncComposeFile may name the folder (Compose's --project-directory) instead of the file.</summary>
    private static string Given(string path) =>
        Directory.Exists(path) ? FindIn(path) ?? Path.Combine(Path.TrimEndingDirectorySeparator(path), FileNames[0]) : path;

    /// <summary>The last value a line pattern finds, unquoted; null when the file is absent or unreadable (Compose then fails on its own).</summary>
    private static string? ReadValue(string path, Regex line)
    {
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            string? value = null;
            foreach (string text in File.ReadLines(path))
            {
                Match match = line.Match(text);
                if (match.Success)
                {
                    value = match.Groups["value"].Value.Trim().Trim('"', '\'');
                }
            }

            // Interpolated (`name: ${X}`) is Compose's to expand: the folder name is the better guess, and the message says where it came from.
            return value is null || value.Contains('$') ? null : value;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9_-]*$")]
    private static partial Regex ValidName();

    /// <summary>A top-level key starts in the first column; a trailing comment follows whitespace.</summary>
    [GeneratedRegex(@"^name:[ \t]*(?<value>[^#]*?)[ \t]*(?:[ \t]#.*)?$")]
    private static partial Regex YamlName();

    [GeneratedRegex(@"^[ \t]*(?:export[ \t]+)?COMPOSE_PROJECT_NAME[ \t]*=[ \t]*(?<value>[^#]*?)[ \t]*(?:[ \t]#.*)?$")]
    private static partial Regex DotEnvName();
}
