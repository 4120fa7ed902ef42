using System.Text;
using FileSync.Diagnostics;

namespace FileSync.Rules;

/// <summary>
/// A sync rule's <c>src</c> glob, matched as Skaffold matches it: <c>doublestar.PathMatch</c> of
/// github.com/bmatcuk/doublestar <b>v1.3.4</b> (the version Skaffold's go.mod pins; pkg/skaffold/sync/sync.go) over the
/// path relative to the context. <c>*</c> and <c>?</c> stay within a segment and match dotfiles; <c>**</c> as a whole
/// segment spans any number of segments, none included (<c>a/**</c> does not match <c>a</c>); <c>[a-z]</c>,
/// <c>[^a]</c> (v1.3.4 has no <c>[!a]</c>: <c>!</c> is a member); <c>{a,b}</c> alternatives, which may hold
/// <c>/</c>; <c>\</c> escapes. Case-sensitive. Compiled once into tokens; <see cref="IsMatch"/> walks them over the
/// path without allocating. It is a port of v1.3.4's matchComponent/doMatching, quirks included (a <c>*</c> takes the
/// first position where the rest of its segment matches; <c>{a,a/b}</c> does not match <c>a</c>), so a file syncs
/// exactly when Skaffold would sync it. Two deliberate differences: a malformed pattern is refused when parsed, where
/// v1.3.4 fails only once a path reaches the bad part; and where v1.3.4 fails a match with ErrBadPattern (a path
/// ending inside a segment whose rest starts with a <c>{...}</c> holding a <c>/</c>), this reports no match.
/// </summary>
internal sealed partial class Glob
{
    private readonly Token[] _tokens;
    private readonly int[] _options; // per group: its options' first tokens, in order
    private readonly Group[] _groups;
    private readonly (int Low, int High)[] _ranges;

    private Glob(string pattern, Token[] tokens, int[] options, Group[] groups, (int, int)[] ranges)
    {
        Pattern = pattern;
        _tokens = tokens;
        _options = options;
        _groups = groups;
        _ranges = ranges;
    }

    public string Pattern { get; }

    /// <summary>Compiles <paramref name="pattern"/>; a malformed one is FSYNC7001 naming <paramref name="rule"/>.</summary>
    public static Glob Parse(string pattern, string? rule = null, bool ignoreCase = false) =>
        TryParse(pattern, out Glob? glob, out int at, ignoreCase)
            ? glob
            : throw new FileSyncException(Diag.GlobInvalid(rule ?? pattern, pattern, at < pattern.Length ? pattern[at].ToString() : "\\", at + 1));

    /// <summary>False, with the index of the unclosed or invalid character, when <paramref name="pattern"/> is malformed.</summary>
    /// <param name="ignoreCase">Letters compare ignoring case (MSBuild's wildcards); Skaffold's globs never do.</param>
    public static bool TryParse(string pattern, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out Glob? glob, out int errorAt, bool ignoreCase = false)
    {
        var parser = new Parser(pattern, ignoreCase);
        errorAt = parser.Compile();
        glob = errorAt < 0 ? new Glob(pattern, [.. parser.Tokens], [.. parser.Options], [.. parser.Groups], [.. parser.Ranges]) : null;
        return glob is not null;
    }

    /// <summary>
    /// An MSBuild item spec (Include/Exclude/Remove) as a glob of this kind: MSBuild knows only <c>*</c>, <c>?</c> and
    /// <c>**</c>, and on Unix turns <c>\</c> into <c>/</c>, so every other special character is escaped.
    /// </summary>
    public static Glob FromMSBuild(string spec, bool ignoreCase)
    {
        var text = new StringBuilder(spec.Length + 4);
        foreach (char c in spec)
        {
            _ = c switch
            {
                '\\' => text.Append('/'),
                '[' or ']' or '{' or '}' or ',' => text.Append('\\').Append(c),
                _ => text.Append(c),
            };
        }

        return Parse(text.ToString(), spec, ignoreCase);
    }

    /// <summary>Whether <paramref name="relativePath"/> ('/'-separated, relative to the context) matches.</summary>
    public bool IsMatch(ReadOnlySpan<char> relativePath) => new Matcher(this, relativePath).DoMatching(0, 0);

    public override string ToString() => Pattern;

    private enum Kind : byte
    {
        Literal, // A = the rune (upper-cased when B is 1: compared ignoring case)
        Any,     // ?
        Star,    // *
        Class,   // A = first range, B = range count; Negated
        Slash,
        Open,    // A = group
        Jump,    // end of an option: A = the token after the group
        End,
    }

    private readonly record struct Token(Kind Kind, int A = 0, int B = 0, bool Negated = false);

    /// <summary>A {...}: its options are _options[First..First+Count]; After is the token after its closing brace.</summary>
    private readonly record struct Group(int First, int Count, int After, bool HasSlash);
}
