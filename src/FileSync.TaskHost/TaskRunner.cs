using System.Collections;
using System.Globalization;
using System.Reflection;
using FileSync.Diagnostics;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FileSync.Tasks;

/// <summary>
/// Reads a twin's request, sets each parameter on the real task, runs it, and answers with its outputs and result. A
/// request this version does not understand, and anything the task throws, is a coded error, not a crash.
/// </summary>
internal sealed class TaskRunner(TextWriter answer)
{
    public bool Run(string requestFile)
    {
        HostEngine? engine = null;
        try
        {
            string[] lines = File.ReadAllLines(requestFile); // UTF-8, with or without a BOM
            (string name, string assembly) = TaskProtocol.Fields(lines.FirstOrDefault() ?? "") is [TaskProtocol.TaskRecord, string taskName, string taskAssembly]
                ? (taskName, taskAssembly)
                : throw new FileSyncException(Diag.OutOfProcessRequestInvalid(requestFile, "no task record"));
            if (!File.Exists(assembly))
            {
                throw new FileSyncException(Diag.OutOfProcessHostMissing(assembly));
            }

            // The task's references (Core, MSBuild's task API) bind to this folder's copies, already in the default context.
            Type type = Assembly.LoadFrom(assembly).GetType("FileSync.Tasks." + name) is { } found && typeof(ITask).IsAssignableFrom(found)
                ? found
                : throw new FileSyncException(Diag.OutOfProcessRequestInvalid(requestFile, $"no task '{name}' in '{assembly}'"));
            bool detailed = lines.Skip(1).Select(TaskProtocol.Fields).Any(fields => fields is [TaskProtocol.DetailRecord, "true"]);
            engine = new HostEngine(answer, detailed);
            var task = (ITask)Activator.CreateInstance(type)!;
            task.BuildEngine = engine;
            Apply(task, lines.Skip(1), requestFile);
            if (type.GetProperty("Watch")?.GetValue(task) is true)
            {
                // The watch evaluates the project again with MSBuild's own evaluator, which only the build's MSBuild has.
                engine.Write(TaskProtocol.ErrorRecord, Diag.WatchNeedsNetMSBuild().Code, "", "0", "0", Diag.WatchNeedsNetMSBuild().Message);
                engine.Write(TaskProtocol.ResultRecord, "false");
                return false;
            }

            bool result = task.Execute();
            Answer(task, engine);
            engine.Write(TaskProtocol.ResultRecord, result ? "true" : "false");
            return result;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Diagnostic diagnostic = e is FileSyncException coded ? coded.Diagnostic : Diag.OutOfProcessTaskFailed(e.GetType().Name, e.Message);
            engine ??= new HostEngine(answer, false);
            engine.Write(TaskProtocol.ErrorRecord, diagnostic.Code, diagnostic.File ?? "", "0", "0", diagnostic.Message);
            engine.Write(TaskProtocol.ResultRecord, "false");
            return false;
        }
    }

    /// <summary>Sets the parameters the request lists; a scalar, a string list, or items (escaped as MSBuild passes them).</summary>
    private static void Apply(ITask task, IEnumerable<string> lines, string requestFile)
    {
        PropertyInfo? list = null;
        var elements = new ArrayList();
        foreach (string[] fields in lines.Select(TaskProtocol.Fields))
        {
            switch (fields)
            {
                case [TaskProtocol.DetailRecord, _]:
                    break;
                case [TaskProtocol.ScalarRecord, string name, string value]:
                    Flush(task, list, elements);
                    list = null;
                    PropertyInfo property = Parameter(task, name, requestFile);
                    property.SetValue(task, property.PropertyType == typeof(string) ? value : Convert.ChangeType(value, property.PropertyType, CultureInfo.InvariantCulture));
                    break;
                case [TaskProtocol.ListRecord, string name]:
                    Flush(task, list, elements);
                    list = Parameter(task, name, requestFile);
                    break;
                case [TaskProtocol.ElementRecord, string value] when list?.PropertyType == typeof(string[]):
                    elements.Add(value);
                    break;
                case [TaskProtocol.ItemRecord, ..] when list?.PropertyType == typeof(ITaskItem[]) && fields.Length % 2 == 0:
                    var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    for (int i = 2; i + 1 < fields.Length; i += 2)
                    {
                        metadata[fields[i]] = fields[i + 1];
                    }

                    elements.Add(new TaskItem(fields[1], metadata));
                    break;
                default:
                    throw new FileSyncException(Diag.OutOfProcessRequestInvalid(requestFile, $"unexpected record '{fields[0]}'"));
            }
        }

        Flush(task, list, elements);
    }

    private static void Flush(ITask task, PropertyInfo? list, ArrayList elements)
    {
        list?.SetValue(task, elements.ToArray(list.PropertyType.GetElementType()!));
        elements.Clear();
    }

    private static PropertyInfo Parameter(ITask task, string name, string requestFile) =>
        task.GetType().GetProperty(name, BindingFlags.Public | BindingFlags.Instance) is { CanWrite: true } property && property.GetCustomAttribute<OutputAttribute>() is null
            ? property
            : throw new FileSyncException(Diag.OutOfProcessRequestInvalid(requestFile, $"no parameter '{name}' on {task.GetType().Name}"));

    /// <summary>Every [Output] the task set, for the twin to set on itself.</summary>
    private static void Answer(ITask task, HostEngine engine)
    {
        foreach (PropertyInfo property in task.GetType().GetProperties().Where(p => p.GetCustomAttribute<OutputAttribute>() is not null))
        {
            switch (property.GetValue(task))
            {
                case ITaskItem[] items:
                    engine.Write(TaskProtocol.OutputListRecord, property.Name);
                    foreach (ITaskItem item in items)
                    {
                        var fields = new List<string?> { TaskProtocol.ItemRecord, ((ITaskItem2)item).EvaluatedIncludeEscaped };
                        foreach (DictionaryEntry entry in ((ITaskItem2)item).CloneCustomMetadataEscaped())
                        {
                            fields.Add((string)entry.Key);
                            fields.Add((string?)entry.Value);
                        }

                        engine.Write([.. fields]);
                    }

                    break;
                case IFormattable value:
                    engine.Write(TaskProtocol.OutputRecord, property.Name, value.ToString(null, CultureInfo.InvariantCulture));
                    break;
                case string value:
                    engine.Write(TaskProtocol.OutputRecord, property.Name, value);
                    break;
            }
        }
    }
}
