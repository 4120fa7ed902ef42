using System.Runtime.InteropServices;
using System.Security;
using FileSync.Tasks.Tests.Infrastructure;
using Microsoft.Build.Evaluation;

namespace FileSync.Tasks.Tests;

/// <summary>
/// Which task assembly FileSync.props picks in a package's layout: the ReadyToRun one made for the runtime and platform
/// MSBuild runs on when the package has it, else tasks/net8.0/; an explicit FileSyncTasksAssembly always wins.
/// </summary>
[Collection(InProcessMSBuild.Name)]
public sealed class TasksAssemblyTests : IDisposable
{
    // The running MSBuild is this process: its runtime and platform name the folder.
    private static readonly string ThisRuntime = $"net{Environment.Version.Major}.0-{RuntimeInformation.RuntimeIdentifier}";

    private readonly TempFolder _package = new();

    public TasksAssemblyTests()
    {
        _package.CreateFolder("build");
        File.Copy(Repo.PropsFile, _package.PathOf("build/FileSync.props"));
        _package.WriteFile("tasks/net8.0/FileSync.Tasks.dll", "");
    }

    public void Dispose() => _package.Dispose();

    private string Picked(string body = "")
    {
        string project = _package.WriteFile("app/app.proj", $"""
            <Project>
            {body}
              <Import Project="{SecurityElement.Escape(_package.PathOf("build/FileSync.props"))}" />
            </Project>
            """);
        using var collection = new ProjectCollection();
        return Path.GetFullPath(new Project(project, null, null, collection).GetPropertyValue("FileSyncTasksAssembly"));
    }

    [Fact]
    public void Without_a_ReadyToRun_folder_for_this_runtime_the_portable_task_is_used()
    {
        _package.WriteFile("tasks/net10.0-some-other-platform/FileSync.Tasks.dll", "");

        Assert.Equal(_package.PathOf("tasks/net8.0/FileSync.Tasks.dll"), Picked());
    }

    [Fact]
    public void With_a_ReadyToRun_folder_for_this_runtime_and_platform_that_one_is_used()
    {
        _package.WriteFile($"tasks/{ThisRuntime}/FileSync.Tasks.dll", "");

        Assert.Equal(_package.PathOf($"tasks/{ThisRuntime}/FileSync.Tasks.dll"), Picked());
    }

    [Fact]
    public void An_explicit_task_assembly_wins_over_both()
    {
        _package.WriteFile($"tasks/{ThisRuntime}/FileSync.Tasks.dll", "");
        string own = _package.WriteFile("mine/FileSync.Tasks.dll", "");

        Assert.Equal(own, Picked($"<PropertyGroup><FileSyncTasksAssembly>{SecurityElement.Escape(own)}</FileSyncTasksAssembly></PropertyGroup>"));
    }
}
