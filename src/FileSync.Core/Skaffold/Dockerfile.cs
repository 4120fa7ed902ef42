using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FileSync.Skaffold;

/// <summary>One instruction of a Dockerfile: its keyword (lower case), its leading <c>--flags</c>, the text after them, and its first line.</summary>
internal sealed record DockerInstruction(string Keyword, IReadOnlyList<string> Flags, string Rest, int Line);

/// <summary>
/// The instructions of a Dockerfile, split as BuildKit's <c>frontend/dockerfile/parser</c> splits them (the parser
/// Skaffold uses): parser directives at the top (<c># escape=`</c>), comment lines (even inside a continuation), blank
/// lines, lines continued by the escape character, here-documents of COPY/ADD/RUN (their bodies are skipped), and
/// leading <c>--flag=value</c> words. Unknown instructions are errors, as <c>instructions.Parse</c> makes them, unless
/// a <c># syntax=</c> directive names another frontend (Skaffold skips the check then). A problem throws
/// <see cref="DockerfileException"/> with its line.
/// </summary>
internal static partial class Dockerfile
{
    private static readonly HashSet<string> Known =
    [
        "add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck", "label", "maintainer", "onbuild",
        "run", "shell", "stopsignal", "user", "volume", "workdir",
    ];

    public static (IReadOnlyList<DockerInstruction> Instructions, char Escape) Parse(string text)
    {
        string[] lines = text.Replace("\r\n", "\n").Split('\n');
        if (lines.Length > 0)
        {
            lines[0] = lines[0].TrimStart('\uFEFF');
        }

        char escape = '\\';
        bool syntax = false;
        int i = 0;
        for (; i < lines.Length && Directive().Match(lines[i]) is { Success: true } directive; i++)
        {
            string name = directive.Groups[1].Value.ToLowerInvariant();
            string value = directive.Groups[2].Value;
            if (name == "escape")
            {
                escape = value is "`" or "\\" ? value[0] : throw new DockerfileException(i + 1, $"invalid escape token '{value}' does not match ` or \\");
            }

            syntax |= name == "syntax";
        }

        var instructions = new List<DockerInstruction>();
        while (i < lines.Length)
        {
            string line = lines[i].TrimStart();
            int start = i++;
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var logical = new StringBuilder();
            while (Continued(line, escape, out string head))
            {
                logical.Append(head);
                line = "";
                while (i < lines.Length)
                {
                    string next = lines[i++].TrimStart();
                    if (next.Length > 0 && !next.StartsWith('#'))
                    {
                        line = next;
                        break;
                    }
                }
            }

            logical.Append(line);
            string full = logical.ToString().Trim();
            int space = full.IndexOfAny([' ', '\t']);
            string keyword = (space < 0 ? full : full[..space]).ToLowerInvariant();
            string rest = space < 0 ? "" : full[space..].TrimStart();
            if (!Known.Contains(keyword))
            {
                if (syntax)
                {
                    continue;
                }

                throw new DockerfileException(start + 1, $"unknown instruction: {(space < 0 ? full : full[..space])}");
            }

            var flags = new List<string>();
            while (keyword is "copy" or "add" or "from" or "run" && rest.StartsWith("--", StringComparison.Ordinal))
            {
                int end = rest.IndexOfAny([' ', '\t']);
                flags.Add(end < 0 ? rest : rest[..end]);
                rest = end < 0 ? "" : rest[end..].TrimStart();
            }

            if (keyword is "copy" or "add" or "run")
            {
                i = SkipHeredocs(rest, lines, i);
            }

            instructions.Add(new DockerInstruction(keyword, flags, rest, start + 1));
        }

        return (instructions, escape);
    }

    /// <summary>COPY/ADD arguments: a JSON array of strings, else words split at whitespace (BuildKit's parseMaybeJSONToList).</summary>
    public static IReadOnlyList<string> Arguments(DockerInstruction instruction)
    {
        string rest = instruction.Rest.Trim();
        if (rest.StartsWith('['))
        {
            try
            {
                using JsonDocument json = JsonDocument.Parse(rest);
                if (json.RootElement.ValueKind == JsonValueKind.Array && json.RootElement.EnumerateArray().All(word => word.ValueKind == JsonValueKind.String))
                {
                    return [.. json.RootElement.EnumerateArray().Select(word => word.GetString()!)];
                }
            }
            catch (JsonException)
            {
                // not JSON: whitespace-separated words, as BuildKit falls back
            }
        }

        return Whitespace().Split(rest).Where(word => word.Length > 0).ToArray();
    }

    /// <summary>ENV and ARG words: split at whitespace outside quotes, an escaped character kept with its escape (BuildKit's parseWords).</summary>
    public static IReadOnlyList<string> Words(string rest, char escape)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        char quote = '\0';
        for (int i = 0; i < rest.Length; i++)
        {
            char c = rest[i];
            if (c == escape && i + 1 < rest.Length)
            {
                word.Append(c).Append(rest[++i]);
            }
            else if (quote != '\0')
            {
                word.Append(c);
                quote = c == quote ? '\0' : quote;
            }
            else if (c is '"' or '\'')
            {
                word.Append(c);
                quote = c;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (word.Length > 0)
                {
                    words.Add(word.ToString());
                    word.Clear();
                }
            }
            else
            {
                word.Append(c);
            }
        }

        if (word.Length > 0)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    /// <summary>Whether the line ends with the escape character (then spaces or tabs): the instruction goes on.</summary>
    private static bool Continued(string line, char escape, out string head)
    {
        string trimmed = line.TrimEnd(' ', '\t');
        bool continued = trimmed.EndsWith(escape);
        head = continued ? trimmed[..^1] : line;
        return continued;
    }

    /// <summary>Skips the bodies of the here-documents (<c>&lt;&lt;EOF</c>, <c>&lt;&lt;-"EOF"</c>) the instruction opens.</summary>
    private static int SkipHeredocs(string rest, string[] lines, int i)
    {
        foreach (Match heredoc in Heredoc().Matches(rest))
        {
            string terminator = heredoc.Groups["word"].Value;
            bool tabs = heredoc.Groups["dash"].Success;
            while (i < lines.Length)
            {
                string body = lines[i++];
                if ((tabs ? body.TrimStart('\t') : body) == terminator)
                {
                    break;
                }
            }
        }

        return i;
    }

    [GeneratedRegex(@"^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")]
    private static partial Regex Directive();

    [GeneratedRegex(@"[\t\v\f\r ]+")]
    private static partial Regex Whitespace();

    [GeneratedRegex(@"(?<![^\s])<<(?<dash>-)?(?<q>[""']?)(?<word>[A-Za-z0-9_]+)\k<q>")]
    private static partial Regex Heredoc();
}

/// <summary>A Dockerfile problem at a line (FSYNC8023 once the file is known).</summary>
internal sealed class DockerfileException(int line, string message) : Exception(message)
{
    public int Line { get; } = line;
}
