using FileSync.Tasks.Tests.Infrastructure;

namespace FileSync.Tasks.Tests;

/// <summary>FileSyncIncludeBuildOutput's wiring in an SDK-less project: what SyncToContainer runs, multi-targeting.</summary>
[Collection(InProcessMSBuild.Name)]
public sealed class BuildOutputSettingsTests
{
    [Fact]
    public void With_outputs_SyncToContainer_builds_first_and_without_it_does_not()
    {
        using var with = new TestProject("<PropertyGroup><FileSyncIncludeBuildOutput>true</FileSyncIncludeBuildOutput></PropertyGroup>");
        using var without = new TestProject("");

        Assert.Contains("Build", with.Evaluate().GetPropertyValue("SyncToContainerDependsOn").Split(';'));
        Assert.DoesNotContain("Build", without.Evaluate().GetPropertyValue("SyncToContainerDependsOn").Split(';'));
    }

    [Fact]
    public void A_multi_targeted_outer_build_with_several_frameworks_and_none_chosen_warns_FSYNC1034_and_still_syncs_the_rules()
    {
        using TestProject project = OuterBuild("net8.0;net10.0", chosen: null);

        BuildRun run = project.Build("Build");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal("FSYNC1034", Assert.Single(run.Warnings).Code);
        Assert.Contains("net8.0;net10.0", Assert.Single(run.Warnings).Message, StringComparison.Ordinal);
        Assert.Equal(["srv/page.html"], project.Folder.FilesUnder("root"));
    }

    [Fact]
    public void A_FileSyncTargetFramework_the_project_does_not_build_is_FSYNC1035_naming_both_not_MSB4057()
    {
        using TestProject project = OuterBuild("net9.0; net10.0", chosen: "net8.0");

        BuildRun run = project.Build("Build");

        Assert.False(run.Succeeded);
        var error = Assert.Single(run.Errors);
        Assert.Equal("FSYNC1035", error.Code);
        Assert.Contains("'net8.0'", error.Message, StringComparison.Ordinal);
        Assert.Contains("net9.0; net10.0", error.Message, StringComparison.Ordinal);
        Assert.Empty(project.Folder.FilesUnder("root")); // nothing synced
    }

    /// <summary>A multi-targeted project's outer build with outputs on, one rule file, synced into the folder root/.</summary>
    private static TestProject OuterBuild(string frameworks, string? chosen)
    {
        var project = new TestProject($"""
              <PropertyGroup>
                <TargetFrameworks>{frameworks}</TargetFrameworks>
                <IsCrossTargetingBuild>true</IsCrossTargetingBuild>
                <FileSyncIncludeBuildOutput>true</FileSyncIncludeBuildOutput>
                <FileSyncTargetFramework>{chosen}</FileSyncTargetFramework>
                <FileSyncRuntime>directory</FileSyncRuntime>
                <FileSyncDirectory>root</FileSyncDirectory>
              </PropertyGroup>
              <ItemGroup><FileSyncRule Include="page.html" Dest="/srv" /></ItemGroup>
            """);
        project.Folder.CreateFolder("root");
        project.Folder.WriteFile("page.html", "page");
        return project;
    }
}
