using FileSync.Actions;
using FileSync.Diagnostics;

namespace FileSync.Tests.Core;

public sealed class PostSyncActionTests
{
    [Theory]
    [InlineData("**/*.dll", "/app/Web.dll", true)]
    [InlineData("**/*.dll", "/app/runtimes/linux-x64/native.dll", true)]
    [InlineData("**/*.dll", "/opt/plugins/p.dll", true)] // outside WORKDIR: its absolute path without '/'
    [InlineData("**/*.dll", "/app/Web.pdb", false)]
    [InlineData("appsettings*.json", "/app/appsettings.json", true)]
    [InlineData("appsettings*.json", "/app/appsettings.Development.json", true)]
    [InlineData("appsettings*.json", "/app/config/appsettings.json", false)] // '*' stays within a folder
    [InlineData("/app/*.json", "/app/appsettings.json", true)]
    [InlineData("/app/*.json", "/app/wwwroot/x.json", false)]
    [InlineData("/app/**", "/app/wwwroot/css/site.css", true)]
    [InlineData("wwwroot/**/*.css", "/app/wwwroot/site.css", true)] // '**' spans zero folders
    [InlineData("wwwroot/**/*.css", "/app/wwwroot/a/b/site.css", true)]
    [InlineData("wwwroot/?.css", "/app/wwwroot/a.css", true)]
    [InlineData("wwwroot/?.css", "/app/wwwroot/ab.css", false)]
    [InlineData("a.b", "/app/aXb", false)] // '.' is literal
    public void Match_is_a_glob_over_destinations_relative_to_the_working_directory(string match, string destination, bool expected)
    {
        PostSyncAction action = PostSyncAction.Create("process", match, null);
        Assert.Equal(expected, action.Matches(destination, "/app"));
    }

    [Fact]
    public void No_match_means_every_file()
    {
        Assert.True(PostSyncAction.Create("restart", "", null).Matches("/etc/anything", "/app"));
    }

    [Fact]
    public void Exec_command_is_an_argv_split_on_semicolons()
    {
        PostSyncAction action = PostSyncAction.Create("exec", null, "/app/reload; --soft ;a b");
        Assert.Equal(["/app/reload", "--soft", "a b"], action.Command);
        Assert.Equal("exec /app/reload --soft a b", action.Description);
    }

    [Fact]
    public void Exec_command_is_split_before_it_is_unescaped_so_an_argument_can_hold_a_semicolon_or_a_backslash()
    {
        PostSyncAction action = PostSyncAction.Create("exec", null, "/bin/touch;/tmp/a%3Bb%5Cc%20d");
        Assert.Equal(["/bin/touch", "/tmp/a;b\\c d"], action.Command);
    }

    [Theory]
    [InlineData("reboot", null, null, "FSYNC5001")]
    [InlineData("exec", null, null, "FSYNC5002")]
    [InlineData("exec", null, " ; ", "FSYNC5002")]
    [InlineData("process", "a**/*.dll", null, "FSYNC5003")]
    [InlineData("process", "[ab].dll", null, "FSYNC5003")]
    [InlineData("process", "app//x.dll", null, "FSYNC5003")]
    [InlineData("process", "../x.dll", null, "FSYNC5003")]
    public void An_unusable_action_is_a_coded_error(string include, string? match, string? command, string code)
    {
        var error = Assert.Throws<FileSyncException>(() => PostSyncAction.Create(include, match, command));
        Assert.Equal(code, error.Diagnostic.Code);
        Assert.Contains(include, error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void First_lines_of_output_are_bounded()
    {
        string text = string.Join('\n', Enumerable.Range(1, 15).Select(i => "line " + i));
        string shown = ActionRunner.FirstLines(text);
        Assert.StartsWith("line 1 | line 2", shown, StringComparison.Ordinal);
        Assert.Contains("line 10 | ... (5 more line(s))", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("line 11", shown, StringComparison.Ordinal);
    }
}
