using System.Text;
using System.Text.RegularExpressions;

namespace FileSync.Skaffold;

/// <summary>One .dockerignore pattern (moby/patternmatcher's Pattern).</summary>
internal sealed partial class DockerIgnore
{
    /// <summary>One cleaned pattern, matched as patternmatcher's Pattern.match: exact, prefix (<c>a/**</c>), suffix (<c>**/a</c>) or a regular expression.</summary>
    private sealed class Pattern
    {
        private enum Kind
        {
            Exact,
            Prefix,
            Suffix,
            Expression,
        }

        private Kind _kind;
        private Regex? _expression;

        private Pattern(string text, bool exclusion)
        {
            Text = text;
            Exclusion = exclusion;
        }

        public string Text { get; }

        public bool Exclusion { get; }

        public static Pattern? Compile(string text, bool exclusion)
        {
            var pattern = new Pattern(text, exclusion);
            return IsValid(text) && pattern.TryCompile() ? pattern : null;
        }

        /// <summary>Go's filepath.Match syntax check (patternmatcher.New calls it): classes need a range, '-' and ']' escaped where Go wants, no trailing '\'.</summary>
        private static bool IsValid(string text)
        {
            for (int i = 0; i < text.Length;)
            {
                switch (text[i])
                {
                    case '\\':
                        if (i + 1 >= text.Length)
                        {
                            return false;
                        }

                        i += 2;
                        break;
                    case '[':
                        i++;
                        if (i < text.Length && text[i] == '^')
                        {
                            i++;
                        }

                        for (int ranges = 0; ; ranges++)
                        {
                            if (i < text.Length && text[i] == ']' && ranges > 0)
                            {
                                i++;
                                break;
                            }

                            if (!ClassChar(text, ref i))
                            {
                                return false;
                            }

                            if (text[i] == '-')
                            {
                                i++;
                                if (!ClassChar(text, ref i))
                                {
                                    return false;
                                }
                            }
                        }

                        break;
                    default:
                        i++;
                        break;
                }
            }

            return true;
        }

        /// <summary>Go's getEsc: one class character, escaped or not; never an unescaped '-' or ']', never the end.</summary>
        private static bool ClassChar(string text, ref int i)
        {
            if (i >= text.Length || text[i] is '-' or ']')
            {
                return false;
            }

            if (text[i] == '\\' && ++i >= text.Length)
            {
                return false;
            }

            i++;
            return i < text.Length;
        }

        public bool Matches(string path) => _kind switch
        {
            Kind.Exact => path == Text,
            Kind.Prefix => path.StartsWith(Text[..^2], StringComparison.Ordinal),
            Kind.Suffix => path.EndsWith(Text[2..], StringComparison.Ordinal) || (Text[2] == '/' && path == Text[3..]),
            _ => _expression!.IsMatch(path),
        };

        /// <summary>patternmatcher's compile, with .NET's <c>\z</c> for Go's <c>$</c> (which never matches before a final newline).</summary>
        private bool TryCompile()
        {
            var expression = new StringBuilder("^");
            Kind kind = Kind.Exact;
            string text = Text;
            for (int i = 0, index = 0; i < text.Length; index++)
            {
                char c = text[i++];
                if (c == '*')
                {
                    if (i < text.Length && text[i] == '*')
                    {
                        i++;
                        if (i < text.Length && text[i] == '/')
                        {
                            i++; // "**/" is "**"
                        }

                        if (i == text.Length)
                        {
                            if (kind == Kind.Exact)
                            {
                                kind = Kind.Prefix;
                            }
                            else
                            {
                                expression.Append(".*");
                                kind = Kind.Expression;
                            }
                        }
                        else
                        {
                            expression.Append("(.*/)?");
                            kind = Kind.Expression;
                        }

                        if (index == 0)
                        {
                            kind = Kind.Suffix;
                        }
                    }
                    else
                    {
                        expression.Append("[^/]*");
                        kind = Kind.Expression;
                    }
                }
                else if (c == '?')
                {
                    expression.Append("[^/]");
                    kind = Kind.Expression;
                }
                else if (".+()|{}$".Contains(c))
                {
                    expression.Append('\\').Append(c);
                }
                else if (c == '\\')
                {
                    if (i < text.Length)
                    {
                        expression.Append('\\').Append(text[i++]);
                        kind = Kind.Expression;
                    }
                    else
                    {
                        return false; // a trailing '\' (Go's filepath.Match: ErrBadPattern)
                    }
                }
                else if (c is '[' or ']')
                {
                    expression.Append(c);
                    kind = Kind.Expression;
                }
                else
                {
                    expression.Append(c);
                }
            }

            _kind = kind;
            if (kind != Kind.Expression)
            {
                return true;
            }

            try
            {
                _expression = new Regex(expression.Append("\\z").ToString(), RegexOptions.CultureInvariant);
                return true;
            }
            catch (ArgumentException)
            {
                return false; // an unclosed '[' and the like
            }
        }
    }
}
