using System.Text;

namespace FileSync.Rules;

internal sealed partial class Glob
{
    /// <summary>
    /// Compiles a pattern into tokens, reading it as doublestar v1.3.4 does: a class ends at the first ']' not preceded
    /// by '\'; alternatives split at top-level commas, honouring nested braces and escapes (not classes); every
    /// option is followed by a jump to the token after its group, so "the rest of the pattern" is a token index.
    /// </summary>
    private sealed class Parser(string pattern, bool ignoreCase)
    {
        public List<Token> Tokens { get; } = [];

        public List<int> Options { get; } = [];

        public List<Group> Groups { get; } = [];

        public List<(int Low, int High)> Ranges { get; } = [];

        /// <summary>-1, or the index of the character that makes the pattern malformed.</summary>
        public int Compile()
        {
            int error = Sequence(0, pattern.Length);
            Tokens.Add(new Token(Kind.End));
            return error;
        }

        private int Sequence(int start, int end)
        {
            for (int i = start; i < end;)
            {
                char c = pattern[i];
                switch (c)
                {
                    case '/':
                        Tokens.Add(new Token(Kind.Slash));
                        i++;
                        break;
                    case '*':
                        Tokens.Add(new Token(Kind.Star));
                        i++;
                        break;
                    case '?':
                        Tokens.Add(new Token(Kind.Any));
                        i++;
                        break;
                    case '\\':
                        if (i + 1 >= end)
                        {
                            return i;
                        }

                        i += Literal(i + 1);
                        i++;
                        break;
                    case '[':
                        int close = ClassEnd(i, end);
                        if (close < 0 || !Class(i + 1, close))
                        {
                            return i;
                        }

                        i = close + 1;
                        break;
                    case '{':
                        int after = GroupOf(i, end, out int inner);
                        if (after < 0)
                        {
                            return inner >= 0 ? inner : i;
                        }

                        i = after;
                        break;
                    default:
                        i += Literal(i);
                        break;
                }
            }

            return -1;
        }

        private int Literal(int at)
        {
            _ = Rune.DecodeFromUtf16(pattern.AsSpan(at), out Rune rune, out int length);
            Tokens.Add(ignoreCase ? new Token(Kind.Literal, Rune.ToUpperInvariant(rune).Value, 1) : new Token(Kind.Literal, rune.Value));
            return length;
        }

        /// <summary>doublestar's indexRuneWithEscaping: the first ']' after '[' not preceded by '\'.</summary>
        private int ClassEnd(int open, int end)
        {
            for (int j = open + 1; j < end; j++)
            {
                if (pattern[j] == ']' && pattern[j - 1] != '\\')
                {
                    return j;
                }
            }

            return -1;
        }

        /// <summary>A class's members as doublestar v1.3.4 reads them: non-empty, '^' negates, no '-' at a range's end.</summary>
        private bool Class(int start, int end)
        {
            var runes = new List<int>();
            for (int j = start; j < end;)
            {
                _ = Rune.DecodeFromUtf16(pattern.AsSpan(j, end - j), out Rune rune, out int length);
                runes.Add(rune.Value);
                j += length;
            }

            if (runes.Count == 0)
            {
                return false;
            }

            bool negated = runes[0] == '^';
            int first = Ranges.Count;
            for (int k = negated ? 1 : 0; k < runes.Count;)
            {
                int low = runes[k++];
                if (low == '-' || (low == '\\' && !Escaped(runes, ref k, out low)))
                {
                    return false;
                }

                int high = low;
                if (k < runes.Count && runes[k] == '-')
                {
                    if (++k >= runes.Count)
                    {
                        return false;
                    }

                    high = runes[k++];
                    if (high == '-' || (high == '\\' && !Escaped(runes, ref k, out high)))
                    {
                        return false;
                    }
                }

                Ranges.Add((low, high));
            }

            Tokens.Add(new Token(Kind.Class, first, Ranges.Count - first, negated));
            return true;
        }

        /// <summary>The member after a '\\' inside a class; false when the class ends first.</summary>
        private static bool Escaped(List<int> runes, ref int k, out int value)
        {
            bool present = k < runes.Count;
            value = present ? runes[k++] : 0;
            return present;
        }

        /// <summary>Emits a {...} group (doublestar's splitAlternatives); returns the index after its '}' or -1 if unclosed.</summary>
        private int GroupOf(int open, int end, out int inner)
        {
            inner = -1;
            var bounds = new List<(int Start, int End)>();
            int depth = 1, start = open + 1, i = open + 1;
            bool escaped = false;
            for (; depth > 0; i++)
            {
                if (i >= end)
                {
                    return -1;
                }

                char c = pattern[i];
                if (escaped)
                {
                    escaped = false;
                }
                else if (c == '\\')
                {
                    escaped = true;
                }
                else if (c == '{')
                {
                    depth++;
                }
                else if (c == '}' && --depth == 0)
                {
                    bounds.Add((start, i));
                }
                else if (c == ',' && depth == 1)
                {
                    bounds.Add((start, i));
                    start = i + 1;
                }
            }

            int group = Groups.Count;
            Groups.Add(default);
            Tokens.Add(new Token(Kind.Open, group));
            var starts = new List<int>();
            var jumps = new List<int>();
            foreach ((int optionStart, int optionEnd) in bounds)
            {
                starts.Add(Tokens.Count);
                inner = Sequence(optionStart, optionEnd);
                if (inner >= 0)
                {
                    return -1;
                }

                jumps.Add(Tokens.Count);
                Tokens.Add(new Token(Kind.Jump));
            }

            int afterGroup = Tokens.Count;
            bool slash = false;
            for (int t = starts[0]; t < afterGroup; t++)
            {
                slash |= Tokens[t].Kind == Kind.Slash;
            }

            foreach (int jump in jumps)
            {
                Tokens[jump] = new Token(Kind.Jump, afterGroup);
            }

            Groups[group] = new Group(Options.Count, starts.Count, afterGroup, slash);
            Options.AddRange(starts);
            return i;
        }
    }
}
