using FileSync.Tasks.Tests.Infrastructure;
using Microsoft.Build.Evaluation;
using Microsoft.Build.Execution;

namespace FileSync.Tasks.Tests;

/// <summary>
/// What IDEs and build logs see: Visual Studio's fast up-to-date check inputs, design-time builds, the plan as
/// FileSyncPlanned items; and the Compose settings through the targets' gate and the task's one decision.
/// </summary>
[Collection(InProcessMSBuild.Name)]
public sealed class IdeTargetsTests
{
    private const string Rules = """
          <ItemGroup>
            <FileSyncRule Include="wwwroot/**/*" Dest="/app/wwwroot" Strip="wwwroot/" />
            <FileSyncRule Include="appsettings*.json" Dest="/app" />
          </ItemGroup>
        """;

    private const string ToFolder = "FileSyncRuntime=directory;FileSyncDirectory=$(MSBuildProjectDirectory)/root";

    [Fact]
    public void Rule_files_are_fast_up_to_date_check_inputs_of_their_own_set_compared_with_the_sync_stamp()
    {
        using var project = Project("FileSyncContainer=web");
        Project evaluated = project.Evaluate();

        ProjectItem[] inputs = [.. evaluated.GetItems("UpToDateCheckInput")];
        Assert.Equal(["appsettings.json", "wwwroot/css/site.css", "wwwroot/index.html"], inputs.Select(item => item.EvaluatedInclude).Order(StringComparer.Ordinal));
        Assert.All(inputs, item => Assert.Equal("FileSync", item.GetMetadataValue("Set")));
        ProjectItem output = Assert.Single(evaluated.GetItems("UpToDateCheckOutput"));
        Assert.Equal(evaluated.GetPropertyValue("_FileSyncStamp"), output.EvaluatedInclude);
        Assert.Equal("FileSync", output.GetMetadataValue("Set"));
    }

    [Theory]
    [InlineData("Nothing configured: the stamp is never written, so the inputs would keep the project out of date", "", "")]
    [InlineData("FileSyncOnBuild=false: a build does not sync, so saving a rule file is no reason to build", "FileSyncContainer=web;FileSyncOnBuild=false", "")]
    [InlineData("CI: no after-build sync", "FileSyncContainer=web", "CI=true")]
    public void Without_the_after_build_sync_rule_files_are_no_up_to_date_inputs(string sentence, string properties, string globals)
    {
        using var project = Project(properties, globals);

        Assert.True(!project.Evaluate().GetItems("UpToDateCheckInput").Any(), sentence);
    }

    [Fact]
    public void A_design_time_build_sees_the_up_to_date_inputs_and_never_syncs()
    {
        using var project = Project(ToFolder, "DesignTimeBuild=true");
        project.Folder.CreateFolder("root");

        Assert.Equal(3, project.Evaluate().GetItems("UpToDateCheckInput").Count);
        BuildRun run = project.Build("Build", "SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(0, run.SyncTaskRuns);
        Assert.Empty(project.Folder.FilesUnder("root"));
    }

    [Fact]
    public void The_plan_is_a_FileSyncPlanned_item_per_copy_and_per_delete_with_its_destination()
    {
        using var project = Project(ToFolder);
        project.Folder.CreateFolder("root");

        BuildRun first = project.Build("SyncToContainer");

        Assert.True(first.Succeeded, first.Log);
        Assert.Equal(
            ["appsettings.json -> /app/appsettings.json (copy)", "wwwroot/css/site.css -> /app/wwwroot/css/site.css (copy)", "wwwroot/index.html -> /app/wwwroot/index.html (copy)"],
            Planned(first.State));
        string target = Assert.Single(first.State.GetItems("FileSyncPlanned").Select(item => item.GetMetadataValue("Instance")).Distinct());
        Assert.StartsWith("directory ", target, StringComparison.Ordinal);

        File.Delete(project.Folder.PathOf("wwwroot/css/site.css"));
        BuildRun second = project.Build("SyncToContainer");

        Assert.True(second.Succeeded, second.Log);
        Assert.Equal(["/app/wwwroot/css/site.css -> /app/wwwroot/css/site.css (delete)"], Planned(second.State));
    }

    [Fact]
    public void A_build_output_is_planned_by_its_file_not_by_FileSyncs_internal_key()
    {
        using var project = new TestProject(Properties(ToFolder + ";FileSyncIncludeBuildOutput=true;TargetDir=$(MSBuildProjectDirectory)/bin/;TargetFileName=App.dll;FileSyncOutputDest=/app") + """
              <ItemGroup><IntermediateAssembly Include="obj/App.dll" /></ItemGroup>
              <Target Name="Build" />
            """);
        project.Folder.CreateFolder("root");
        project.Folder.WriteFile("bin/App.dll", "assembly");

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal([project.Folder.PathOf("bin/App.dll") + " -> /app/App.dll (copy)"], Planned(run.State));
    }

    [Fact]
    public void A_dry_run_lists_the_plan_as_items_and_changes_nothing()
    {
        using var project = Project(ToFolder + ";FileSyncDryRun=true");
        project.Folder.CreateFolder("root");

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(3, Planned(run.State).Length);
        Assert.Empty(project.Folder.FilesUnder("root"));
    }

    [Fact]
    public void Names_that_MSBuild_would_expand_reach_the_items_as_they_are()
    {
        using var project = new TestProject(Properties(ToFolder) + """
              <ItemGroup>
                <FileSyncRule Include="odd/**/*" Dest="/app" Strip="odd/" />
              </ItemGroup>
            """);
        project.Folder.WriteFile("odd/a%3Bb;c$(x)@(y)'*.txt", "odd");
        project.Folder.CreateFolder("root");

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(["odd/a%3Bb;c$(x)@(y)'*.txt -> /app/a%3Bb;c$(x)@(y)'*.txt (copy)"], Planned(run.State));
    }

    public static TheoryData<string, string, string> ComposeGateCases => new()
    {
        { "A Compose service turns the after-build sync on", "FileSyncComposeService=web", "true" },
        { "A Compose project alone turns it on too: the task then says FSYNC0017", "FileSyncComposeProject=shop", "true" },
        { "A compose file alone turns it on too: the task then says FSYNC0017", "FileSyncComposeFile=../compose.yaml", "true" },
    };

    [Theory]
    [MemberData(nameof(ComposeGateCases))]
    public void Compose_settings_count_as_configured(string sentence, string properties, string expected)
    {
        using var project = Project(properties);

        Assert.True(expected == project.Evaluate().GetPropertyValue("FileSyncOnBuild"), sentence);
    }

    [Theory]
    [InlineData("FileSyncComposeProject=shop", "FSYNC0017")]
    [InlineData("FileSyncComposeService=web;FileSyncContainer=web-1", "FSYNC0007")]
    [InlineData("FileSyncComposeService=web;FileSyncComposeProject=My Shop", "FSYNC0018")]
    public void Half_made_or_conflicting_Compose_settings_fail_with_one_code_before_any_engine_is_asked(string properties, string code)
    {
        // An endpoint nothing listens on: had the engine been asked, the error would be FSYNC2001/FSYNC2020.
        using var project = Project(properties + ";FileSyncDockerHost=unix:///nonexistent/docker.sock");

        BuildRun run = project.Build("SyncToContainer");

        Assert.False(run.Succeeded);
        Assert.Equal(code, Assert.Single(run.Errors).Code);
    }

    private static TestProject Project(string properties, string globals = "")
    {
        var project = new TestProject(Properties(properties) + Rules, globals);
        project.Folder.WriteFile("wwwroot/index.html", "<h1>hi</h1>");
        project.Folder.WriteFile("wwwroot/css/site.css", "body {}");
        project.Folder.WriteFile("appsettings.json", "{}");
        return project;
    }

    /// <summary>"Include -> Destination (Operation)", sorted.</summary>
    private static string[] Planned(ProjectInstance state) =>
        [.. state.GetItems("FileSyncPlanned").Select(item => $"{item.EvaluatedInclude} -> {item.GetMetadataValue("Destination")} ({item.GetMetadataValue("Operation")})").Order(StringComparer.Ordinal)];

    private static string Properties(string properties) =>
        "  <PropertyGroup>" + string.Concat(properties.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            string[] parts = pair.Split('=', 2);
            return $"<{parts[0]}>{parts[1]}</{parts[0]}>";
        })) + "</PropertyGroup>\n";
}
