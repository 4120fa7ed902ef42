using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// <c>dotnet watch build -t:SyncToContainer</c> on a consumer of the packed package: it syncs at start, after a save and
/// after a delete, into a real container; FileSync's own writes under obj/ are not watched (no build loop). The watch and everything it
/// started are ended by id whatever happens.
/// </summary>
public sealed class DotnetWatchTests(PackageFixture package)
{
    private static readonly TimeSpan Bound = TimeSpan.FromMinutes(3);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static int Summaries(IReadOnlyList<string> lines) => SyncSummary.All(string.Join('\n', lines)).Count;

    /// <summary>The n-th build ended and dotnet watch listens again: it prints that line once its file watcher is armed,
    /// so a change made after it is never missed.</summary>
    private static bool Idle(IReadOnlyList<string> lines, int n) =>
        Summaries(lines) == n && lines.Count(line => line.Contains("Waiting for a file to change", StringComparison.Ordinal)) == n;

    [Fact]
    public async Task A_save_and_a_delete_under_dotnet_watch_land_in_the_container()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        using var project = new ConsumerProject(package, "dotnet-watch")
            .Rule("wwwroot/**/*", dest: "wwwroot", strip: "wwwroot/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("wwwroot/page.txt", "first\n");
        (await project.BuildAsync(["-t:Restore"])).Succeeded(); // restored once, as a developer's project is

        var env = ConsumerProject.ChildEnvironment(package.PackagesFolder);
        env["MSBUILDDISABLENODEREUSE"] = "1"; // no MSBuild node outlives the watch (dotnet watch runs msbuild itself too)
        env["DOTNET_WATCH_SUPPRESS_EMOJIS"] = "1";
        await using (var watch = DotnetWatchProcess.Start(PackageFixture.DotnetHost, ["watch", "--non-interactive", "build", "-t:SyncToContainer"], project.Directory, env))
        {
            await watch.WaitForAsync(lines => Idle(lines, 1), "the sync at start", Bound, Ct);

            Assert.Equal("first\n", await InContainer.CatAsync(container.Id, "/app/wwwroot/page.txt"));
            Assert.Equal((1, 0), (SyncSummary.All(watch.Output)[0].Changed, SyncSummary.All(watch.Output)[0].Deleted));

            project.WriteFile("wwwroot/page.txt", "saved under dotnet watch\n");
            await watch.WaitForAsync(lines => Idle(lines, 2), "the sync after the save", Bound, Ct);

            Assert.Equal("saved under dotnet watch\n", await InContainer.CatAsync(container.Id, "/app/wwwroot/page.txt"));
            SyncSummary second = SyncSummary.All(watch.Output)[1];
            Assert.Equal((1, 0, container.Id[..12]), (second.Changed, second.Deleted, second.ShortId));

            project.DeleteFile("wwwroot/page.txt"); // a watched file that goes is a change too
            await watch.WaitForAsync(lines => Idle(lines, 3), "the sync after the delete", Bound, Ct);

            Assert.False(await InContainer.ExistsAsync(container.Id, "/app/wwwroot/page.txt"));
            Assert.Equal((0, 1), (SyncSummary.All(watch.Output)[2].Changed, SyncSummary.All(watch.Output)[2].Deleted));
        }
    }

    [Fact]
    public async Task The_watched_files_are_the_rule_files_and_the_project_never_FileSync_state_under_obj()
    {
        using var project = new ConsumerProject(package, "dotnet-watch-list", subfolder: "app")
            .Rule("wwwroot/**/*", dest: "wwwroot", strip: "wwwroot/")
            .Rule("**/*.json", dest: "/etc/app")
            .Rule("../shared/**/*.txt", dest: "/srv") // a context above the project, as for an image built from the solution folder
            .Property("FileSyncContextDirectory", "..")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", Directory.CreateTempSubdirectory("filesync-watch-list-").FullName);
        project.WriteFile("wwwroot/page.txt", "page\n");
        project.WriteFile("config/app.json", "{}\n");
        project.WriteFile("../shared/notes.txt", "shared\n");
        (await project.SyncAsync()).Succeeded(); // obj/filesync now holds state, lock, stamp and inputs cache
        Assert.NotEmpty(Directory.GetFiles(project.PathOf("obj/filesync")));

        var env = ConsumerProject.ChildEnvironment(package.PackagesFolder);
        env["MSBUILDDISABLENODEREUSE"] = "1";
        ProcessResult list = (await ChildProcess.RunAsync(PackageFixture.DotnetHost, ["watch", "--list", "build", "-t:SyncToContainer"], project.Directory, env, Bound, Ct)).Succeeded();

        string[] watched = [.. list.Output.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Where(line => line.StartsWith('/'))];
        Assert.Contains(project.PathOf("wwwroot/page.txt"), watched);
        Assert.Contains(project.PathOf("config/app.json"), watched);
        Assert.Contains(Path.Combine(project.Root, "shared", "notes.txt"), watched);
        Assert.DoesNotContain(watched, path => path.StartsWith(project.PathOf("obj") + "/", StringComparison.Ordinal) || path.StartsWith(project.PathOf("bin") + "/", StringComparison.Ordinal));
    }
}
