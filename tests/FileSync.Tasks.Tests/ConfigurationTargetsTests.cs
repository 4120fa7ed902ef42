using FileSync.Tasks.Tests.Infrastructure;

namespace FileSync.Tasks.Tests;

/// <summary>
/// The MSBuild side of "is a target configured, and validly?": the targets only gate the after-build hook on anything
/// being set; the task (Core) decides the rest, so each combination gives one clear outcome from every entry point.
/// </summary>
[Collection(InProcessMSBuild.Name)]
public sealed class ConfigurationTargetsTests
{
    private const string Rules = """
          <ItemGroup>
            <FileSyncRule Include="wwwroot/**/*" Dest="/app/wwwroot" Strip="wwwroot/" />
          </ItemGroup>
        """;

    /// <summary>sentence; properties; target; expected error code (or "" for success); expected warning codes; files in root.</summary>
    public static TheoryData<string, string, string, string, string, int> Cases => new()
    {
        { "The directory runtime without a folder: FSYNC0004 from an explicit sync", "FileSyncRuntime=directory", "SyncToContainer", "FSYNC0004", "", 0 },
        { "The directory runtime without a folder: FSYNC0004 after a build too", "FileSyncRuntime=directory", "Build", "FSYNC0004", "", 0 },
        { "A folder without the directory runtime: FSYNC0010 from an explicit sync", "FileSyncDirectory=$(MSBuildProjectDirectory)/root", "SyncToContainer", "FSYNC0010", "", 0 },
        { "A folder without the directory runtime: FSYNC0010 after a build", "FileSyncDirectory=$(MSBuildProjectDirectory)/root", "Build", "FSYNC0010", "", 0 },
        { "The directory runtime ignores a container, with FSYNC0009, and syncs", "FileSyncRuntime=directory;FileSyncDirectory=$(MSBuildProjectDirectory)/root;FileSyncContainer=web", "SyncToContainer", "", "FSYNC0009", 1 },
        { "Two ways to pick a container: FSYNC0007 after a build", "FileSyncContainer=web;FileSyncImage=web", "Build", "FSYNC0007", "", 0 },
        { "An unknown runtime: FSYNC0002 after a build, not silence", "FileSyncRuntime=podman", "Build", "FSYNC0002", "", 0 },
        { "Nothing set: an explicit sync warns FSYNC0001", "", "SyncToContainer", "", "FSYNC0001", 0 },
        { "Nothing set: a build does not sync at all", "", "Build", "", "", 0 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Each_combination_has_one_outcome_from_each_entry_point(string sentence, string properties, string target, string error, string warnings, int files)
    {
        using var project = new TestProject(Properties(properties) + Rules);
        project.Folder.WriteFile("wwwroot/index.html", "<h1>hi</h1>");
        project.Folder.CreateFolder("root");

        BuildRun run = project.Build(target);

        string because = $"{sentence}:{Environment.NewLine}{run.Log}";
        Assert.True(run.Succeeded == (error.Length == 0), because);
        Assert.True(run.Errors.Select(e => e.Code).SequenceEqual(error.Length == 0 ? [] : [error]), because);
        Assert.True(run.Warnings.Select(w => w.Code).SequenceEqual(warnings.Split(',', StringSplitOptions.RemoveEmptyEntries)), because);
        Assert.Equal(files, project.Folder.FilesUnder("root").Length);
    }

    private static string Properties(string properties) =>
        "  <PropertyGroup>" + string.Concat(properties.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            string[] parts = pair.Split('=', 2);
            return $"<{parts[0]}>{parts[1]}</{parts[0]}>";
        })) + "</PropertyGroup>\n";
}
