using System.Text;
using System.Text.RegularExpressions;

namespace FileSync.Targets;

/// <summary>
/// The engine refused an entry that would replace a folder with a non-folder or the reverse (noOverwriteDirNonDir):
/// <c>cannot overwrite directory "/app/cfg" with non-directory "/app"</c>. <see cref="Path"/> is the container path
/// (the engine extracts in the container's root), <see cref="HeldFolder"/> whether a folder is what it holds there.
/// Podman (buildah's copier) says it in its own words: <c>copier: put: error creating "/app/cfg": copier: put: error
/// creating file at "/app/cfg": open /app/cfg: file exists</c> (a folder kept where a non-folder goes) or
/// <c>... error creating "/app/f": mkdir /app/f: file exists</c> (a non-folder kept where a folder goes).
/// </summary>
internal sealed partial class EngineRefusal(string path, bool heldFolder, string message) : Exception(message)
{
    public string Path { get; } = path;

    public bool HeldFolder { get; } = heldFolder;

    public static EngineRefusal? Parse(string message)
    {
        Match match = Pattern().Match(message);
        bool podman = !match.Success && (match = PodmanPattern().Match(message)).Success;
        try
        {
            return match.Success && Unquote(match.Groups["path"].Value) is { } path
                ? new EngineRefusal(path, podman ? match.Groups["mkdir"].Length == 0 : match.Groups["non"].Length == 0, message)
                : null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            return null; // not the engine's quoting: reported as the engine said it
        }
    }

    /// <summary>Go's %q: a quoted string with backslash escapes (\", \\, \n, \xHH, \uHHHH, ...); null when malformed.</summary>
    internal static string? Unquote(string quoted)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < quoted.Length; i++)
        {
            char c = quoted[i];
            if (c != '\\')
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(c.ToString()));
                continue;
            }

            if (++i >= quoted.Length)
            {
                return null;
            }

            switch (quoted[i])
            {
                case 'x' when i + 2 < quoted.Length:
                    bytes.Add(Convert.ToByte(quoted.Substring(i + 1, 2), 16));
                    i += 2;
                    break;
                case 'u' when i + 4 < quoted.Length:
                    bytes.AddRange(Encoding.UTF8.GetBytes(char.ConvertFromUtf32(Convert.ToInt32(quoted.Substring(i + 1, 4), 16))));
                    i += 4;
                    break;
                case 'U' when i + 8 < quoted.Length:
                    bytes.AddRange(Encoding.UTF8.GetBytes(char.ConvertFromUtf32(Convert.ToInt32(quoted.Substring(i + 1, 8), 16))));
                    i += 8;
                    break;
                case var escape:
                    int index = "abfnrtv\\\"'".IndexOf(escape, StringComparison.Ordinal);
                    if (index < 0)
                    {
                        return null;
                    }

                    bytes.Add((byte)"\a\b\f\n\r\t\v\\\"'"[index]);
                    break;
            }
        }

        return Encoding.UTF8.GetString(bytes.ToArray());
    }

    [GeneratedRegex("""cannot overwrite (?<non>non-)?directory "(?<path>(?:[^"\\]|\\.)*)" with""")]
    private static partial Regex Pattern();

    /// <summary>Podman: only EEXIST is a refusal (noOverwriteDirNonDir kept what is there); "mkdir" first: it kept a non-folder.</summary>
    [GeneratedRegex("""copier: put: error creating "(?<path>(?:[^"\\]|\\.)*)": (?<mkdir>mkdir )?.*: file exists""", RegexOptions.Singleline)]
    private static partial Regex PodmanPattern();
}
