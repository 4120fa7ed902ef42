using System;
using System.Collections;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Text;
using Microsoft.Build.Framework;
using Microsoft.Build.Utilities;

namespace FileSync.Tasks;

/// <summary>
/// A FileSync task for a .NET Framework MSBuild (Visual Studio 2022 and older), which cannot load the net8.0 task: every
/// parameter the concrete task declares goes in a response file to filesync-task (tools/task/, run with dotnet), which
/// runs the real task and answers with its log events and outputs, one line each (TaskProtocol); they are logged here
/// with their codes, files and lines as the task logged them. Cancelling the build kills the child (ToolTask).
/// dotnet/sdk's CreateNewImageToolTask is the model.
/// </summary>
public abstract class OutOfProcessTask : ToolTask
{
    private readonly Dictionary<string, List<ITaskItem>> _outputLists = new(StringComparer.Ordinal);
    private List<ITaskItem>? _currentOutputList;
    private bool? _result;
    private string? _dotnet;

    /// <summary>filesync-task.dll: tools/task/ of the package this assembly came from (tasks/netstandard2.0/).</summary>
    internal string HostAssembly { get; set; } = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(OutOfProcessTask).Assembly.Location)!, "..", "..", "tools", "task", "filesync-task.dll"));

    /// <summary>The task itself: tasks/net8.0/FileSync.Tasks.dll of the same package.</summary>
    internal string TasksAssembly { get; set; } = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(typeof(OutOfProcessTask).Assembly.Location)!, "..", "net8.0", "FileSync.Tasks.dll"));

    /// <summary>The task's name in FileSync.Tasks (net8.0).</summary>
    protected abstract string TaskName { get; }

    protected override string ToolName => Path.DirectorySeparatorChar == '\\' ? "dotnet.exe" : "dotnet";

    // The answer is UTF-8 whatever the console's code page (filesync-task writes it so).
    protected override Encoding StandardOutputEncoding => new UTF8Encoding(false);

    protected override Encoding StandardErrorEncoding => new UTF8Encoding(false);

    protected override Encoding ResponseFileEncoding => new UTF8Encoding(false);

    /// <summary>The dotnet that runs filesync-task: DOTNET_HOST_PATH (the build's own), else the first on PATH, else the installer's folder.</summary>
    protected override string GenerateFullPathToTool() => _dotnet ??= FindDotnet() ?? ToolName;

    protected override bool ValidateParameters()
    {
        foreach (string file in new[] { HostAssembly, TasksAssembly }.Where(file => !File.Exists(file)))
        {
            LogError(Diag.OutOfProcessHostMissing(file));
            return false;
        }

        if (string.IsNullOrEmpty(ToolPath) && FindDotnet() is null)
        {
            LogError(Diag.OutOfProcessDotnetNotFound(ToolName, HostAssembly));
            return false;
        }

        return base.ValidateParameters();
    }

    protected override string GenerateCommandLineCommands()
    {
        var command = new CommandLineBuilder();
        command.AppendFileNameIfNotNull(HostAssembly);
        return command.ToString();
    }

    /// <summary>The command and the request's contents (every parameter), for -v:d; the short command line is logged as it starts.</summary>
    protected override void LogToolCommand(string message) => Log.LogMessage(MessageImportance.Low, message);

    protected override System.Diagnostics.ProcessStartInfo GetProcessStartInfo(string pathToTool, string commandLineCommands, string responseFileSwitch)
    {
        Log.LogMessage(MessageImportance.Normal, $"FileSync: running {TaskName} out of process: {pathToTool} {commandLineCommands.Trim()} {responseFileSwitch}");
        return base.GetProcessStartInfo(pathToTool, commandLineCommands, responseFileSwitch);
    }

    /// <summary>The request: the task's name, the build's verbosity, then every parameter of the concrete task that is set.</summary>
    protected override string GenerateResponseFileCommands()
    {
        var request = new StringBuilder();
        request.Append(TaskProtocol.Line(TaskProtocol.TaskRecord, TaskName, TasksAssembly)).Append('\n');
        request.Append(TaskProtocol.Line(TaskProtocol.DetailRecord, Log.LogsMessagesOfImportance(MessageImportance.Low) ? "true" : "false")).Append('\n');
        foreach (PropertyInfo property in Parameters(GetType()).Where(p => p.GetCustomAttribute<OutputAttribute>() is null))
        {
            switch (property.GetValue(this))
            {
                case null:
                    break;
                case ITaskItem[] items:
                    request.Append(TaskProtocol.Line(TaskProtocol.ListRecord, property.Name)).Append('\n');
                    foreach (ITaskItem item in items)
                    {
                        request.Append(ItemLine(TaskProtocol.ItemRecord, item)).Append('\n');
                    }

                    break;
                case string[] values:
                    request.Append(TaskProtocol.Line(TaskProtocol.ListRecord, property.Name)).Append('\n');
                    foreach (string value in values)
                    {
                        request.Append(TaskProtocol.Line(TaskProtocol.ElementRecord, value)).Append('\n');
                    }

                    break;
                case IFormattable value:
                    request.Append(TaskProtocol.Line(TaskProtocol.ScalarRecord, property.Name, value.ToString(null, CultureInfo.InvariantCulture))).Append('\n');
                    break;
                case object value:
                    request.Append(TaskProtocol.Line(TaskProtocol.ScalarRecord, property.Name, value.ToString())).Append('\n');
                    break;
            }
        }

        return request.ToString();
    }

    /// <summary>The parameters a task declares itself (SyncFiles.Interface.cs), not ToolTask's.</summary>
    internal static IEnumerable<PropertyInfo> Parameters(Type task) =>
        task.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Where(p => p.CanRead && p.CanWrite);

    /// <summary>Every line filesync-task writes: an answer record, or anything else (the dotnet host's own errors) as a message.</summary>
    protected override void LogEventsFromTextOutput(string singleLine, MessageImportance messageImportance)
    {
        if (!singleLine.StartsWith(TaskProtocol.Prefix + "\t", StringComparison.Ordinal))
        {
            Log.LogMessage(MessageImportance.High, singleLine);
            return;
        }

        string[] fields = TaskProtocol.Fields(singleLine.Substring(TaskProtocol.Prefix.Length + 1));
        switch (fields[0])
        {
            case TaskProtocol.MessageRecord when fields.Length == 3:
                Log.LogMessage(fields[1] switch { "high" => MessageImportance.High, "low" => MessageImportance.Low, _ => MessageImportance.Normal }, fields[2]);
                break;
            case TaskProtocol.WarningRecord when fields.Length == 6:
                Log.LogWarning(null, NullIfEmpty(fields[1]), null, NullIfEmpty(fields[2]), Number(fields[3]), Number(fields[4]), 0, 0, fields[5]);
                break;
            case TaskProtocol.ErrorRecord when fields.Length == 6:
                Log.LogError(null, NullIfEmpty(fields[1]), null, NullIfEmpty(fields[2]), Number(fields[3]), Number(fields[4]), 0, 0, fields[5]);
                break;
            case TaskProtocol.OutputRecord when fields.Length == 3:
                SetOutput(fields[1], fields[2]);
                break;
            case TaskProtocol.OutputListRecord when fields.Length == 2:
                _outputLists[fields[1]] = _currentOutputList = [];
                break;
            case TaskProtocol.ItemRecord when _currentOutputList is not null:
                _currentOutputList.Add(Item(fields));
                break;
            case TaskProtocol.ResultRecord when fields.Length == 2:
                _result = fields[1] == "true";
                break;
            default:
                Log.LogMessage(MessageImportance.High, singleLine);
                break;
        }
    }

    /// <summary>After the child ended: outputs set, and a failure with nothing said becomes a coded error.</summary>
    protected override bool HandleTaskExecutionErrors()
    {
        if (!Log.HasLoggedErrors)
        {
            LogError(Diag.OutOfProcessFailed(HostAssembly, ExitCode));
        }

        return false;
    }

    public override bool Execute()
    {
        bool succeeded = base.Execute();
        foreach (KeyValuePair<string, List<ITaskItem>> list in _outputLists)
        {
            GetType().GetProperty(list.Key)?.SetValue(this, list.Value.ToArray());
        }

        if (succeeded && _result != true && !Log.HasLoggedErrors)
        {
            // Exit code 0 without a result: the child was not filesync-task, or it was cut short.
            LogError(Diag.OutOfProcessFailed(HostAssembly, ExitCode));
        }

        return succeeded && _result == true && !Log.HasLoggedErrors;
    }

    private void SetOutput(string name, string value)
    {
        PropertyInfo? property = GetType().GetProperty(name);
        if (property?.PropertyType == typeof(int))
        {
            property.SetValue(this, int.Parse(value, CultureInfo.InvariantCulture));
        }
        else if (property?.PropertyType == typeof(string))
        {
            property.SetValue(this, value);
        }
    }

    /// <summary>An item as written (escaped), so that the child's TaskItem unescapes it exactly once, as MSBuild would.</summary>
    private static string ItemLine(string record, ITaskItem item)
    {
        var fields = new List<string> { record, item is ITaskItem2 escaped ? escaped.EvaluatedIncludeEscaped : Escape(item.ItemSpec) };
        IDictionary metadata = item is ITaskItem2 escapedItem ? escapedItem.CloneCustomMetadataEscaped() : item.CloneCustomMetadata();
        foreach (DictionaryEntry entry in metadata)
        {
            fields.Add((string)entry.Key);
            fields.Add(item is ITaskItem2 ? (string)entry.Value! : Escape((string)entry.Value!));
        }

        return TaskProtocol.Line([.. fields]);
    }

    internal static TaskItem Item(string[] fields)
    {
        var metadata = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (int i = 2; i + 1 < fields.Length; i += 2)
        {
            metadata[fields[i]] = fields[i + 1];
        }

        return new TaskItem(fields[1], metadata);
    }

    private string? FindDotnet()
    {
        string? host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        if (!string.IsNullOrEmpty(host) && File.Exists(host))
        {
            return host;
        }

        foreach (string folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator))
        {
            string candidate;
            try
            {
                candidate = Path.Combine(folder.Trim().Trim('"'), ToolName);
            }
            catch (ArgumentException)
            {
                continue; // a PATH entry with characters a path cannot have
            }

            if (folder.Trim().Length > 0 && File.Exists(candidate))
            {
                return candidate;
            }
        }

        string installed = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles), "dotnet", ToolName);
        return File.Exists(installed) ? installed : null;
    }

    private void LogError(TwinDiagnostic diagnostic) => Log.LogError(null, diagnostic.Code, null, null, 0, 0, 0, 0, diagnostic.Message);

    /// <summary>MSBuild's escaping, for an item that does not give its escaped form (every item MSBuild passes does).</summary>
    private static string Escape(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            _ = "%*?@$();'".IndexOf(c) >= 0 ? escaped.Append('%').Append(((int)c).ToString("X2", CultureInfo.InvariantCulture)) : escaped.Append(c);
        }

        return escaped.ToString();
    }

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;

    private static int Number(string value) => int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int number) ? number : 0;
}
