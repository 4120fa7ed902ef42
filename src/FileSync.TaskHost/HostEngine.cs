using System.Collections;
using Microsoft.Build.Framework;

namespace FileSync.Tasks;

/// <summary>
/// The build engine of a task run by filesync-task: log events become answer lines (TaskProtocol) that the twin logs in
/// the real build, with their codes, files and lines; the build's verbosity decides which messages are even formatted.
/// </summary>
internal sealed class HostEngine(TextWriter answer, bool detailed) : IBuildEngine10
{
    private readonly Dictionary<object, object> _taskObjects = [];

    public EngineServices EngineServices { get; } = new HostServices(detailed);

    public bool ContinueOnError => false;

    public int LineNumberOfTaskNode => 0;

    public int ColumnNumberOfTaskNode => 0;

    public string ProjectFileOfTaskNode => "";

    public bool IsRunningMultipleNodes => false;

    public bool AllowFailureWithoutError { get; set; }

    public void LogErrorEvent(BuildErrorEventArgs e) =>
        Write(TaskProtocol.ErrorRecord, e.Code, e.File, Number(e.LineNumber), Number(e.ColumnNumber), e.Message);

    public void LogWarningEvent(BuildWarningEventArgs e) =>
        Write(TaskProtocol.WarningRecord, e.Code, e.File, Number(e.LineNumber), Number(e.ColumnNumber), e.Message);

    public void LogMessageEvent(BuildMessageEventArgs e) =>
        Write(TaskProtocol.MessageRecord, e.Importance switch { MessageImportance.High => "high", MessageImportance.Low => "low", _ => "normal" }, e.Message);

    public void LogCustomEvent(CustomBuildEventArgs e) => Write(TaskProtocol.MessageRecord, "low", e.Message);

    public void Write(params string?[] fields)
    {
        lock (answer)
        {
            answer.WriteLine(TaskProtocol.Prefix + "\t" + TaskProtocol.Line(fields));
        }
    }

    // A task of FileSync builds no other project and asks nothing else of the engine.
    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs) => false;

    public bool BuildProjectFile(string projectFileName, string[] targetNames, IDictionary globalProperties, IDictionary targetOutputs, string toolsVersion) => false;

    public bool BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IDictionary[] targetOutputsPerProject, string[] toolsVersion, bool useResultsCache, bool unloadProjectsOnCompletion) => false;

    public BuildEngineResult BuildProjectFilesInParallel(string[] projectFileNames, string[] targetNames, IDictionary[] globalProperties, IList<string>[] removeGlobalProperties, string[] toolsVersion, bool returnTargetOutputs) => new(false, []);

    public void Yield()
    {
    }

    public void Reacquire()
    {
    }

    public void RegisterTaskObject(object key, object obj, RegisteredTaskObjectLifetime lifetime, bool allowEarlyCollection) => _taskObjects[key] = obj;

    public object? GetRegisteredTaskObject(object key, RegisteredTaskObjectLifetime lifetime) => _taskObjects.GetValueOrDefault(key);

    public object? UnregisterTaskObject(object key, RegisteredTaskObjectLifetime lifetime) => _taskObjects.Remove(key, out object? removed) ? removed : null;

    public void LogTelemetry(string eventName, IDictionary<string, string> properties)
    {
    }

    public IReadOnlyDictionary<string, string> GetGlobalProperties() => new Dictionary<string, string>();

    public bool ShouldTreatWarningAsError(string warningCode) => false;

    public int RequestCores(int requestedCores) => 1;

    public void ReleaseCores(int coresToRelease)
    {
    }

    private static string Number(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private sealed class HostServices(bool detailed) : EngineServices
    {
        public override bool LogsMessagesOfImportance(MessageImportance importance) => detailed || importance != MessageImportance.Low;
    }
}
