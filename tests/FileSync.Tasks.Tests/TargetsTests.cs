using FileSync.Tasks.Tests.Infrastructure;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Framework;

namespace FileSync.Tasks.Tests;

/// <summary>build/FileSync.props + FileSync.targets evaluated and built in-process, against the SDK's MSBuild.</summary>
[Collection(InProcessMSBuild.Name)]
public sealed class TargetsTests
{
    private const string Rules = """
          <ItemGroup>
            <FileSyncRule Include="wwwroot/**/*" Dest="/app/wwwroot" Strip="wwwroot/" />
            <FileSyncRule Include="appsettings*.json" Dest="/app" />
          </ItemGroup>
        """;

    public static TheoryData<string, string, string, string> OnBuildCases => new()
    {
        { "A container is configured: sync after every build", "FileSyncContainer=web", "", "true" },
        { "A label selector is configured", "FileSyncSelector=com.docker.compose.service=web", "", "true" },
        { "The directory runtime with a folder is configured", "FileSyncRuntime=directory;FileSyncDirectory=/tmp/root", "", "true" },
        { "Nothing is configured: no sync after build", "", "", "" },
        { "The directory runtime without a folder turns the hook on (the task then reports FSYNC0004)", "FileSyncRuntime=directory", "", "true" },
        { "A folder alone turns the hook on (the task then reports FSYNC0010)", "FileSyncDirectory=/tmp/root", "", "true" },
        { "An image is configured", "FileSyncImage=web", "", "true" },
        { "Kubernetes with a pod: the hook runs", "FileSyncRuntime=kubernetes;FileSyncPod=web-0", "", "true" },
        { "A pod alone names nothing the docker runtime uses", "FileSyncPod=web-0", "", "" },
        { "CI=true: never in CI", "FileSyncContainer=web", "CI=true", "" },
        { "ContinuousIntegrationBuild=true: never in CI", "FileSyncContainer=web", "ContinuousIntegrationBuild=true", "" },
        { "An explicit FileSyncOnBuild=false in the project is respected", "FileSyncContainer=web;FileSyncOnBuild=false", "", "false" },
    };

    [Theory]
    [MemberData(nameof(OnBuildCases))]
    public void FileSyncOnBuild_defaults(string description, string projectProperties, string globalProperties, string expected)
    {
        _ = description;
        using var project = new TestProject(Properties(projectProperties), globalProperties);

        Assert.Equal(expected, project.Evaluate().GetPropertyValue("FileSyncOnBuild"));
    }

    /// <summary>Every CI variable FileSync.targets reads, empty: the machine running the tests may set some.</summary>
    private const string NoCi = "CI=;ContinuousIntegrationBuild=;TF_BUILD=;GITHUB_ACTIONS=;GITLAB_CI=;JENKINS_URL=;BUILDKITE=;CIRCLECI=;TRAVIS=;APPVEYOR=;TEAMCITY_VERSION=;CODEBUILD_BUILD_ID=;BITBUCKET_BUILD_NUMBER=";

    public static TheoryData<string, string, string, string> ServerCases => new()
    {
        { "On a developer's machine the sync server is on", "", "", "true" },
        { "CI=true: off", "", "CI=true", "false" },
        { "CI=false is not CI", "", "CI=false", "true" },
        { "Azure Pipelines (TF_BUILD=True): off", "", "TF_BUILD=True", "false" },
        { "GitHub Actions: off", "", "GITHUB_ACTIONS=true", "false" },
        { "GitLab CI: off", "", "GITLAB_CI=true", "false" },
        { "ContinuousIntegrationBuild=true: off", "", "ContinuousIntegrationBuild=true", "false" },
        { "An explicit FileSyncServer=true wins over CI", "FileSyncServer=true", "CI=true", "true" },
        { "An explicit FileSyncServer=false is respected", "FileSyncServer=false", "", "false" },
    };

    [Theory]
    [MemberData(nameof(ServerCases))]
    public void FileSyncServer_defaults(string description, string projectProperties, string globalProperties, string expected)
    {
        _ = description;
        var globals = NoCi.Split(';').ToDictionary(pair => pair.Split('=')[0], pair => "", StringComparer.OrdinalIgnoreCase);
        foreach (string pair in globalProperties.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            globals[pair.Split('=')[0]] = pair.Split('=', 2)[1];
        }

        using var project = new TestProject(Properties("FileSyncContainer=web;" + projectProperties), string.Join(";", globals.Select(g => g.Key + "=" + g.Value)));
        Project evaluated = project.Evaluate();

        Assert.Equal((expected, "10"), (evaluated.GetPropertyValue("FileSyncServer"), evaluated.GetPropertyValue("FileSyncServerIdleMinutes")));
    }

    [Fact]
    public void FileSyncRuntime_defaults_to_docker_and_the_context_to_the_project_folder()
    {
        using var project = new TestProject(Properties("FileSyncContainer=web"));
        Project evaluated = project.Evaluate();

        Assert.Equal("docker", evaluated.GetPropertyValue("FileSyncRuntime"));
        Assert.Equal(Path.TrimEndingDirectorySeparator(project.Directory), Path.TrimEndingDirectorySeparator(evaluated.GetPropertyValue("FileSyncContextDirectory")));
    }

    [Fact]
    public void SyncToContainer_lands_the_rule_files_in_FileSyncDirectory()
    {
        using var project = DirectoryProject();

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(1, run.SyncTaskRuns);
        Assert.Equal(["app/appsettings.json", "app/wwwroot/css/site.css", "app/wwwroot/index.html"], project.Folder.FilesUnder("root"));
        Assert.Equal("<h1>hi</h1>", File.ReadAllText(project.Folder.PathOf("root/app/wwwroot/index.html")));
        Assert.Equal("3", run.State.GetPropertyValue("FileSyncCopiedCount"));
        Assert.True(File.Exists(Stamp(run)), "the stamp is written after a sync");
        Assert.Empty(run.Warnings);
    }

    [Fact]
    public void A_build_with_nothing_changed_skips_the_sync_while_SyncToContainer_always_asks_the_target()
    {
        using var project = DirectoryProject();

        BuildRun first = project.Build("Build");
        Assert.True(first.Succeeded, first.Log);
        Assert.Equal(1, first.SyncTaskRuns);
        Assert.Equal(3, project.Folder.FilesUnder("root").Length);

        BuildRun second = project.Build("Build");
        Assert.True(second.Succeeded, second.Log);
        Assert.Equal(0, second.SyncTaskRuns);
        TargetSkippedEventArgs skipped = Assert.IsType<TargetSkippedEventArgs>(second.Skipped("_FileSyncSync"));
        Assert.Equal(TargetSkipReason.OutputsUpToDate, skipped.SkipReason);

        BuildRun explicitSync = project.Build("SyncToContainer");
        Assert.True(explicitSync.Succeeded, explicitSync.Log);
        Assert.Equal(1, explicitSync.SyncTaskRuns);
        Assert.Equal("0", explicitSync.State.GetPropertyValue("FileSyncCopiedCount"));
    }

    [Fact]
    public void After_a_rule_file_is_deleted_the_next_build_syncs_and_deletes_it_in_the_target()
    {
        using var project = DirectoryProject();
        BuildRun first = project.Build("Build");
        Assert.True(first.Succeeded, first.Log);
        Assert.Contains("app/wwwroot/css/site.css", project.Folder.FilesUnder("root"));

        File.Delete(project.Folder.PathOf("wwwroot/css/site.css"));
        BuildRun second = project.Build("Build");

        Assert.True(second.Succeeded, second.Log);
        Assert.Equal(1, second.SyncTaskRuns);
        Assert.Equal("1", second.State.GetPropertyValue("FileSyncDeletedCount"));
        Assert.Equal(["app/appsettings.json", "app/wwwroot/index.html"], project.Folder.FilesUnder("root"));
    }

    [Fact]
    public void A_design_time_build_never_syncs()
    {
        using var project = DirectoryProject("DesignTimeBuild=true");

        BuildRun run = project.Build("Build", "SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(0, run.SyncTaskRuns);
        Assert.Empty(project.Folder.FilesUnder("root"));
    }

    [Fact]
    public void SyncToContainer_with_no_target_configured_warns_FSYNC0001_once_and_succeeds()
    {
        using var project = new TestProject(Rules);
        WriteSources(project);

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(1, run.SyncTaskRuns);
        Assert.Equal("FSYNC0001", Assert.Single(run.Warnings).Code);
        Assert.Empty(run.Errors);
    }

    [Fact]
    public void A_dry_run_logs_the_plan_and_writes_nothing()
    {
        using var project = DirectoryProject("FileSyncDryRun=true");

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(1, run.SyncTaskRuns);
        Assert.Contains(run.Messages, m => m.Message!.Contains("wwwroot/index.html -> /app/wwwroot/index.html", StringComparison.Ordinal));
        Assert.Empty(project.Folder.FilesUnder("root"));
        Assert.False(File.Exists(Stamp(run)), "a dry run leaves no stamp, so the next build syncs for real");
    }

    public static TheoryData<string, string, bool> WatchCases => new()
    {
        { "dotnet watch build: every rule file is a Watch item", "DotNetWatchBuild=true", true },
        { "An ordinary build adds no Watch item", "", false },
        { "DotNetWatchBuild=false adds no Watch item", "DotNetWatchBuild=false", false },
    };

    [Theory]
    [MemberData(nameof(WatchCases))]
    public void Watch_items_under_dotnet_watch(string description, string globalProperties, bool watched)
    {
        _ = description;
        using var project = new TestProject(Properties("FileSyncContainer=web") + Rules, globalProperties);
        WriteSources(project);

        Project evaluated = project.Evaluate();

        string[] rules = Includes(evaluated, "FileSyncRule");
        Assert.Equal(3, rules.Length);
        Assert.Equal(watched ? rules : [], Includes(evaluated, "Watch"));
    }

    public static TheoryData<string, string, bool> MultiTargetingCases => new()
    {
        { "An inner build (TargetFramework set, not cross-targeting) does not run the after-build hook", "TargetFramework=net8.0", false },
        { "The outer, cross-targeting build syncs once", "IsCrossTargetingBuild=true", true },
    };

    [Theory]
    [MemberData(nameof(MultiTargetingCases))]
    public void Multi_targeting_syncs_from_the_outer_build_only(string description, string globalProperties, bool syncs)
    {
        _ = description;
        using var project = new TestProject(
            Properties("TargetFrameworks=net8.0%3Bnet9.0;FileSyncRuntime=directory;FileSyncDirectory=$(MSBuildProjectDirectory)/root") + Rules,
            globalProperties);
        WriteSources(project);
        project.Folder.CreateFolder("root");

        BuildRun run = project.Build("Build");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(syncs ? 1 : 0, run.SyncTaskRuns);
        Assert.Equal(syncs ? 3 : 0, project.Folder.FilesUnder("root").Length);
    }

    /// <summary>A project that syncs the rule files into its own folder 'root' (the directory runtime).</summary>
    private static TestProject DirectoryProject(string globalProperties = "")
    {
        var project = new TestProject(Properties("FileSyncRuntime=directory;FileSyncDirectory=$(MSBuildProjectDirectory)/root") + Rules, globalProperties);
        WriteSources(project);
        project.Folder.CreateFolder("root");
        return project;
    }

    private static void WriteSources(TestProject project)
    {
        project.Folder.WriteFile("wwwroot/index.html", "<h1>hi</h1>");
        project.Folder.WriteFile("wwwroot/css/site.css", "body {}");
        project.Folder.WriteFile("appsettings.json", "{}");
        project.Folder.WriteFile("Program.cs", "// not synced");
    }

    /// <summary>A PropertyGroup from "Name=value;Name=value".</summary>
    private static string Properties(string properties) =>
        "  <PropertyGroup>" + string.Concat(properties.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            string[] parts = pair.Split('=', 2);
            return $"<{parts[0]}>{parts[1]}</{parts[0]}>";
        })) + "</PropertyGroup>\n";

    private static string[] Includes(Project project, string itemType) =>
        [.. project.GetItems(itemType).Select(item => item.EvaluatedInclude).Order(StringComparer.Ordinal)];

    private static string Stamp(BuildRun run)
    {
        string stamp = run.State.GetPropertyValue("_FileSyncStamp");
        Assert.False(string.IsNullOrEmpty(stamp), "the targets define _FileSyncStamp");
        return stamp;
    }
}

/// <summary>Builds in this process share MSBuild's in-process node: they take turns.</summary>
[CollectionDefinition(Name)]
public sealed class InProcessMSBuild
{
    public const string Name = "In-process MSBuild";
}
