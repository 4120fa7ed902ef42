using System.Reflection;
using FileSync.Tasks.Tests.Infrastructure;
using Microsoft.Build.Framework;

namespace FileSync.Tasks.Tests;

/// <summary>
/// The .NET Framework twin's own failures (README "IDE builds / Visual Studio"): what it reports when filesync-task is
/// missing or says nothing, and the line format both sides share. The twin is loaded by reflection: its task types have
/// the names of the real ones. Its runs of the real filesync-task are end-to-end tests (VisualStudioToolTaskTests).
/// </summary>
[Collection(InProcessMSBuild.Name)]
public sealed class TwinTaskTests
{
    private static readonly Assembly Twin = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "FileSync.Tasks.OutOfProcess.dll"));

    [Fact]
    public void A_missing_filesync_task_is_FSYNC0030_naming_it_and_nothing_runs()
    {
        using var folder = new TempFolder();
        using var engine = new MockEngine();
        string host = folder.PathOf("tools/task/filesync-task.dll");
        ITask task = SyncFiles(engine, host, folder);

        Assert.False(task.Execute());

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal("FSYNC0030", error.Code);
        Assert.Contains($"'{host}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_filesync_task_that_ends_without_a_word_is_FSYNC0032_after_what_dotnet_printed()
    {
        using var folder = new TempFolder();
        using var engine = new MockEngine();
        string host = folder.PathOf("filesync-task.dll");
        File.WriteAllText(host, "not an assembly");
        ITask task = SyncFiles(engine, host, folder);

        Assert.False(task.Execute());

        BuildErrorEventArgs error = Assert.Single(engine.Errors);
        Assert.Equal("FSYNC0032", error.Code);
        Assert.Contains($"'{host}'", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("exit code 0 ", error.Message, StringComparison.Ordinal);
        Assert.Contains(engine.Messages, message => message.Importance == MessageImportance.High && message.Message!.Contains("libhostpolicy", StringComparison.Ordinal)); // dotnet's own complaint, passed on
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("tab\there")]
    [InlineData("new\nline\r\nand return")]
    [InlineData("back\\slash \\t not a tab\\")]
    [InlineData("")]
    [InlineData("100%41 %zz % %%")]
    [InlineData("é ü 日本 \u0001")]
    public void A_field_comes_back_as_it_was_written(string value)
    {
        Type protocol = Twin.GetType("FileSync.Tasks.TaskProtocol", throwOnError: true)!;
        var line = (string)protocol.GetMethod("Line")!.Invoke(null, [new string?[] { "set", value, value }])!;

        var fields = (string[])protocol.GetMethod("Fields")!.Invoke(null, [line])!;

        Assert.DoesNotContain('\n', line);
        Assert.Equal(["set", value, value], fields);
    }

    private static ITask SyncFiles(MockEngine engine, string host, TempFolder folder)
    {
        var task = (ITask)Activator.CreateInstance(Twin.GetType("FileSync.Tasks.SyncFiles", throwOnError: true)!)!;
        Type type = task.GetType();
        type.GetProperty("HostAssembly", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(task, host);
        type.GetProperty("TasksAssembly", BindingFlags.NonPublic | BindingFlags.Instance)!.SetValue(task, Repo.TasksAssembly);
        type.GetProperty("ContextDirectory")!.SetValue(task, folder.Root);
        type.GetProperty("StateDirectory")!.SetValue(task, folder.PathOf("obj/filesync/"));
        task.BuildEngine = engine;
        return task;
    }
}
