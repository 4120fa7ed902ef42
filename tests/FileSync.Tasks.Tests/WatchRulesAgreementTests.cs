using FileSync.Tasks.Tests.Infrastructure;
using FileSync.Watching;
using Microsoft.Build.Utilities;

namespace FileSync.Tasks.Tests;

/// <summary>
/// FileSyncWatch matches files created during the watch itself, from the rule patterns it reads from the evaluated
/// project (RulePatterns) with MSBuild's wildcard rules (ItemPattern). Each row evaluates a real project with MSBuild
/// and checks that the watch's matcher takes exactly the files MSBuild's expansion lists, over a tree of names where
/// MSBuild's rules differ from Skaffold's (case, brackets, braces, backslashes, '*.*', dotfiles, Exclude, Remove).
/// </summary>
public sealed class WatchRulesAgreementTests : IDisposable
{
    private static readonly string[] Files =
    [
        "a.txt", "A.TXT", "ab.txt", "b.json", "noext", ".env", "x[1].txt", "x1.txt", "{a,b}/c.txt", "a/c.txt",
        "sub/d.txt", "sub/E.TXT", "sub/deep/f.txt", "sub/l.json", "Sub2/g.txt", "skip/h.txt", ".hidden/i.txt",
        "j.txt.bak", "obj/k.txt", "k.bak", "a.tx", "B.Json",
    ];

    private readonly List<TestProject> _projects = [];

    // sentence, the FileSyncRule elements (and Remove elements after them)
    public static TheoryData<string, string> Rules => new()
    {
        { "'**/*' takes dotfiles and leaves obj/ out (FileSync's Remove)", """<FileSyncRule Include="**/*" Dest="/app" />""" },
        { "file names compare ignoring case below the fixed folder", """<FileSyncRule Include="**/*.txt" Dest="/app" />""" },
        { "the fixed folder is a real path: case-sensitive", """<FileSyncRule Include="Sub/**/*" Dest="/app" />""" },
        { "a folder below '**' compares ignoring case", """<FileSyncRule Include="**/SUB/*.txt" Dest="/app" />""" },
        { "Exclude with a glob", """<FileSyncRule Include="**/*.txt" Exclude="skip/**;**/A*.TXT" Dest="/app" />""" },
        { "a literal Exclude ignores case", """<FileSyncRule Include="*.txt" Exclude="a.txt" Dest="/app" />""" },
        { "Remove ignores case, fixed folder included", """<FileSyncRule Include="**/*" Dest="/app" /><FileSyncRule Remove="SUB/**;**/*.JSON" />""" },
        { "'*.*' is '*'", """<FileSyncRule Include="*.*" Dest="/app" />""" },
        { "'?' is one character", """<FileSyncRule Include="a?.txt;a.tx?" Dest="/app" />""" },
        { "brackets and braces are plain characters", """<FileSyncRule Include="**/x[1].txt;{a,b}/*" Dest="/app" />""" },
        { "a backslash separates folders", """<FileSyncRule Include="sub\**\*.txt" Dest="/app" />""" },
        { "a fixed folder with '..' and '.'", """<FileSyncRule Include="./sub/../sub/*.txt" Dest="/app" />""" },
        { "an absolute glob", """<FileSyncRule Include="$(MSBuildProjectDirectory)/sub/**/*.txt" Dest="/app" />""" },
        { "several rules and several globs in one", """<FileSyncRule Include="*.json;**/*.bak" Dest="/app" /><FileSyncRule Include="sub/**/*.json" Dest="/etc" />""" },
    };

    [Theory]
    [MemberData(nameof(Rules))]
    public void The_watch_takes_the_files_MSBuild_lists(string sentence, string rules)
    {
        var project = new TestProject($"<ItemGroup>{rules}</ItemGroup>");
        _projects.Add(project);
        foreach (string file in Files)
        {
            project.Folder.WriteFile(file, file);
        }

        string[] expected = [.. project.Evaluate().GetItems("FileSyncRule")
            .Select(item => Path.GetFullPath(item.EvaluatedInclude, project.Directory)).Distinct().Order(StringComparer.Ordinal)];

        using var engine = new MockEngine();
        RulePatterns patterns = RulePatterns.Read(project.FullPath, engine, new MSBuildLog(new TaskLoggingHelper(engine, "test")));
        var watch = new WatchRules(patterns.Rules, project.Directory);
        string[] actual = [.. Directory.EnumerateFiles(project.Directory, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .Where(path => watch.Match(path).Any()).Order(StringComparer.Ordinal)];

        Assert.True(expected.SequenceEqual(actual), $"{sentence}: MSBuild lists [{string.Join(", ", Relative(project, expected))}], the watch takes [{string.Join(", ", Relative(project, actual))}]");
        Assert.Empty(engine.Warnings);
    }

    [Theory]
    [InlineData("<FileSyncRule Include=\"*.txt\" Dest=\"/app/%(RecursiveDir)\" />", "its Dest uses item metadata")] // one value so far: "/app/"
    [InlineData("<FileSyncRule Include=\"**/*.txt\" Dest=\"/app\" /><FileSyncRule Update=\"sub/**\" Dest=\"/srv\" />", "its Dest differs from file to file")]
    [InlineData("<FileSyncRule Include=\"none/**/*.txt\" Dest=\"/app/%(Filename)\" />", "its Dest uses item metadata")]
    [InlineData("<None Include=\"*.json\" /><FileSyncRule Include=\"@(None)\" Dest=\"/app\" />", "its Include takes other items")]
    public void A_rule_whose_new_files_cannot_be_followed_is_FSYNC7003(string rules, string reason)
    {
        var project = new TestProject($"<ItemGroup>{rules}</ItemGroup>");
        _projects.Add(project);
        foreach (string file in Files)
        {
            project.Folder.WriteFile(file, file);
        }

        using var engine = new MockEngine();
        RulePatterns patterns = RulePatterns.Read(project.FullPath, engine, new MSBuildLog(new TaskLoggingHelper(engine, "test")));

        Assert.Empty(patterns.Rules);
        var warning = Assert.Single(engine.Warnings);
        Assert.Equal("FSYNC7003", warning.Code);
        Assert.Contains(reason, warning.Message, StringComparison.Ordinal);
    }

    private static IEnumerable<string> Relative(TestProject project, IEnumerable<string> paths) => paths.Select(path => Path.GetRelativePath(project.Directory, path));

    public void Dispose()
    {
        foreach (TestProject project in _projects)
        {
            project.Dispose();
        }
    }
}
