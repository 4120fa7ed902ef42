using FileSync.Tasks.Tests.Infrastructure;

namespace FileSync.Tasks.Tests;

/// <summary>FileSyncConfig through the targets: the default skaffold.yaml, none, the artifact's context, and the after-build sync of files no item lists.</summary>
[Collection(InProcessMSBuild.Name)]
public sealed class SkaffoldTargetsTests
{
    private const string Config = "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n    context: site\n    sync:\n      manual:\n      - {src: '**/*.txt', dest: /d}\n";

    private const string Directory = "<PropertyGroup><FileSyncRuntime>directory</FileSyncRuntime><FileSyncDirectory>$(MSBuildProjectDirectory)/root</FileSyncDirectory></PropertyGroup>\n";

    [Fact]
    public void The_skaffold_yaml_beside_the_project_is_read_and_its_context_is_the_artifacts()
    {
        using var project = Create(Directory);

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(["d/a.txt", "d/deep/b.txt"], project.Folder.FilesUnder("root"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("FileSyncConfig=skaffold.yaml")]
    public void A_skaffold_yml_is_read_where_skaffold_yaml_is_missing_as_Skaffold_does(string globals)
    {
        using var project = Create(Directory, globals);
        File.Move(project.Folder.PathOf("skaffold.yaml"), project.Folder.PathOf("skaffold.yml"));

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(["d/a.txt", "d/deep/b.txt"], project.Folder.FilesUnder("root"));
    }

    [Fact]
    public void FileSyncWatch_refuses_a_project_with_a_skaffold_yaml_and_deletes_nothing_its_rules_synced()
    {
        using var project = Create(Directory);
        Assert.True(project.Build("SyncToContainer").Succeeded);

        BuildRun watch = project.Build("FileSyncWatch");

        Assert.False(watch.Succeeded); // ended at once, never watching
        Assert.Equal("FSYNC7007", Assert.Single(watch.Errors).Code);
        Assert.Equal(["d/a.txt", "d/deep/b.txt"], project.Folder.FilesUnder("root"));
    }

    [Fact]
    public void FileSyncConfig_none_reads_no_file()
    {
        using var project = Create(Directory, "FileSyncConfig=none");

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Empty(project.Folder.FilesUnder("root"));
    }

    [Fact]
    public void A_relative_FileSyncConfig_is_found_from_the_project_and_its_context_is_relative_to_the_file()
    {
        using var project = Create(Directory, "FileSyncConfig=deploy/skaffold.yaml");
        project.Folder.WriteFile("deploy/skaffold.yaml", Config.Replace("context: site", "context: ../site", StringComparison.Ordinal));

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(["d/a.txt", "d/deep/b.txt"], project.Folder.FilesUnder("root"));
    }

    [Fact]
    public void A_FileSyncConfig_that_does_not_exist_is_FSYNC8001()
    {
        using var project = Create(Directory, "FileSyncConfig=missing.yaml");

        BuildRun run = project.Build("SyncToContainer");

        Assert.False(run.Succeeded);
        Assert.Equal(["FSYNC8001"], run.Errors.Select(error => error.Code));
        Assert.Empty(project.Folder.FilesUnder("root"));
    }

    [Fact]
    public void A_context_the_project_sets_wins_and_obj_is_left_out()
    {
        using var project = Create(Directory + "<PropertyGroup><FileSyncContextDirectory>$(MSBuildProjectDirectory)</FileSyncContextDirectory></PropertyGroup>\n");
        project.Folder.WriteFile("obj/generated.txt", "not a source");

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(["d/site/a.txt", "d/site/deep/b.txt"], project.Folder.FilesUnder("root"));
    }

    [Fact]
    public void The_after_build_sync_picks_up_a_change_to_a_file_only_the_yaml_matches()
    {
        using var project = Create(Directory);
        Assert.True(project.Build("Build").Succeeded);

        project.Folder.WriteFile("site/a.txt", "changed");
        BuildRun second = project.Build("Build");

        Assert.True(second.Succeeded, second.Log);
        Assert.Equal(1, second.SyncTaskRuns);
        Assert.Equal("changed", File.ReadAllText(project.Folder.PathOf("root/d/a.txt")));
    }

    [Fact]
    public void A_no_op_build_with_a_skaffold_yaml_resolves_no_target_but_an_explicit_sync_does()
    {
        using var project = Create(Directory);
        Assert.True(project.Build("Build").Succeeded);

        BuildRun noOp = project.Build("Build");
        BuildRun explicitSync = project.Build("SyncToContainer");

        Assert.True(noOp.Succeeded, noOp.Log);
        Assert.DoesNotContain(noOp.Messages, message => message.Message?.StartsWith("FileSync: up to date", StringComparison.Ordinal) == true);
        Assert.Contains(noOp.Messages, message => message.Message?.Contains("unchanged since the last sync", StringComparison.Ordinal) == true);
        Assert.Contains(explicitSync.Messages, message => message.Message?.StartsWith("FileSync: up to date", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void A_changed_setting_is_not_a_no_op()
    {
        using var project = Create(Directory);
        Assert.True(project.Build("Build").Succeeded);

        BuildRun moved = project.BuildWith("FileSyncWorkingDirectory=/elsewhere", "Build");

        Assert.True(moved.Succeeded, moved.Log);
        Assert.Contains(moved.Messages, message => message.Message?.StartsWith("FileSync: up to date", StringComparison.Ordinal) == true);
    }

    [Fact]
    public void After_a_failed_sync_a_reverted_source_is_synced_again()
    {
        using var project = Create(Directory);
        Assert.True(project.Build("Build").Succeeded);
        DateTime synced = File.GetLastWriteTimeUtc(project.Folder.PathOf("site/a.txt"));

        // The change reaches the target's folder, but the sync fails on another file: a file where a folder must go.
        project.Folder.WriteFile("site/a.txt", "changed");
        project.Folder.WriteFile("site/z/c.txt", "c");
        project.Folder.WriteFile("root/d/z", "a file where the sync needs a folder");
        Assert.False(project.Build("Build").Succeeded);
        File.Delete(project.Folder.PathOf("root/d/z"));
        File.Delete(project.Folder.PathOf("site/z/c.txt"));
        System.IO.Directory.Delete(project.Folder.PathOf("site/z"));
        project.Folder.WriteFile("site/a.txt", "a");
        File.SetLastWriteTimeUtc(project.Folder.PathOf("site/a.txt"), synced);

        BuildRun reverted = project.Build("Build");

        Assert.True(reverted.Succeeded, reverted.Log);
        Assert.Equal("a", File.ReadAllText(project.Folder.PathOf("root/d/a.txt")));
    }

    private static TestProject Create(string body, string globals = "")
    {
        var project = new TestProject(body, globals);
        project.Folder.WriteFile("skaffold.yaml", Config);
        project.Folder.WriteFile("site/a.txt", "a");
        project.Folder.WriteFile("site/deep/b.txt", "b");
        project.Folder.WriteFile("site/c.md", "c");
        project.Folder.CreateFolder("root");
        return project;
    }
}
