using FileSync.Diagnostics;
using FileSync.Rules;

namespace FileSync.Tests.Core;

/// <summary>
/// Skaffold matches a sync rule's src with doublestar v1.3.4's PathMatch (go.mod pins v1.3.4). The first table is that
/// version's own matchTests (doublestar_test.go at tag v1.3.4), row for row, except that a malformed pattern is refused
/// when parsed (v1.3.4 reports ErrBadPattern only once a path reaches the bad part: its "a[" / "a" row is false there).
/// </summary>
public sealed class GlobTests
{
    // pattern, path, matches
    public static TheoryData<string, string, bool> Doublestar134 => new()
    {
        { "*", "", true },
        { "*", "/", false },
        { "/*", "/", true },
        { "/*", "/debug/", false },
        { "/*", "//", false },
        { "abc", "abc", true },
        { "*", "abc", true },
        { "*c", "abc", true },
        { "*/", "a/", true },
        { "a*", "a", true },
        { "a*", "abc", true },
        { "a*", "ab/c", false },
        { "a*/b", "abc/b", true },
        { "a*/b", "a/c/b", false },
        { "a*b*c*d*e*", "axbxcxdxe", true },
        { "a*b*c*d*e*/f", "axbxcxdxe/f", true },
        { "a*b*c*d*e*/f", "axbxcxdxexxx/f", true },
        { "a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false },
        { "a*b*c*d*e*/f", "axbxcxdxexxx/fff", false },
        { "a*b?c*x", "abxbbxdbxebxczzx", true },
        { "a*b?c*x", "abxbbxdbxebxczzy", false },
        { "ab[c]", "abc", true },
        { "ab[b-d]", "abc", true },
        { "ab[e-g]", "abc", false },
        { "ab[^c]", "abc", false },
        { "ab[^b-d]", "abc", false },
        { "ab[^e-g]", "abc", true },
        { "a\\*b", "ab", false },
        { "a?b", "a☺b", true },
        { "a[^a]b", "a☺b", true },
        { "a???b", "a☺b", false },
        { "a[^a][^a][^a]b", "a☺b", false },
        { "[a-ζ]*", "α", true },
        { "*[a-ζ]", "A", false },
        { "a?b", "a/b", false },
        { "a*b", "a/b", false },
        { "[\\]a]", "]", true },
        { "[\\-]", "-", true },
        { "[x\\-]", "x", true },
        { "[x\\-]", "-", true },
        { "[x\\-]", "z", false },
        { "[\\-x]", "x", true },
        { "[\\-x]", "-", true },
        { "[\\-x]", "a", false },
        { "*x", "xxx", true },
        { "[abc]", "b", true },
        { "a/**", "a", false },
        { "a/**", "a/b", true },
        { "a/**", "a/b/c", true },
        { "**/c", "c", true },
        { "**/c", "b/c", true },
        { "**/c", "a/b/c", true },
        { "**/c", "a/b", false },
        { "**/c", "abcd", false },
        { "**/c", "a/abc", false },
        { "a/**/b", "a/b", true },
        { "a/**/c", "a/b/c", true },
        { "a/**/d", "a/b/c/d", true },
        { "a/\\**", "a/b/c", false },
        { "a//b/c", "a/b/c", false },
        { "a/b/c", "a/b//c", false },
        { "a/", "a", false },
        { "ab{c,d}", "abc", true },
        { "ab{c,d,*}", "abcde", true },
        { "a{,bc}", "a", true },
        { "a{,bc}", "abc", true },
        { "a/{b/c,c/b}", "a/b/c", true },
        { "a/{b/c,c/b}", "a/c/b", true },
        { "{a/{b,c},abc}", "a/b", true },
        { "{a/{b,c},abc}", "a/c", true },
        { "{a/{b,c},abc}", "abc", true },
        { "{a/{b,c},abc}", "a/b/c", false },
        { "{a/ab*}", "a/abc", true },
        { "{a/*}", "a/b", true },
        { "{a/abc}", "a/abc", true },
        { "{a/b,a/c}", "a/c", true },
        { "abc/**", "abc/b", true },
        { "**/abc", "abc", true },
        { "abc**", "abc/b", false },
        { "**/*.txt", "abc/【test】.txt", true },
        { "**/【*", "abc/【test】.txt", true },
        { "broken-symlink", "broken-symlink", true },
        { "working-symlink/c/*", "working-symlink/c/d", true },
        { "working-sym*/*", "working-symlink/c", true },
        { "b/**/f", "b/symlink-dir/f", true },
    };

    // sentence, pattern, path, matches: what a sync rule meets, and v1.3.4's own behaviour where it surprises (each
    // traced through its matchComponent/doMatching source).
    public static TheoryData<string, string, string, bool> SyncRules => new()
    {
        { "'*' matches a dotfile", "*", ".env", true },
        { "'**/*' matches a dotfile in a dot folder", "**/*", ".config/.secret", true },
        { "'*.json' stays within the top folder", "*.json", "config/app.json", false },
        { "'**' alone matches every path", "**", "a/b/c.txt", true },
        { "'**/' spans zero folders", "wwwroot/**/*.css", "wwwroot/site.css", true },
        { "'**/' spans several folders", "wwwroot/**/*.css", "wwwroot/a/b/site.css", true },
        { "matching is case-sensitive", "*.JSON", "app.json", false },
        { "'?' is one character, not zero", "a?.txt", "a.txt", false },
        { "v1.3.4 has no '[!...]': '!' is a member", "[!a]", "!", true },
        { "v1.3.4 has no '[!...]': it does not negate", "[!a]", "b", false },
        { "'[^]' matches any one character in v1.3.4", "[^]", "x", true },
        { "a range of letters", "file[0-9].txt", "file7.txt", true },
        { "an escaped brace is literal", "\\{a,b\\}", "{a,b}", true },
        { "an escaped star is literal", "a\\*", "a*", true },
        { "nested alternatives", "{src,lib}/**/*.{js,css}", "lib/x/y.css", true },
        { "an alternative that is empty", "app{,.dev}.json", "app.json", true },
        { "'**' inside a segment is a '*'", "a**b", "axxb", true },
        { "'**' inside a segment stays within it", "a**b", "a/b", false },
        { "a '*' takes the first position its segment's rest matches at (v1.3.4)", "*{a/x,ab/y}", "cab/y", true },
        { "a '*' never tries the empty rest of its segment (v1.3.4)", "a*{,x}", "ab", false },
        { "an ended alternative is lost beside a longer one (v1.3.4)", "{a,a/b}", "a", false },
        { "the longer alternative still matches", "{a,a/b}", "a/b", true },
        { "a '**' made by an alternative is a '*' in its segment (v1.3.4)", "{**,b}/c", "a/b/c", false },
        { "a '**' after an alternative's '/' spans folders", "{x/**,b}/c", "x/y/z/c", true },
        { "a space and unicode", "dossier é/*", "dossier é/fichier 文件.txt", true },
        { "a character outside the BMP is one '?'", "?.txt", "😀.txt", true },
    };

    public static TheoryData<string, string, int> Malformed => new()
    {
        { "an unclosed class", "[", 0 },
        { "an unclosed negated class", "[^bc", 0 },
        { "an unclosed class after text", "a[", 1 },
        { "a class after alternatives", "ab{c,d}[", 7 },
        { "an empty class (']' first closes it)", "[]a]", 0 },
        { "a lone '-'", "[-]", 0 },
        { "a range without its end", "[x-]", 0 },
        { "a range without its start", "[-x]", 0 },
        { "two ranges chained", "[a-b-c]", 0 },
        { "a trailing escape", "\\", 0 },
        { "an unclosed alternative", "a/{b,c", 2 },
        { "a bad class inside an alternative", "{a,[}", 3 },
        { "an escaped ']' leaves the class open", "[\\\\]", 0 },
    };

    [Theory]
    [MemberData(nameof(Doublestar134))]
    public void Matches_as_doublestar_1_3_4(string pattern, string path, bool expected) =>
        Assert.Equal(expected, Glob.Parse(pattern).IsMatch(path));

    [Theory]
    [MemberData(nameof(SyncRules))]
    public void Matches_sync_rules(string sentence, string pattern, string path, bool expected) =>
        Assert.True(expected == Glob.Parse(pattern).IsMatch(path), $"{sentence}: '{pattern}' on '{path}' should be {expected}");

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Refuses_a_malformed_pattern_with_its_rule_and_position(string sentence, string pattern, int at)
    {
        Assert.False(Glob.TryParse(pattern, out _, out int errorAt), sentence);
        Assert.Equal(at, errorAt);
        var error = Assert.Throws<FileSyncException>(() => Glob.Parse(pattern, "rule 2 of artifact web"));
        Assert.Equal("FSYNC7001", error.Diagnostic.Code);
        Assert.Contains("'rule 2 of artifact web'", error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains($"character {at + 1}", error.Diagnostic.Message, StringComparison.Ordinal);
    }

    // MSBuild's wildcards (Include/Exclude/Remove): only '*', '?' and '**'; '\' is a folder separator on Unix.
    public static TheoryData<string, string, string, bool> MSBuildSpecs => new()
    {
        { "brackets are literal", "img[1].png", "img[1].png", true },
        { "brackets are not a class", "img[1].png", "img1.png", false },
        { "braces are literal", "{a,b}.txt", "{a,b}.txt", true },
        { "braces are not alternatives", "{a,b}.txt", "a.txt", false },
        { "a backslash separates folders", "wwwroot\\**\\*.css", "wwwroot/x/site.css", true },
        { "'**' spans zero folders", "wwwroot/**/*", "wwwroot/index.html", true },
        { "'*' matches a dotfile", "*", ".env", true },
    };

    [Theory]
    [MemberData(nameof(MSBuildSpecs))]
    public void Reads_MSBuild_item_specs(string sentence, string spec, string path, bool expected) =>
        Assert.True(expected == Glob.FromMSBuild(spec, ignoreCase: false).IsMatch(path), $"{sentence}: '{spec}' on '{path}' should be {expected}");

    [Fact]
    public void Matching_a_path_allocates_nothing()
    {
        Glob glob = Glob.Parse("{src,lib}/**/*.{js,css}");
        string path = "lib/a/b/c/site.css";
        Assert.True(glob.IsMatch(path));
        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            _ = glob.IsMatch(path);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }
}
