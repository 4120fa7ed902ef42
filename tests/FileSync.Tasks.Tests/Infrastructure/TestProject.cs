using System.Security;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;
using Microsoft.Build.Framework;

namespace FileSync.Tasks.Tests.Infrastructure;

/// <summary>
/// An SDK-less project in a temp folder importing the repository's build/FileSync.props (top) and FileSync.targets
/// (bottom), with a trivial Build target for the after-build hook, and the task assembly built beside the tests.
/// It owns its ProjectCollection; every build gets a fresh BuildManager (in-process, no node reuse), so each build
/// evaluates again (globs included) as a new dotnet build would.
/// </summary>
internal sealed class TestProject : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly Dictionary<string, string> _globals;
    private readonly ProjectCollection _collection;

    /// <param name="body">Project XML between the imports (properties, FileSyncRule items).</param>
    /// <param name="globalProperties">"Name=value;Name=value". CI and ContinuousIntegrationBuild are false unless given
    /// here: environment variables become properties, and CI machines set CI=true.</param>
    public TestProject(string body, string globalProperties = "")
    {
        _globals = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["CI"] = "false", ["ContinuousIntegrationBuild"] = "false" };
        foreach (string pair in globalProperties.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = pair.Split('=', 2);
            _globals[parts[0]] = parts[1];
        }

        FullPath = _folder.PathOf("app.proj");
        File.WriteAllText(FullPath, $"""
            <Project>
              <PropertyGroup>
                <BaseIntermediateOutputPath>obj/</BaseIntermediateOutputPath>
                <FileSyncTasksAssembly>{SecurityElement.Escape(Repo.TasksAssembly)}</FileSyncTasksAssembly>
              </PropertyGroup>
              <Import Project="{SecurityElement.Escape(Repo.PropsFile)}" />
            {body}
              <Target Name="Build" />
              <Import Project="{SecurityElement.Escape(Repo.TargetsFile)}" />
            </Project>
            """);
        _collection = new ProjectCollection(_globals);
    }

    public TempFolder Folder => _folder;

    public string FullPath { get; }

    public string Directory => Path.GetDirectoryName(FullPath)!;

    /// <summary>Evaluates the project as it is on disk now.</summary>
    public Project Evaluate() => new(FullPath, _globals, toolsVersion: null, _collection);

    public BuildRun Build(params string[] targets) => BuildWith("", targets);

    /// <summary>Builds with extra global properties ("Name=value;Name=value") for this build only.</summary>
    public BuildRun BuildWith(string globalProperties, params string[] targets)
    {
        var globals = new Dictionary<string, string>(_globals, StringComparer.OrdinalIgnoreCase);
        foreach (string pair in globalProperties.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = pair.Split('=', 2);
            globals[parts[0]] = parts[1];
        }

        var recorder = new EventRecorder();
        var parameters = new BuildParameters(_collection)
        {
            Loggers = [recorder],
            EnableNodeReuse = false,
            MaxNodeCount = 1,
            DisableInProcNode = false,
        };
        var request = new BuildRequestData(FullPath, globals, toolsVersion: null, targets, hostServices: null, BuildRequestDataFlags.ProvideProjectStateAfterBuild);
        using var manager = new BuildManager();
        BuildResult result = manager.Build(parameters, request);
        return new BuildRun(result, recorder.Events);
    }

    public void Dispose()
    {
        _collection.UnloadAllProjects();
        _collection.Dispose();
        _folder.Dispose();
    }
}

/// <summary>One build's result and events.</summary>
internal sealed record BuildRun(BuildResult Result, IReadOnlyList<BuildEventArgs> Events)
{
    public bool Succeeded => Result.OverallResult == BuildResultCode.Success;

    public ProjectInstance State => Result.ProjectStateAfterBuild ?? throw new InvalidOperationException("No project state after the build.");

    public IEnumerable<BuildErrorEventArgs> Errors => Events.OfType<BuildErrorEventArgs>();

    public IEnumerable<BuildWarningEventArgs> Warnings => Events.OfType<BuildWarningEventArgs>();

    public IEnumerable<BuildMessageEventArgs> Messages => Events.OfType<BuildMessageEventArgs>();

    /// <summary>How many times the SyncFiles task started.</summary>
    public int SyncTaskRuns => Events.OfType<TaskStartedEventArgs>().Count(e => e.TaskName == nameof(SyncFiles));

    public bool TargetRan(string target) => Events.OfType<TargetStartedEventArgs>().Any(e => e.TargetName == target);

    public TargetSkippedEventArgs? Skipped(string target) => Events.OfType<TargetSkippedEventArgs>().LastOrDefault(e => e.TargetName == target);

    /// <summary>Errors, warnings and messages, one a line: for assertion messages.</summary>
    public string Log => string.Join(Environment.NewLine, Events.Select(e => e switch
    {
        BuildErrorEventArgs error => $"error {error.Code}: {error.Message}",
        BuildWarningEventArgs warning => $"warning {warning.Code}: {warning.Message}",
        _ => e.Message,
    }));
}
