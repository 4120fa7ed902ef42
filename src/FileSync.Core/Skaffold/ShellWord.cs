using System.Text;
using System.Text.RegularExpressions;

namespace FileSync.Skaffold;

/// <summary>
/// BuildKit's <c>shell.Lex.ProcessWord</c> for one Dockerfile word (what Skaffold calls on COPY/ADD/WORKDIR words):
/// quotes removed (<c>'...'</c> literal, <c>"..."</c> with expansion), the escape character (<c>\</c>, or <c>`</c>
/// under <c># escape=`</c>) taken literally before the next character, and <c>$NAME</c>, <c>${NAME}</c>,
/// <c>${NAME:-word}</c>, <c>${NAME-word}</c>, <c>${NAME:+word}</c>, <c>${NAME+word}</c>, <c>${NAME:?message}</c> and
/// <c>${NAME?message}</c> expanded, and the pattern forms of Dockerfile 1.7 (<c>${NAME#pattern}</c>, <c>##</c>, <c>%</c>,
/// <c>%%</c>, <c>${NAME/pattern/word}</c>, <c>//</c>; <c>*</c> and <c>?</c> wildcards). An unset name is empty. A
/// malformed word throws <see cref="FormatException"/>.
/// </summary>
internal sealed partial class ShellWord(char escape, Func<string, string?> lookup, bool keepEscapes = false)
{
    public string Process(string word)
    {
        var result = new StringBuilder(word.Length);
        int i = 0;
        while (i < word.Length)
        {
            char c = word[i];
            if (c == '\'')
            {
                int end = word.IndexOf('\'', i + 1);
                if (end < 0)
                {
                    throw new FormatException($"unexpected end of statement while looking for matching single-quote in '{word}'");
                }

                result.Append(word, i + 1, end - i - 1);
                i = end + 1;
            }
            else if (c == '"')
            {
                i = DoubleQuoted(word, i + 1, result);
            }
            else if (c == escape)
            {
                if (keepEscapes)
                {
                    result.Append(c); // a pattern's escape is the pattern's own (\* is a literal star)
                }

                if (i + 1 < word.Length)
                {
                    result.Append(word[i + 1]);
                }

                i += 2;
            }
            else if (c == '$')
            {
                i = Dollar(word, i + 1, result);
            }
            else
            {
                result.Append(c);
                i++;
            }
        }

        return result.ToString();
    }

    private int DoubleQuoted(string word, int i, StringBuilder result)
    {
        while (i < word.Length)
        {
            char c = word[i];
            if (c == '"')
            {
                return i + 1;
            }

            if (c == '$')
            {
                i = Dollar(word, i + 1, result);
            }
            else if (c == escape && i + 1 < word.Length && (word[i + 1] is '"' or '$' || word[i + 1] == escape))
            {
                result.Append(word[i + 1]);
                i += 2;
            }
            else
            {
                result.Append(c);
                i++;
            }
        }

        throw new FormatException($"unexpected end of statement while looking for matching double-quote in '{word}'");
    }

    /// <summary>After a '$': a name, a <c>{...}</c> form, or a literal '$'.</summary>
    private int Dollar(string word, int i, StringBuilder result)
    {
        if (i < word.Length && word[i] == '{')
        {
            int start = i + 1;
            int nameEnd = start;
            while (nameEnd < word.Length && IsNameChar(word[nameEnd]))
            {
                nameEnd++;
            }

            if (nameEnd == start)
            {
                throw new FormatException($"missing or invalid variable name in '{word}'");
            }

            string name = word[start..nameEnd];
            int close = Closing(word, nameEnd);
            string? value = lookup(name);
            if (nameEnd == close)
            {
                result.Append(value);
                return close + 1;
            }

            string modifier = word[nameEnd..close];
            if (modifier[0] is '#' or '%' or '/')
            {
                result.Append(Pattern(modifier, value ?? ""));
                return close + 1;
            }

            bool colon = modifier.StartsWith(':');
            string op = colon ? modifier[1..] : modifier;
            if (op.Length == 0)
            {
                throw new FormatException($"bad substitution in '{word}'");
            }

            string argument = op[1..];
            bool set = colon ? !string.IsNullOrEmpty(value) : value is not null;
            switch (op[0])
            {
                case '-':
                    result.Append(set ? value : Process(argument));
                    break;
                case '+':
                    result.Append(set ? Process(argument) : "");
                    break;
                case '?':
                    result.Append(set ? value : throw new FormatException($"{name}: {(argument.Length > 0 ? Process(argument) : "is not allowed to be unset")}"));
                    break;
                default:
                    throw new FormatException($"unsupported modifier ({modifier}) in substitution '{word}'");
            }

            return close + 1;
        }

        int end = i;
        while (end < word.Length && IsNameChar(word[end]))
        {
            end++;
        }

        if (end == i)
        {
            result.Append('$'); // "$" before anything that is not a name stays as it is
            return i;
        }

        result.Append(lookup(word[i..end]));
        return end;
    }

    /// <summary>BuildKit's <c>#</c>/<c>##</c> (trim a prefix), <c>%</c>/<c>%%</c> (a suffix), <c>/</c>/<c>//</c> (replace the first/every match) on <paramref name="value"/>.</summary>
    private string Pattern(string modifier, string value)
    {
        var raw = new ShellWord(escape, lookup, keepEscapes: true);
        char op = modifier[0];
        bool twice = modifier.Length > 1 && modifier[1] == op;
        string argument = modifier[(twice ? 2 : 1)..];
        if (op == '/')
        {
            int slash = UnescapedSlash().Match(argument) is { Success: true } match ? match.Index : -1;
            string pattern = raw.Process(slash < 0 ? argument : argument[..slash]);
            string replacement = slash < 0 ? "" : raw.Process(argument[(slash + 1)..]);
            Regex find = Wildcards(pattern, greedy: true, anchored: false);
            return twice ? find.Replace(value, replacement.Replace("$", "$$")) : find.Replace(value, replacement.Replace("$", "$$"), 1);
        }

        // As BuildKit: a suffix is a prefix of the reversed value, matched by the reversed pattern.
        string text = op == '#' ? value : Reverse(value);
        string wildcard = raw.Process(argument);
        Match prefix = Wildcards(op == '#' ? wildcard : ReversePattern(wildcard), twice, anchored: true).Match(text);
        string rest = prefix.Success ? text[prefix.Length..] : text;
        return op == '#' ? rest : Reverse(rest);
    }

    /// <summary>BuildKit's convertShellPatternToRegex: <c>*</c> (shortest, or longest when greedy), <c>?</c>, <c>\</c> before <c>*</c>, <c>?</c> or <c>\</c>; no brackets.</summary>
    private static Regex Wildcards(string pattern, bool greedy, bool anchored)
    {
        var regex = new StringBuilder(anchored ? "^" : "");
        for (int i = 0; i < pattern.Length; i++)
        {
            char c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length && pattern[i + 1] is '}' or '/')
            {
                continue;
            }

            if (c == '\\')
            {
                char next = i + 1 < pattern.Length ? pattern[++i] : '\0';
                regex.Append(next is '*' or '?' or '\\' ? Regex.Escape(next.ToString()) : throw new FormatException($"invalid escape '\\{next}' in pattern '{pattern}'"));
                continue;
            }

            regex.Append(c switch { '*' => greedy ? ".*" : ".*?", '?' => ".", _ => Regex.Escape(c.ToString()) });
        }

        return new Regex(regex.ToString(), RegexOptions.Singleline | RegexOptions.CultureInvariant);
    }

    /// <summary>The pattern backwards, each escape kept before the character it escapes (<c>a\*c</c> gives <c>c\*a</c>).</summary>
    private static string ReversePattern(string pattern)
    {
        var tokens = new List<string>();
        for (int i = 0; i < pattern.Length; i++)
        {
            tokens.Add(pattern[i] == '\\' && i + 1 < pattern.Length ? pattern.Substring(i++, 2) : pattern[i].ToString());
        }

        tokens.Reverse();
        return string.Concat(tokens);
    }

    private static string Reverse(string text)
    {
        char[] chars = text.ToCharArray();
        Array.Reverse(chars);
        return new string(chars);
    }

    [GeneratedRegex(@"(?<!\\)/")]
    private static partial Regex UnescapedSlash();

    /// <summary>The '}' that closes a <c>${</c> (nested <c>${...}</c> in the modifier's word included).</summary>
    private static int Closing(string word, int i)
    {
        int depth = 0;
        for (; i < word.Length; i++)
        {
            if (word[i] == '{' && i > 0 && word[i - 1] == '$')
            {
                depth++;
            }
            else if (word[i] == '}')
            {
                if (depth == 0)
                {
                    return i;
                }

                depth--;
            }
        }

        throw new FormatException($"missing '}}' in '{word}'");
    }

    private static bool IsNameChar(char c) => c is '_' or (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or (>= '0' and <= '9');
}
