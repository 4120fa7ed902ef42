using FileSync.Tests.Infrastructure;
using FileSync.Tasks.Tests.Infrastructure;
using Microsoft.Build.Framework;

namespace FileSync.Tasks.Tests;

/// <summary>The SyncFiles task against the Docker engine (a real one: without it these tests fail).</summary>
public sealed class SyncFilesDockerTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly MockEngine _engine = new();
    private readonly string _context;

    public SyncFilesDockerTests()
    {
        _context = _temp.CreateFolder("src");
        _temp.WriteFile("src/site.css", "body {}");
    }

    public void Dispose()
    {
        _engine.Dispose();
        _temp.Dispose();
    }

    [Fact]
    public void A_container_that_does_not_exist_fails_with_FSYNC2002_naming_it()
    {
        string name = "filesync-tasks-missing-" + Guid.NewGuid().ToString("N")[..12];
        SyncFiles task = NewTask(name);

        Assert.False(task.Execute(), _engine.Log);

        BuildErrorEventArgs error = Assert.Single(_engine.Errors);
        Assert.Equal("FSYNC2002", error.Code);
        Assert.Contains($"'{name}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unreachable_FileSyncDockerHost_fails_with_FSYNC2001_naming_it()
    {
        SyncFiles task = NewTask("web");
        task.DockerHost = "unix:///nonexistent.sock";

        Assert.False(task.Execute(), _engine.Log);

        BuildErrorEventArgs error = Assert.Single(_engine.Errors);
        Assert.Equal("FSYNC2001", error.Code);
        Assert.Contains("/nonexistent.sock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_second_run_on_the_same_engine_reuses_the_Docker_client()
    {
        await using TestContainer container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);

        SyncFiles first = NewTask(container.Id);
        Assert.True(first.Execute(), _engine.Log);
        Assert.Equal(1, first.CopiedCount);
        Assert.DoesNotContain(_engine.Messages, m => m.Message!.Contains("reusing", StringComparison.Ordinal));
        Assert.Equal("body {}", await container.ExecAsync("cat", "/app/site.css"));

        int before = _engine.Messages.Count;
        SyncFiles second = NewTask(container.Id);
        Assert.True(second.Execute(), _engine.Log);
        Assert.Equal(0, second.CopiedCount);

        BuildMessageEventArgs reusing = Assert.Single(_engine.Messages.Skip(before), m => m.Message!.Contains("reusing", StringComparison.Ordinal));
        Assert.Equal(MessageImportance.Low, reusing.Importance);
        Assert.Empty(_engine.Errors);
    }

    private SyncFiles NewTask(string container) => new()
    {
        BuildEngine = _engine,
        Rules = [RuleItem.Create(_context, "site.css", "/app")],
        ContextDirectory = _context,
        StateDirectory = _temp.PathOf(Path.Combine("obj", "filesync")),
        Runtime = "docker",
        Container = container,
    };
}
