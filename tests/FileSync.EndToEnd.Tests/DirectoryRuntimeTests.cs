using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>FileSyncRuntime=directory: a local folder stands for the container's '/', through the packed task too.</summary>
public sealed class DirectoryRuntimeTests(PackageFixture package)
{
    [Fact]
    public async Task The_directory_runtime_adds_changes_and_deletes_files()
    {
        string root = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "directory-root-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        using var project = new ConsumerProject(package, "directory-runtime")
            .Rule("assets/**/*", dest: "/var/www", strip: "assets/")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root);
        project.WriteFile("assets/a.txt", "a\n");
        project.WriteFile("assets/img/b.bin", [0, 1, 2, 255]);

        var added = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((2, "directory", root), (added.Changed, added.Kind, added.Name));
        Assert.Equal("a\n", File.ReadAllText(Path.Combine(root, "var", "www", "a.txt")));
        Assert.Equal([0, 1, 2, 255], File.ReadAllBytes(Path.Combine(root, "var", "www", "img", "b.bin")));

        project.WriteFile("assets/a.txt", "changed\n");
        project.DeleteFile("assets/img/b.bin");
        var changed = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((1, 1), (changed.Changed, changed.Deleted));
        Assert.Equal("changed\n", File.ReadAllText(Path.Combine(root, "var", "www", "a.txt")));
        Assert.False(File.Exists(Path.Combine(root, "var", "www", "img", "b.bin")));
    }

    [Fact]
    [UnsupportedOSPlatform("windows")]
    public async Task A_link_in_the_target_folder_is_never_followed_nor_its_target_changed()
    {
        string run = Directory.CreateDirectory(Path.Combine(package.RunDirectory, "directory-link-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        string root = Directory.CreateDirectory(Path.Combine(run, "root")).FullName;
        string victim = Directory.CreateDirectory(Path.Combine(run, "victim")).FullName;
        File.WriteAllText(Path.Combine(victim, "secret.txt"), "keep");
        File.SetUnixFileMode(victim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(Path.Combine(root, "app", "wwwroot"));
        File.CreateSymbolicLink(Path.Combine(root, "app", "wwwroot", "css"), victim);
        using var project = new ConsumerProject(package, "directory-link")
            .Rule("wwwroot/**/*", dest: "/app")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root)
            .Property("FileSyncOwner", "1234:5678");
        project.WriteFile("wwwroot/css/site.css", "pwned\n");

        var result = (await project.SyncAsync()).Failed();

        // The planner finds the link before anything is extracted (FSYNC2010); the extraction's own refusal of links
        // (FSYNC4005) is the second line, covered by DirectoryTargetSafetyTests.
        Assert.Contains("error FSYNC2010:", result.Output, StringComparison.Ordinal);
        Assert.Contains("'/app/wwwroot/css'", result.Output, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(victim));
        Assert.Equal(["secret.txt"], Directory.GetFileSystemEntries(victim).Select(Path.GetFileName));
        Assert.Equal("keep", File.ReadAllText(Path.Combine(victim, "secret.txt")));
    }
}
