using FileSync.Diagnostics;
using FileSync.Rules;

namespace FileSync.Tests.Core;

/// <summary>Skaffold's mapping (pkg/skaffold/sync): <c>path.Join(dest, strings.TrimPrefix(rel, strip))</c>, joined to WORKDIR when relative.</summary>
public sealed class SyncRuleTests
{
    // sentence, rule src, dest, strip, WORKDIR, relative path of the file, expected destination
    public static TheoryData<string, string, string, string?, string, string, string> Mappings => new()
    {
        // Skaffold's samples/filesync rules (artifact context 'node'), image WORKDIR /app.
        { "sample rule 1: an absolute dest takes a dotfile as is", ".filebaserc", "/etc", null, "/app", ".filebaserc", "/etc/.filebaserc" },
        { "sample rule 2: without strip the folder below the context is kept under dest", "static-html/*.html", "static", null, "/app", "static-html/a.html", "/app/static/static-html/a.html" },
        { "sample rule 3: a file at the context root lands directly in dest", "**/*.png", "assets", null, "/app", "img.png", "/app/assets/img.png" },
        { "sample rule 3: '**' keeps the subfolder", "**/*.png", "assets", null, "/app", "sub/img.png", "/app/assets/sub/img.png" },
        { "sample rule 4: strip removes the prefix", "content/en/**/*.md", "content", "content/en/", "/app", "content/en/index.md", "/app/content/index.md" },
        { "sample rule 4: strip keeps what is below the prefix", "content/en/**/*.md", "content", "content/en/", "/app", "content/en/sub/index.md", "/app/content/sub/index.md" },

        // strings.TrimPrefix then path.Join.
        { "strip without its trailing slash leaves a leading '/' that path.Join folds", "content/en/**/*.md", "content", "content/en", "/app", "content/en/sub/index.md", "/app/content/sub/index.md" },
        { "strip is a string prefix, not a folder prefix (strings.TrimPrefix)", "content/**/*.md", "content", "content/e", "/app", "content/en/index.md", "/app/content/n/index.md" },
        { "a strip that does not prefix the path leaves the path whole", "**/*.md", "docs", "other/", "/app", "content/en/index.md", "/app/docs/content/en/index.md" },
        { "a strip equal to a prefix that is not at the start is not removed", "**/*.md", "docs", "en/", "/app", "content/en/index.md", "/app/docs/content/en/index.md" },
        { "an absolute dest ignores WORKDIR", "*.json", "/srv/config", null, "/app", "appsettings.json", "/srv/config/appsettings.json" },
        { "dest '/' puts the file at the root", "*.json", "/", null, "/app", "appsettings.json", "/appsettings.json" },
        { "dest '.' means WORKDIR itself", "*.json", ".", null, "/app", "appsettings.json", "/app/appsettings.json" },
        { "a dest with a trailing slash and './' is cleaned", "*.json", "./config/", null, "/app", "appsettings.json", "/app/config/appsettings.json" },
        { "a dest with doubled slashes is cleaned", "*.json", "/srv//config", null, "/app", "appsettings.json", "/srv/config/appsettings.json" },
        { "WORKDIR with a trailing slash (SDK's /app/) is cleaned", "*.json", "config", null, "/app/", "appsettings.json", "/app/config/appsettings.json" },
        { "WORKDIR '/' puts a relative dest at the root", "static-html/*.html", "static", null, "/", "static-html/a.html", "/static/static-html/a.html" },
        { "WORKDIR '' (no WORKDIR) means '/', like Skaffold's default", "static-html/*.html", "static", null, "", "static-html/a.html", "/static/static-html/a.html" },
        { "WORKDIR '' with an absolute dest", ".filebaserc", "/etc", null, "", ".filebaserc", "/etc/.filebaserc" },
        { "strip of the whole folder of a deep file", "wwwroot/**/*", "wwwroot", "wwwroot/", "/app", "wwwroot/css/site.css", "/app/wwwroot/css/site.css" },
        { "unicode and spaces pass through", "**/*", "data", null, "/app", "dossier é/fichier 文件.txt", "/app/data/dossier é/fichier 文件.txt" },
    };

    [Theory]
    [MemberData(nameof(Mappings))]
    public void MapDestination_follows_Skaffold(string sentence, string src, string dest, string? strip, string workdir, string relative, string expected)
    {
        var rule = SyncRule.Create(src, dest, strip);

        Assert.True(expected == rule.MapDestination(relative, workdir), sentence + ": got " + rule.MapDestination(relative, workdir));
    }

    // sentence, dest, WORKDIR, expected root
    public static TheoryData<string, string, string, string> Roots => new()
    {
        { "a relative dest is below WORKDIR", "static", "/app", "/app/static" },
        { "an absolute dest is its own root", "/etc", "/app", "/etc" },
        { "an absolute dest is cleaned", "/srv//site/", "/app", "/srv/site" },
        { "dest '.' is WORKDIR", ".", "/app", "/app" },
        { "a relative dest under WORKDIR '/'", "static", "/", "/static" },
        { "a relative dest with WORKDIR '' (no WORKDIR) is under '/'", "static", "", "/static" },
        { "dest '/' is the root", "/", "/app", "/" },
    };

    [Theory]
    [MemberData(nameof(Roots))]
    public void DestinationRoot_is_the_folder_the_rule_writes_below(string sentence, string dest, string workdir, string expected)
    {
        var rule = SyncRule.Create("**/*", dest, null);

        Assert.True(expected == rule.DestinationRoot(workdir), sentence + ": got " + rule.DestinationRoot(workdir));
    }

    // sentence, dest, strip, expected code
    public static TheoryData<string, string?, string?, string> InvalidRules => new()
    {
        { "no Dest at all", null, null, "FSYNC1001" },
        { "an empty Dest", "", null, "FSYNC1001" },
        { "a blank Dest", "   ", null, "FSYNC1001" },
        { "Dest '..'", "..", null, "FSYNC1002" },
        { "Dest climbing out of WORKDIR", "../etc", null, "FSYNC1002" },
        { "an absolute Dest with '..' inside", "/app/../etc", null, "FSYNC1002" },
        { "Dest ending in '..'", "static/..", null, "FSYNC1002" },
        { "Dest with a Windows separator before '..'", "static\\..\\..\\etc", null, "FSYNC1002" },
        { "an absolute Strip", "static", "/content/", "FSYNC1003" },
        { "Strip '..'", "static", "..", "FSYNC1003" },
        { "Strip with '..' inside", "static", "content/../", "FSYNC1003" },
    };

    [Theory]
    [MemberData(nameof(InvalidRules))]
    public void Create_refuses_a_bad_rule_with_a_code_naming_it(string sentence, string? dest, string? strip, string code)
    {
        var error = Assert.Throws<FileSyncException>(() => SyncRule.Create("content/**/*.md", dest, strip));

        Assert.True(code == error.Diagnostic.Code, sentence + ": got " + error.Diagnostic);
        Assert.Contains("content/**/*.md", error.Diagnostic.Message, StringComparison.Ordinal);
    }

    // sentence, dest, strip
    public static TheoryData<string, string, string?> ValidRules => new()
    {
        { "a name that merely starts with two dots is not '..'", "..hidden", null },
        { "a name that ends with two dots is not '..'", "static..", "content.." },
        { "'.' segments are fine", "./static/.", "./content/" },
        { "no Strip", "/etc", null },
        { "an empty Strip", "/etc", "" },
    };

    [Theory]
    [MemberData(nameof(ValidRules))]
    public void Create_accepts_rules_without_dotdot_segments(string sentence, string dest, string? strip)
    {
        var rule = SyncRule.Create("x", dest, strip);

        Assert.True(dest == rule.Dest, sentence);
        Assert.Equal(strip ?? "", rule.Strip);
    }

    // Go's own table for path.Clean (src/path/path_test.go).
    public static TheoryData<string, string, string> CleanCases => new()
    {
        { "empty is '.'", "", "." },
        { "a plain name", "abc", "abc" },
        { "plain names", "a/b/c", "a/b/c" },
        { "'.' stays", ".", "." },
        { "'..' stays when relative", "..", ".." },
        { "'../..' stays when relative", "../..", "../.." },
        { "leading '..' of a relative path stay", "../../abc", "../../abc" },
        { "the root", "/", "/" },
        { "an absolute name", "/abc", "/abc" },
        { "a trailing slash goes", "abc/def/", "abc/def" },
        { "'./' is '.'", "./", "." },
        { "'../' is '..'", "../", ".." },
        { "doubled slashes fold", "abc//def//ghi", "abc/def/ghi" },
        { "leading doubled slashes fold to one", "//abc", "/abc" },
        { "tripled and trailing slashes fold", "///abc//", "/abc" },
        { "'.' segments go", "abc/./def", "abc/def" },
        { "a leading '/.' goes", "/./abc/def", "/abc/def" },
        { "a trailing '.' goes", "abc/.", "abc" },
        { "'..' removes one name", "abc/def/ghi/../jkl", "abc/def/jkl" },
        { "two '..' remove two names", "abc/def/../ghi/../jkl", "abc/jkl" },
        { "'..' back to nothing is '.'", "abc/def/../..", "." },
        { "'..' never climbs above '/'", "/abc/def/../../..", "/" },
        { "'..' back to the root", "/abc/def/../..", "/" },
        { "'..' past the start of a relative path stays", "abc/def/../../..", ".." },
        { "a long mix", "abc/def/../../../ghi/jkl/../../../mno", "../../mno" },
        { "'.' then '..'", "abc/./../def", "def" },
        { "'//.' then '..'", "abc//./../def", "def" },
        { "many '..' and '.'", "abc/../../././../def", "../../def" },
        { "'/..' is the root", "/..", "/" },
    };

    [Theory]
    [MemberData(nameof(CleanCases))]
    public void Clean_matches_Go_path_Clean(string sentence, string path, string expected)
    {
        Assert.True(expected == UnixPath.Clean(path), $"{sentence}: Clean(\"{path}\") = \"{UnixPath.Clean(path)}\"");
    }

    // sentence, text of one name unit, the names (how many units each), expected bytes, fits
    public static TheoryData<string, string, int[], int, bool> Limits => new()
    {
        { "a short path", "a", [1], 2, true },
        { "a 255-byte name is the longest Linux allows", "a", [255], 256, true },
        { "a 256-byte name is too long", "a", [256], 257, false },
        { "127 two-byte characters (254 bytes) fit in a name", "é", [127], 255, true },
        { "128 two-byte characters are only 128 chars but 256 bytes", "é", [128], 257, false },
        { "63 four-byte emoji (252 bytes) fit", "😀", [63], 253, true },
        { "64 four-byte emoji are 128 UTF-16 chars but 256 bytes", "😀", [64], 257, false },
        { "a path of 4,095 bytes fits (PATH_MAX counts the NUL)", "a", [.. Enumerable.Repeat(200, 20), 74], 4095, true },
        { "a path of 4,096 bytes does not fit", "a", [.. Enumerable.Repeat(200, 20), 75], 4096, false },
        { "2,056 characters of 'é' are 4,095 bytes: fits", "é", [.. Enumerable.Repeat(120, 16), 119], 4095, true },
        { "2,057 characters of 'é' are 4,097 bytes: does not fit", "é", [.. Enumerable.Repeat(120, 16), 120], 4097, false },
    };

    [Theory]
    [MemberData(nameof(Limits))]
    public void FitsLinuxLimits_counts_UTF8_bytes(string sentence, string unit, int[] names, int expectedBytes, bool fits)
    {
        string path = "/" + string.Join('/', names.Select(count => string.Concat(Enumerable.Repeat(unit, count))));

        bool result = UnixPath.FitsLinuxLimits(path, out int bytes);

        Assert.True(fits == result, sentence);
        Assert.Equal(expectedBytes, bytes);
    }
}
