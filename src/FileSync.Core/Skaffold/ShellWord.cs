using System.Text;

namespace FileSync.Skaffold;

/// <summary>
/// BuildKit's <c>shell.Lex.ProcessWord</c> for one Dockerfile word (what Skaffold calls on COPY/ADD/WORKDIR words):
/// quotes removed (<c>'...'</c> literal, <c>"..."</c> with expansion), the escape character (<c>\</c>, or <c>`</c>
/// under <c># escape=`</c>) taken literally before the next character, and <c>$NAME</c>, <c>${NAME}</c>,
/// <c>${NAME:-word}</c>, <c>${NAME-word}</c>, <c>${NAME:+word}</c>, <c>${NAME+word}</c>, <c>${NAME:?message}</c> and
/// <c>${NAME?message}</c> expanded. An unset name is empty. A malformed word throws <see cref="FormatException"/>.
/// </summary>
internal sealed class ShellWord(char escape, Func<string, string?> lookup)
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
