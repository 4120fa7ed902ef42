using System.Reflection;
using FileSync.Tasks.Tests.Infrastructure;
using Microsoft.Build.Construction;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Framework;

namespace FileSync.Tasks.Tests;

/// <summary>
/// Which task a build gets (README "IDE builds / Visual Studio"): the dotnet CLI's MSBuild loads the net8.0 task; Visual
/// Studio 2026 (MSBuild 18 on .NET Framework) runs it in MSBuild's .NET task host; Visual Studio 2022 and older get the
/// .NET Framework twin, which runs it with dotnet. The MSBuild's runtime and version come in through the targets' seams.
/// </summary>
[Collection(InProcessMSBuild.Name)]
public sealed class VisualStudioTargetsTests
{
    private const string Twin = "twin";
    private const string Task = "task";

    public static TheoryData<string, string, string, string, string, string, string> Selections => new()
    {
        { "The dotnet CLI (MSBuild on .NET): the task in the build's own process", "Core", "18.0.5", "", Task, "", "" },
        { "The dotnet CLI of SDK 8 (MSBuild 17)", "Core", "17.8.3", "", Task, "", "" },
        { "Visual Studio 2026 (MSBuild 18.0 on .NET Framework): the net8.0 task in the .NET task host", "Full", "18.0.2", "", Task, "NET", "TaskHostFactory" },
        { "A later Visual Studio 2026 update", "Full", "18.3.11", "", Task, "NET", "TaskHostFactory" },
        { "Visual Studio 2022 17.14 (no .NET task host): the twin", "Full", "17.14.8", "", Twin, "", "" },
        { "Visual Studio 2022 17.8", "Full", "17.8.5", "", Twin, "", "" },
        { "Visual Studio 2026 where the task host fails (dotnet/msbuild#12658, MSB4216): FileSyncUseToolTask=true", "Full", "18.0.2", "true", Twin, "", "" },
        { "The dotnet CLI told to use the twin, as the end-to-end tests do", "Core", "18.0.5", "true", Twin, "", "" },
        { "Visual Studio 2022 told not to: the task host is asked for (MSBuild then says MSB4233)", "Full", "17.14.8", "false", Task, "NET", "TaskHostFactory" },
    };

    [Theory]
    [MemberData(nameof(Selections))]
    public void The_MSBuild_that_builds_gets_the_task_it_can_run(string sentence, string runtimeType, string version, string useToolTask, string assembly, string runtime, string factory)
    {
        // FileSyncUseToolTask in the project itself, as a user sets it (not a global property).
        string body = useToolTask.Length == 0 ? "" : $"<PropertyGroup><FileSyncUseToolTask>{useToolTask}</FileSyncUseToolTask></PropertyGroup>";
        using var project = new TestProject(body, $"_FileSyncMSBuildRuntimeType={runtimeType};_FileSyncMSBuildVersion={version}");
        Project evaluated = project.Evaluate();

        string expectedAssembly = assembly == Twin ? evaluated.GetPropertyValue("FileSyncToolTasksAssembly") : Repo.TasksAssembly;
        Assert.True(
            (expectedAssembly, runtime, factory) == (evaluated.GetPropertyValue("_FileSyncTaskAssembly"), evaluated.GetPropertyValue("_FileSyncTaskRuntime"), evaluated.GetPropertyValue("_FileSyncTaskFactory")),
            $"{sentence}: got {evaluated.GetPropertyValue("_FileSyncTaskAssembly")}, '{evaluated.GetPropertyValue("_FileSyncTaskRuntime")}', '{evaluated.GetPropertyValue("_FileSyncTaskFactory")}'");
    }

    [Fact]
    public void Without_the_seams_the_selection_is_this_MSBuild_s_own()
    {
        using var project = new TestProject("");
        Project evaluated = project.Evaluate();

        Assert.Equal(("Core", "false", Repo.TasksAssembly), (evaluated.GetPropertyValue("_FileSyncMSBuildRuntimeType"), evaluated.GetPropertyValue("FileSyncUseToolTask"), evaluated.GetPropertyValue("_FileSyncTaskAssembly")));
        Assert.Equal(evaluated.GetPropertyValue("MSBuildVersion"), evaluated.GetPropertyValue("_FileSyncMSBuildVersion"));
    }

    [Fact]
    public void The_twin_is_the_package_s_netstandard2_0_assembly()
    {
        using var project = new TestProject("");

        string twin = project.Evaluate().GetPropertyValue("FileSyncToolTasksAssembly").Replace('\\', '/');

        Assert.EndsWith("/build/../tasks/netstandard2.0/FileSync.Tasks.OutOfProcess.dll", twin, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_task_is_declared_with_the_selected_assembly_runtime_and_factory()
    {
        ProjectUsingTaskElement[] declared = [.. ProjectRootElement.Open(Repo.TargetsFile).UsingTasks];

        Assert.Equal(["FileSync.Tasks.ListConfigFiles", "FileSync.Tasks.ShutdownSyncServer", "FileSync.Tasks.SyncFiles"], declared.Select(task => task.TaskName).Order(StringComparer.Ordinal));

        // dotnet watch's item collection runs only in the .NET CLI's MSBuild (or VS 2026's task host), never in the twin.
        ProjectUsingTaskElement list = declared.Single(task => task.TaskName == "FileSync.Tasks.ListConfigFiles");
        Assert.Equal(("$(FileSyncTasksAssembly)", "$(_FileSyncTaskRuntime)", "$(_FileSyncTaskFactory)", ""), (list.AssemblyFile, list.Runtime, list.TaskFactory, list.Condition));
        Assert.All(declared.Where(task => task != list), task => Assert.Equal(
            ("$(_FileSyncTaskAssembly)", "$(_FileSyncTaskRuntime)", "$(_FileSyncTaskFactory)", ""),
            (task.AssemblyFile, task.Runtime, task.TaskFactory, task.Condition)));
    }

    /// <summary>The twin declares exactly the in-process task's parameters (it compiles SyncFiles.Interface.cs): a
    /// parameter declared anywhere else in SyncFiles fails here, as would one the twin alone had.</summary>
    [Fact]
    public void The_twin_takes_every_parameter_of_the_task_and_nothing_else()
    {
        Assembly twin = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "FileSync.Tasks.OutOfProcess.dll"));

        foreach ((Type task, Type twinTask) in new[] { (typeof(SyncFiles), twin.GetType("FileSync.Tasks.SyncFiles", throwOnError: true)!), (typeof(ShutdownSyncServer), twin.GetType("FileSync.Tasks.ShutdownSyncServer", throwOnError: true)!) })
        {
            Assert.Equal(Parameters(task), Parameters(twinTask));
        }

        Assert.Contains("Rules ITaskItem[] required=False output=False", Parameters(typeof(SyncFiles)));
        Assert.Contains("Planned ITaskItem[] required=False output=True", Parameters(typeof(SyncFiles)));
        Assert.Contains("Watch Boolean required=False output=False", Parameters(typeof(SyncFiles)));
    }

    private static string[] Parameters(Type task) =>
    [
        .. task.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.CanWrite)
            .Select(p => $"{p.Name} {p.PropertyType.Name} required={p.GetCustomAttributes().Any(a => a.GetType().Name == nameof(RequiredAttribute))} output={p.GetCustomAttributes().Any(a => a.GetType().Name == nameof(OutputAttribute))}")
            .Order(StringComparer.Ordinal),
    ];
}
