using System.Text;

namespace FileSync.Rules;

internal sealed partial class Glob
{
    /// <summary>
    /// doublestar v1.3.4's doMatching/matchComponent over tokens. Where v1.3.4 returns a list of "rest of the pattern"
    /// strings for the next segment, this evaluates each rest as it is found and keeps only what the caller decides
    /// on: whether any list came back (a '*' takes the first position that gives one), how many rests it held (the
    /// last segment matches only on an empty list), and whether a rest matched the following segments.
    /// </summary>
    private readonly ref struct Matcher(Glob glob, ReadOnlySpan<char> path)
    {
        private readonly ReadOnlySpan<char> _path = path;
        private readonly Token[] _tokens = glob._tokens;

        /// <summary>Whether the pattern from token <paramref name="pos"/> matches the path from segment start <paramref name="segment"/>.</summary>
        public bool DoMatching(int pos, int segment)
        {
            int end = SegmentEnd(segment);
            if (Globstar(pos, out int rest, out bool lastPattern))
            {
                if (lastPattern)
                {
                    return true;
                }

                for (int s = segment; ; s = SegmentEnd(s) + 1)
                {
                    if (DoMatching(rest, s))
                    {
                        return true;
                    }

                    if (SegmentEnd(s) == _path.Length)
                    {
                        return false;
                    }
                }
            }

            var result = default(Result);
            MatchSegment(pos, segment, end, ref result);
            return end == _path.Length ? result.Any && result.Rests == 0 : result.Matched;
        }

        private int SegmentEnd(int start)
        {
            int slash = _path[start..].IndexOf('/');
            return slash < 0 ? _path.Length : start + slash;
        }

        private int Follow(int pos)
        {
            while (_tokens[pos].Kind == Kind.Jump)
            {
                pos = _tokens[pos].A;
            }

            return pos;
        }

        /// <summary>v1.3.4's <c>pattern[:slashIdx] == "**"</c>: the segment is exactly two stars.</summary>
        private bool Globstar(int pos, out int rest, out bool lastPattern)
        {
            rest = 0;
            lastPattern = false;
            int first = Follow(pos);
            if (_tokens[first].Kind != Kind.Star || _tokens[Follow(first + 1)].Kind != Kind.Star)
            {
                return false;
            }

            int after = Follow(Follow(first + 1) + 1);
            lastPattern = _tokens[after].Kind == Kind.End;
            rest = after + 1;
            return lastPattern || _tokens[after].Kind == Kind.Slash;
        }

        private void MatchSegment(int pos, int i, int end, ref Result result)
        {
            while (true)
            {
                pos = Follow(pos);
                Token token = _tokens[pos];
                if (i >= end)
                {
                    break;
                }

                switch (token.Kind)
                {
                    case Kind.Literal:
                    case Kind.Any:
                    case Kind.Class:
                        _ = Rune.DecodeFromUtf16(_path[i..end], out Rune rune, out int length);
                        if (!Accepts(token, rune.Value))
                        {
                            return;
                        }

                        i += length;
                        pos++;
                        continue;
                    case Kind.Star:
                        int next = Follow(pos + 1);
                        if (_tokens[next].Kind is Kind.End or Kind.Slash)
                        {
                            Emit(_tokens[next].Kind == Kind.End ? -1 : next + 1, end, ref result);
                            return;
                        }

                        for (int n = i; n < end; n += char.IsHighSurrogate(_path[n]) && n + 1 < end ? 2 : 1)
                        {
                            var first = default(Result);
                            MatchSegment(next, n, end, ref first);
                            if (first.Any)
                            {
                                result.Add(first);
                                return;
                            }
                        }

                        return;
                    case Kind.Open:
                        Group group = glob._groups[token.A];
                        for (int o = 0; o < group.Count; o++)
                        {
                            MatchSegment(glob._options[group.First + o], i, end, ref result);
                        }

                        return;
                    default: // the pattern ends, or its segment does, before the path's segment
                        return;
                }
            }

            // The path's segment is used up: the pattern's must end here too, or match nothing.
            if (_tokens[pos].Kind == Kind.End)
            {
                Emit(-1, end, ref result);
            }
            else if (ZeroLength(pos, option: false) == 1)
            {
                int slash = FirstSlash(pos);
                Emit(slash < 0 ? -1 : slash + 1, end, ref result);
            }
        }

        private bool Accepts(Token token, int rune)
        {
            if (token.Kind == Kind.Literal)
            {
                return token.A == (token.B == 1 && Rune.IsValid(rune) ? Rune.ToUpperInvariant(new Rune(rune)).Value : rune);
            }

            if (token.Kind == Kind.Any)
            {
                return true;
            }

            bool member = false;
            for (int r = token.A; r < token.A + token.B && !member; r++)
            {
                member = glob._ranges[r].Low <= rune && rune <= glob._ranges[r].High;
            }

            return member != token.Negated;
        }

        /// <summary>One of v1.3.4's returned lists: -1 is the empty list (the pattern ended with the segment).</summary>
        private void Emit(int rest, int end, ref Result result)
        {
            result.Any = true;
            if (rest < 0)
            {
                return;
            }

            result.Rests++;
            if (!result.Matched && end < _path.Length && DoMatching(rest, end + 1))
            {
                result.Matched = true;
            }
        }

        /// <summary>
        /// v1.3.4's isZeroLengthPattern of the pattern's segment from <paramref name="pos"/> (or of one option alone):
        /// 1 for "", "*", "**" and {...} with an empty-matching option and rest; 0 otherwise; -1 where v1.3.4 fails
        /// (it cuts the segment at a '/' inside the braces).
        /// </summary>
        private int ZeroLength(int pos, bool option)
        {
            pos = Next(pos, option);
            if (Ends(pos, option))
            {
                return 1;
            }

            Token token = _tokens[pos];
            if (token.Kind == Kind.Star)
            {
                int second = Next(pos + 1, option);
                return Ends(second, option) || (_tokens[second].Kind == Kind.Star && Ends(Next(second + 1, option), option)) ? 1 : 0;
            }

            if (token.Kind != Kind.Open)
            {
                return 0;
            }

            Group group = glob._groups[token.A];
            if (group.HasSlash && !option)
            {
                return -1;
            }

            int rest = ZeroLength(group.After, option);
            if (rest != 1)
            {
                return rest;
            }

            for (int o = 0; o < group.Count; o++)
            {
                if (ZeroLength(glob._options[group.First + o], option: true) == 1)
                {
                    return 1;
                }
            }

            return 0;
        }

        /// <summary>Within one option alone, the option's jump ends it; otherwise the rest of the pattern follows.</summary>
        private int Next(int pos, bool option) => option ? pos : Follow(pos);

        private bool Ends(int pos, bool option) => _tokens[pos].Kind is Kind.End or Kind.Slash || (option && _tokens[pos].Kind == Kind.Jump);

        /// <summary>The first '/' of the pattern from <paramref name="pos"/> outside braces, or -1 at its end.</summary>
        private int FirstSlash(int pos)
        {
            for (pos = Follow(pos); _tokens[pos].Kind != Kind.End; pos = Follow(pos + 1))
            {
                if (_tokens[pos].Kind == Kind.Slash)
                {
                    return pos;
                }

                if (_tokens[pos].Kind == Kind.Open)
                {
                    pos = glob._groups[_tokens[pos].A].After - 1;
                }
            }

            return -1;
        }
    }

    private struct Result
    {
        public bool Any;
        public int Rests;
        public bool Matched;

        public void Add(Result other)
        {
            Any |= other.Any;
            Rests += other.Rests;
            Matched |= other.Matched;
        }
    }
}
