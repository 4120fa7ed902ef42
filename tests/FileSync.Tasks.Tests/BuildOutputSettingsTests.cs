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
        using var project = new TestProject("""
              <PropertyGroup>
                <TargetFrameworks>net8.0;net10.0</TargetFrameworks>
                <IsCrossTargetingBuild>true</IsCrossTargetingBuild>
                <FileSyncIncludeBuildOutput>true</FileSyncIncludeBuildOutput>
                <FileSyncRuntime>directory</FileSyncRuntime>
                <FileSyncDirectory>root</FileSyncDirectory>
              </PropertyGroup>
              <ItemGroup><FileSyncRule Include="page.html" Dest="/srv" /></ItemGroup>
            """);
        project.Folder.CreateFolder("root");
        project.Folder.WriteFile("page.html", "page");

        BuildRun run = project.Build("Build");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal("FSYNC1034", Assert.Single(run.Warnings).Code);
        Assert.Contains("net8.0;net10.0", Assert.Single(run.Warnings).Message, StringComparison.Ordinal);
        Assert.Equal(["srv/page.html"], project.Folder.FilesUnder("root"));
    }
}
