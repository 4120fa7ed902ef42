using FileSync.Tasks.Tests.Infrastructure;
using Microsoft.Build.Framework;

namespace FileSync.Tasks.Tests;

/// <summary>What the task makes of the items MSBuild hands it: its own state is never a source.</summary>
public sealed class SourceItemsTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly MockEngine _engine = new();
    private readonly string _project;
    private readonly string _state;
    private readonly string _root;

    public SourceItemsTests()
    {
        _project = _temp.CreateFolder("project");
        _state = _temp.CreateFolder(Path.Combine("project", "obj", "filesync"));
        _root = _temp.CreateFolder("root");
    }

    public void Dispose()
    {
        _engine.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void Items_inside_the_state_folder_are_never_sources()
    {
        _temp.WriteFile("project/site.css", "body {}");
        _temp.WriteFile("project/obj/filesync/directory-0123456789abcdef.state.lock", "");

        SyncFiles task = NewTask(Rule("site.css"), Rule("obj/filesync/directory-0123456789abcdef.state.lock"));
        Assert.True(task.Execute(), _engine.Log);

        Assert.Equal(["app/site.css"], _temp.FilesUnder("root"));
        Assert.Empty(_engine.Warnings);
    }

    private SyncFiles NewTask(params ITaskItem[] rules) => new()
    {
        BuildEngine = _engine,
        Rules = rules,
        ContextDirectory = _project,
        ProjectDirectory = _project,
        StateDirectory = _state,
        Runtime = "directory",
        Directory = _root,
    };

    private RuleItem Rule(string relative, string? dest = "/app") => RuleItem.Create(_project, relative, dest);
}
