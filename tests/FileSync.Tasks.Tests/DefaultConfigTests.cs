using FileSync.Tasks.Tests.Infrastructure;
using Microsoft.Build.Framework;

namespace FileSync.Tasks.Tests;

/// <summary>
/// A skaffold.yaml beside the project that FileSyncConfig does not name (adversary finding D5): picked up only when the
/// project has no FileSyncRule items, always said, and a problem in it is a warning, never a broken build.
/// </summary>
[Collection(InProcessMSBuild.Name)]
public sealed class DefaultConfigTests
{
    private const string TwoArtifacts = "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: api\n    context: api\n  - image: web\n    context: web\n";

    private const string OneArtifact = "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n    context: site\n    sync:\n      manual:\n      - {src: '*.txt', dest: /yaml}\n";

    private const string Directory = "<PropertyGroup><FileSyncRuntime>directory</FileSyncRuntime><FileSyncDirectory>$(MSBuildProjectDirectory)/root</FileSyncDirectory></PropertyGroup>\n";

    private const string Items = "<ItemGroup><FileSyncRule Include=\"site/*.txt\" Dest=\"/items\" Strip=\"site/\" /></ItemGroup>\n";

    [Theory]
    [InlineData(TwoArtifacts)]
    [InlineData(OneArtifact)]
    public void A_project_with_items_keeps_its_context_and_its_build_whatever_yaml_lies_beside_it(string yaml)
    {
        using var project = Create(Directory + Items, yaml);

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(["items/a.txt"], project.Folder.FilesUnder("root"));
        Assert.Contains(run.Messages, message => message.Message!.StartsWith("FSYNC8056: ", StringComparison.Ordinal) && message.Message.Contains(project.Folder.PathOf("skaffold.yaml"), StringComparison.Ordinal));
        Assert.Empty(run.Warnings);
    }

    [Theory]
    [InlineData(TwoArtifacts, "FSYNC8006")]
    [InlineData("apiVersion: skaffold/v4beta11\nbuild: [\n", "FSYNC8002")]
    [InlineData("apiVersion: skaffold/v1\n", "FSYNC8004")]
    public void A_problem_in_a_yaml_nobody_asked_for_is_a_warning_and_the_build_goes_on(string yaml, string code)
    {
        using var project = Create(Directory, yaml);

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        BuildWarningEventArgs warning = Assert.Single(run.Warnings);
        Assert.Equal("FSYNC8057", warning.Code);
        Assert.Contains(code + ":", warning.Message, StringComparison.Ordinal);
        Assert.Contains(project.Folder.PathOf("skaffold.yaml"), warning.Message, StringComparison.Ordinal);
        Assert.Equal(project.Folder.PathOf("skaffold.yaml"), warning.File);
        Assert.Empty(project.Folder.FilesUnder("root"));
    }

    [Theory]
    [InlineData("    sync:\n      infer: ['*.txt']\n", "sync.infer", "yaml/a.txt")]
    [InlineData("", "no sync rules", null)]
    public void A_yaml_picked_up_by_default_says_which_of_its_rules_are_synced(string sync, string said, string? synced)
    {
        // adv9: FSYNC8055 said "Syncing the sync.manual rules" of a file whose artifact has only sync.infer, or nothing to sync.
        using var project = Create(Directory, "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n    context: site\n" + sync);
        project.Folder.WriteFile("site/Dockerfile", "FROM busybox\nCOPY a.txt /yaml/\n");

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(synced is null ? [] : [synced], project.Folder.FilesUnder("root"));
        BuildMessageEventArgs message = Assert.Single(run.Messages, message => message.Message!.StartsWith("FSYNC8055: ", StringComparison.Ordinal));
        Assert.Contains(said, message.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("sync.manual", message.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_yaml_picked_up_by_default_is_said_and_one_FileSyncConfig_names_keeps_its_errors_and_combines_with_items()
    {
        using var project = Create(Directory, OneArtifact);

        BuildRun run = project.Build("SyncToContainer");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(["yaml/a.txt"], project.Folder.FilesUnder("root"));
        Assert.Contains(run.Messages, message => message.Message!.StartsWith("FSYNC8055: ", StringComparison.Ordinal) && message.Message.Contains(project.Folder.PathOf("skaffold.yaml"), StringComparison.Ordinal) && message.Importance == MessageImportance.High);

        using var named = Create(Directory + Items, OneArtifact, "FileSyncConfig=skaffold.yaml");
        BuildRun both = named.Build("SyncToContainer");
        Assert.True(both.Succeeded, both.Log);
        Assert.Equal(["items/a.txt", "yaml/a.txt"], named.Folder.FilesUnder("root").Order(StringComparer.Ordinal));

        named.Folder.WriteFile("skaffold.yaml", TwoArtifacts);
        BuildRun broken = named.Build("SyncToContainer");
        Assert.False(broken.Succeeded);
        Assert.Equal("FSYNC8006", Assert.Single(broken.Errors).Code);
    }

    [Fact]
    public void A_no_op_build_of_a_project_with_items_skips_the_task_whatever_yaml_lies_beside_it()
    {
        using var project = Create(Directory + Items, OneArtifact);
        Assert.True(project.Build("Build").Succeeded);

        BuildRun noOp = project.Build("Build");

        Assert.True(noOp.Succeeded, noOp.Log);
        Assert.Equal(0, noOp.SyncTaskRuns); // MSBuild decides, as for a project without the yaml: no task, no target contacted
    }

    [Fact]
    public void Dotnet_watch_watches_the_files_of_the_yaml_the_sync_reads_and_only_those()
    {
        using var read = Create(Directory, OneArtifact, "DotNetWatchBuild=true");
        read.Folder.WriteFile("site/b.md", "not matched");
        BuildRun listed = read.Build("_FileSyncConfigWatchItems");
        Assert.True(listed.Succeeded, listed.Log);
        Assert.Equal(
            [read.Folder.PathOf("site/a.txt"), read.Folder.PathOf("skaffold.yaml")],
            listed.State.GetItems("Watch").Select(item => item.EvaluatedInclude).Order(StringComparer.Ordinal));

        // Not read by the sync (items, and the yaml not named): not watched either, and no problem in it is reported here.
        using var notRead = Create(Directory + "<ItemGroup><FileSyncRule Include=\"site/*.md\" Dest=\"/items\" /></ItemGroup>\n", TwoArtifacts, "DotNetWatchBuild=true");
        notRead.Folder.WriteFile("site/b.md", "an item");
        BuildRun items = notRead.Build("_FileSyncConfigWatchItems");
        Assert.True(items.Succeeded, items.Log);
        Assert.Empty(items.Warnings);
        Assert.DoesNotContain(items.State.GetItems("Watch"), item => item.EvaluatedInclude.EndsWith("a.txt", StringComparison.Ordinal));
    }

    private static TestProject Create(string body, string yaml, string globals = "")
    {
        var project = new TestProject(body, globals);
        project.Folder.WriteFile("skaffold.yaml", yaml);
        project.Folder.WriteFile("site/a.txt", "a");
        project.Folder.CreateFolder("api");
        project.Folder.CreateFolder("web");
        project.Folder.CreateFolder("root");
        return project;
    }
}
