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

    /// <summary>Every parameter set on the twin is in its request, with its value: none is skipped for its type.</summary>
    [Fact]
    public void The_request_carries_every_parameter_with_its_value()
    {
        using var folder = new TempFolder();
        using var engine = new MockEngine();
        ITask task = SyncFiles(engine, folder.PathOf("filesync-task.dll"), folder);
        var expected = new List<string>();
        foreach (PropertyInfo property in task.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(p => p.CanWrite && p.GetCustomAttribute<OutputAttribute>() is null))
        {
            (object value, string[] lines) = property.PropertyType switch
            {
                Type t when t == typeof(bool) => ((object)true, new[] { $"set\t{property.Name}\tTrue" }),
                Type t when t == typeof(string) => ($"v;{property.Name}\\%", [$"set\t{property.Name}\tv;{property.Name}%5C%25"]),
                Type t when t == typeof(string[]) => (new[] { "a", "b" }, [$"list\t{property.Name}", "element\ta", "element\tb"]),
                Type t when t == typeof(ITaskItem[]) => (new ITaskItem[] { new Microsoft.Build.Utilities.TaskItem("x%3By", new Dictionary<string, string> { ["Dest"] = "/d" }) }, [$"list\t{property.Name}", "item\tx%253By\tDest\t/d"]),
                Type t => throw new Xunit.Sdk.XunitException($"{property.Name}: a parameter of type {t.Name}, which the request does not carry yet"),
            };
            property.SetValue(task, value);
            expected.Add(string.Join("\n", lines));
        }

        var request = (string)task.GetType().GetMethod("GenerateResponseFileCommands", BindingFlags.NonPublic | BindingFlags.Instance)!.Invoke(task, null)!;

        Assert.True(expected.Count > 40, $"only {expected.Count} parameters");
        Assert.All(expected, lines => Assert.Contains(lines + "\n", request, StringComparison.Ordinal));
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
