using FileSync.Diagnostics;
using FileSync.Skaffold;
using FileSync.Tests.Core;

namespace FileSync.Tests.Skaffold;

/// <summary>
/// .dockerignore patterns as Docker matches them: moby/patternmatcher's own tables (patternmatcher_test.go at
/// 5a6d842: TestMatches, its multi-pattern cases, the non-Windows escape case, and the filepath.Match table of TestMatch),
/// run through MatchesOrParentMatches as Skaffold and BuildKit call it, and ignorefile.ReadAll's reading rules.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DockerIgnoreTests
{
    public static TheoryData<string, string, bool> Matches => new()
    {
        // TestMatches
        { "**", "file", true }, { "**", "file/", true }, { "**/", "file", true }, { "**/", "file/", true },
        { "**", "/", true }, { "**/", "/", true }, { "**", "dir/file", true }, { "**/", "dir/file", true },
        { "**", "dir/file/", true }, { "**/", "dir/file/", true }, { "**/**", "dir/file", true }, { "**/**", "dir/file/", true },
        { "dir/**", "dir/file", true }, { "dir/**", "dir/file/", true }, { "dir/**", "dir/dir2/file", true }, { "dir/**", "dir/dir2/file/", true },
        { "**/dir", "dir", true }, { "**/dir", "dir/file", true }, { "**/dir2/*", "dir/dir2/file", true }, { "**/dir2/*", "dir/dir2/file/", true },
        { "**/dir2/**", "dir/dir2/dir3/file", true }, { "**/dir2/**", "dir/dir2/dir3/file/", true }, { "**file", "file", true }, { "**file", "dir/file", true },
        { "**/file", "dir/file", true }, { "**file", "dir/dir/file", true }, { "**/file", "dir/dir/file", true }, { "**/file*", "dir/dir/file", true },
        { "**/file*", "dir/dir/file.txt", true }, { "**/file*txt", "dir/dir/file.txt", true }, { "**/file*.txt", "dir/dir/file.txt", true }, { "**/file*.txt*", "dir/dir/file.txt", true },
        { "**/**/*.txt", "dir/dir/file.txt", true }, { "**/**/*.txt2", "dir/dir/file.txt", false }, { "**/*.txt", "file.txt", true }, { "**/**/*.txt", "file.txt", true },
        { "a**/*.txt", "a/file.txt", true }, { "a**/*.txt", "a/dir/file.txt", true }, { "a**/*.txt", "a/dir/dir/file.txt", true }, { "a/*.txt", "a/dir/file.txt", false },
        { "a/*.txt", "a/file.txt", true }, { "a/*.txt**", "a/file.txt", true }, { "a[b-d]e", "ae", false }, { "a[b-d]e", "ace", true },
        { "a[b-d]e", "aae", false }, { "a[^b-d]e", "aze", true }, { ".*", ".foo", true }, { ".*", "foo", false },
        { "abc.def", "abcdef", false }, { "abc.def", "abc.def", true }, { "abc.def", "abcZdef", false }, { "abc?def", "abcZdef", true },
        { "abc?def", "abcdef", false }, { "a\\\\", "a\\", true }, { "**/foo/bar", "foo/bar", true }, { "**/foo/bar", "dir/foo/bar", true },
        { "**/foo/bar", "dir/dir2/foo/bar", true }, { "abc/**", "abc", false }, { "abc/**", "abc/def", true }, { "abc/**", "abc/def/ghi", true },
        { "**/.foo", ".foo", true }, { "**/.foo", "bar.foo", false }, { "a(b)c/def", "a(b)c/def", true }, { "a(b)c/def", "a(b)c/xyz", false },
        { "a.|)$(}+{bc", "a.|)$(}+{bc", true },
        { "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true },
        { "dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", true },
        { "a\\*b", "a*b", true },

        // TestMatch (Go's filepath.Match table, as patternmatcher runs it), the valid patterns
        { "abc", "abc", true }, { "*", "abc", true }, { "*c", "abc", true }, { "a*", "a", true }, { "a*", "abc", true },
        { "a*", "ab/c", true }, { "a*/b", "abc/b", true }, { "a*/b", "a/c/b", false }, { "a*b*c*d*e*/f", "axbxcxdxe/f", true },
        { "a*b*c*d*e*/f", "axbxcxdxexxx/f", true }, { "a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false }, { "a*b*c*d*e*/f", "axbxcxdxexxx/fff", false },
        { "a*b?c*x", "abxbbxdbxebxczzx", true }, { "a*b?c*x", "abxbbxdbxebxczzy", false }, { "ab[c]", "abc", true }, { "ab[b-d]", "abc", true },
        { "ab[e-g]", "abc", false }, { "ab[^c]", "abc", false }, { "ab[^b-d]", "abc", false }, { "ab[^e-g]", "abc", true },
        { "a\\*b", "ab", false }, { "a?b", "a☺b", true }, { "a[^a]b", "a☺b", true }, { "a???b", "a☺b", false },
        { "a[^a][^a][^a]b", "a☺b", false }, { "[a-ζ]*", "α", true }, { "*[a-ζ]", "A", false }, { "a?b", "a/b", false },
        { "a*b", "a/b", false }, { "[\\]a]", "]", true }, { "[\\-]", "-", true }, { "[x\\-]", "x", true }, { "[x\\-]", "-", true },
        { "[x\\-]", "z", false }, { "[\\-x]", "x", true }, { "[\\-x]", "-", true }, { "[\\-x]", "a", false }, { "*x", "xxx", true },
    };

    [Theory]
    [MemberData(nameof(Matches))]
    public void Patternmatchers_table(string pattern, string path, bool ignored) =>
        Assert.Equal(ignored, DockerIgnore.Parse(pattern).IsIgnored(path));

    public static TheoryData<string, string, bool> MultiPattern => new()
    {
        // TestMatches' multi-pattern cases, then the single tests above it (exclusions, folders)
        { "**\n!util/docker/web", "util/docker/web/foo", false },
        { "**\n!util/docker/web\nutil/docker/web/foo", "util/docker/web/foo", true },
        { "**\n!dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false },
        { "**\n!dist/*.whl", "dist/proxy.py-2.4.0rc3.dev36+g08acad9-py3-none-any.whl", false },
        { "*", "fileutils.go", true },
        { "*.go", "fileutils.go", true },
        { "!fileutils.go\n*.go", "fileutils.go", true },
        { "docs\n!docs/README.md", "docs/README.md", false },
        { "docs/\n!docs/README.md", "docs/README.md", false },
        { "docs/*\n!docs/README.md", "docs/README.md", false },
        { "*.go\n!fileutils.go", "fileutils.go", false },
        { "*.go", ".", false },
        { "", "/any/path/there", false },
    };

    [Theory]
    [MemberData(nameof(MultiPattern))]
    public void Exclusions_and_folders_last_match_wins(string patterns, string path, bool ignored) =>
        Assert.Equal(ignored, DockerIgnore.Parse(patterns).IsIgnored(path));

    public static TheoryData<string, string, bool> Reading => new()
    {
        // ignorefile.ReadAll: comments only at the start of a line, trimming, Clean, a leading '/' dropped, a BOM dropped
        { "# a.txt\nb.txt", "a.txt", false },
        { "  # a.txt", "# a.txt", true },
        { "  a.txt  ", "a.txt", true },
        { "/a.txt", "a.txt", true },
        { "./x/../a.txt", "a.txt", true },
        { "docs//", "docs/a", true },
        { "\uFEFFa.txt", "a.txt", true },
        { "a.txt\r\n", "a.txt", true },
        { "*\n  !  keep.txt  ", "keep.txt", false },
        { "/.*", ".dot", true },
    };

    [Theory]
    [MemberData(nameof(Reading))]
    public void Reading_an_ignore_file(string text, string path, bool ignored) =>
        Assert.Equal(ignored, DockerIgnore.Parse(text).IsIgnored(path));

    [Theory]
    [InlineData("[]a]")]
    [InlineData("[-]")]
    [InlineData("[x-]")]
    [InlineData("[-x]")]
    [InlineData("\\")]
    [InlineData("[a-b-c]")]
    [InlineData("[")]
    [InlineData("[^")]
    [InlineData("[^bc")]
    [InlineData("a[")]
    [InlineData("!")]
    public void A_malformed_pattern_is_FSYNC8027_at_its_line(string pattern)
    {
        var error = Assert.Throws<FileSyncException>(() => DockerIgnore.Parse("ok\n" + pattern + "\n", "/ctx/.dockerignore"));

        Assert.Equal(("FSYNC8027", "/ctx/.dockerignore", 2), (error.Diagnostic.Code, error.Diagnostic.File, error.Diagnostic.Line));
    }

    [Fact]
    public void A_folder_is_skipped_whole_only_when_no_exclusion_reaches_below_it()
    {
        Assert.True(DockerIgnore.Parse("node_modules").SkipsFolder("node_modules"));
        Assert.False(DockerIgnore.Parse("node_modules\n!node_modules/keep/a.js").SkipsFolder("node_modules"));
        Assert.True(DockerIgnore.Parse("node_modules\n!other/a.js").SkipsFolder("node_modules"));
        Assert.False(DockerIgnore.Parse("other").SkipsFolder("node_modules"));
    }

    [Fact]
    public void The_Dockerfiles_own_ignore_file_wins_over_the_contexts()
    {
        using var folder = new TempFolder();
        folder.Write(".dockerignore", "a.txt\n");
        string dockerfile = folder.Write("build/app.Dockerfile", "FROM scratch\n");

        Assert.True(DockerIgnore.ForBuild(folder.Path, dockerfile).IsIgnored("a.txt"));

        folder.Write("build/app.Dockerfile.dockerignore", "b.txt\n");
        DockerIgnore own = DockerIgnore.ForBuild(folder.Path, dockerfile);

        Assert.Equal((false, true), (own.IsIgnored("a.txt"), own.IsIgnored("b.txt")));
        Assert.Same(DockerIgnore.None, DockerIgnore.ForBuild(folder.Path + "/nothing-here", folder.Path + "/nothing-here/Dockerfile"));
    }
}
