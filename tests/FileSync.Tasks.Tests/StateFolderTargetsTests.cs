using System.Diagnostics;
using FileSync.Tasks.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;
using Microsoft.Build.Framework;

namespace FileSync.Tasks.Tests;

/// <summary>
/// The public surface (-t:SyncToContainer, the after-build sync, a dry run; the directory runtime and a container)
/// against broken state folders: every failure is a coded FSYNC error or warning naming the path, never MSB4018 or a
/// stack trace. After a good first sync (so a state, a lock, a cache and a stamp exist), one thing is broken.
/// </summary>
[Collection(InProcessMSBuild.Name)]
public sealed class StateFolderTargetsTests
{
    private const string Rules = """
          <ItemGroup>
            <FileSyncRule Include="wwwroot/**/*" Dest="/app/wwwroot" Strip="wwwroot/" />
          </ItemGroup>
        """;

    public enum Breakage
    {
        StateIsAFolder,
        LockIsAFolder,
        StateFolderIsAFile,
        StampIsAFolder,
        InputsCacheIsAFolder,
    }

    /// <summary>sentence; breakage; entry point (SyncToContainer, Build, DryRun); expected FSYNC code; whether the build succeeds.</summary>
    public static TheoryData<string, Breakage, string, string, bool> Cases => new()
    {
        { "A folder where the state file goes: an explicit sync", Breakage.StateIsAFolder, "SyncToContainer", "FSYNC3005", false },
        { "A folder where the state file goes: after a build", Breakage.StateIsAFolder, "Build", "FSYNC3005", false },
        { "A folder where the state file goes: a dry run", Breakage.StateIsAFolder, "DryRun", "FSYNC3005", false },
        { "A folder where the lock goes: an explicit sync", Breakage.LockIsAFolder, "SyncToContainer", "FSYNC3004", false },
        { "A folder where the lock goes: after a build", Breakage.LockIsAFolder, "Build", "FSYNC3004", false },
        { "A folder where the lock goes: a dry run", Breakage.LockIsAFolder, "DryRun", "FSYNC3004", false },
        { "obj/filesync is a file: an explicit sync", Breakage.StateFolderIsAFile, "SyncToContainer", "FSYNC3004", false },
        { "obj/filesync is a file: after a build (the cache cannot be written either)", Breakage.StateFolderIsAFile, "Build", "FSYNC3004", false },
        { "obj/filesync is a file: a dry run", Breakage.StateFolderIsAFile, "DryRun", "FSYNC3004", false },
        { "A folder where the stamp goes: synced, with a warning", Breakage.StampIsAFolder, "SyncToContainer", "FSYNC3006", true },
        { "A folder where the stamp goes: after a build, synced, with a warning", Breakage.StampIsAFolder, "Build", "FSYNC3006", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_broken_state_folder_gives_a_coded_diagnostic_never_a_crash(string sentence, Breakage breakage, string entry, string code, bool succeeds)
    {
        using var project = SyncedProject(out string state);
        project.Folder.WriteFile("wwwroot/new.html", "new");
        Break(breakage, state);

        BuildRun run = Run(project, entry);

        string because = $"{sentence}:{Environment.NewLine}{run.Log}";
        Assert.True(succeeds == run.Succeeded, because);
        AssertNoCrash(run, because);
        IEnumerable<string> codes = succeeds ? run.Warnings.Select(w => w.Code) : run.Errors.Select(e => e.Code);
        Assert.True(codes.Contains(code), because);
        Assert.All(run.Errors, error => Assert.StartsWith("FSYNC", error.Code, StringComparison.Ordinal));
        Assert.All(run.Warnings, warning => Assert.StartsWith("FSYNC", warning.Code, StringComparison.Ordinal));
        Assert.Equal(succeeds && entry != "DryRun", project.Folder.FilesUnder("root").Contains("app/wwwroot/new.html"));
    }

    [Fact]
    public void An_inputs_cache_that_cannot_be_written_only_costs_MSBuilds_warning_and_the_sync_still_runs()
    {
        using var project = SyncedProject(out string state);
        project.Folder.WriteFile("wwwroot/new.html", "new");
        Break(Breakage.InputsCacheIsAFolder, state);

        BuildRun run = project.Build("Build");

        Assert.True(run.Succeeded, run.Log);
        AssertNoCrash(run, run.Log);
        Assert.Equal(["MSB3491"], run.Warnings.Select(w => w.Code));
        Assert.Contains("inputs.cache", Assert.Single(run.Warnings).Message, StringComparison.Ordinal);
        Assert.Contains("app/wwwroot/new.html", project.Folder.FilesUnder("root"));
    }

    [Fact]
    public void A_full_disk_under_obj_filesync_warns_that_the_state_was_not_written_and_the_files_still_land()
    {
        using var project = SyncedProject(out _);
        project.Folder.WriteFile("wwwroot/new.html", "new");
        string stateFolder = Path.GetDirectoryName(project.Folder.PathOf("obj/filesync/x"))!;
        RunProgram("mount", "-t", "tmpfs", "-o", "size=16k,mode=0755", "tmpfs", stateFolder);
        try
        {
            FillUp(Path.Combine(stateFolder, "filler"));

            BuildRun run = project.Build("SyncToContainer");

            Assert.True(run.Succeeded, run.Log);
            AssertNoCrash(run, run.Log);
            BuildWarningEventArgs warning = Assert.Single(run.Warnings, w => w.Code == "FSYNC3003");
            Assert.Contains(stateFolder, warning.Message, StringComparison.Ordinal);
            Assert.Contains("app/wwwroot/new.html", project.Folder.FilesUnder("root"));
        }
        finally
        {
            RunProgram("umount", stateFolder);
        }
    }

    [Fact]
    public async Task A_container_target_with_a_folder_for_its_state_fails_with_FSYNC3005_before_anything_is_sent()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new TestProject($"  <PropertyGroup><FileSyncContainer>{container.Name}</FileSyncContainer></PropertyGroup>\n" + Rules);
        project.Folder.WriteFile("wwwroot/index.html", "<h1>hi</h1>");
        BuildRun first = project.Build("SyncToContainer");
        Assert.True(first.Succeeded, first.Log);
        string state = Assert.Single(Directory.GetFiles(project.Folder.PathOf("obj/filesync"), "*.state"));
        project.Folder.WriteFile("wwwroot/new.html", "new");
        Break(Breakage.StateIsAFolder, state);

        BuildRun run = project.Build("SyncToContainer");

        Assert.False(run.Succeeded, run.Log);
        AssertNoCrash(run, run.Log);
        BuildErrorEventArgs error = Assert.Single(run.Errors);
        Assert.Equal("FSYNC3005", error.Code);
        Assert.Contains(state, error.Message, StringComparison.Ordinal);
        DockerCli.Result probe = await container.TryExecAsync("test", "-e", "/app/wwwroot/new.html");
        Assert.Equal(1, probe.ExitCode);
    }

    /// <summary>A directory-runtime project that has synced once: returns the path of its state file.</summary>
    private static TestProject SyncedProject(out string state)
    {
        var project = new TestProject("  <PropertyGroup><FileSyncRuntime>directory</FileSyncRuntime><FileSyncDirectory>$(MSBuildProjectDirectory)/root</FileSyncDirectory></PropertyGroup>\n" + Rules);
        project.Folder.WriteFile("wwwroot/index.html", "<h1>hi</h1>");
        project.Folder.CreateFolder("root");
        BuildRun first = project.Build("SyncToContainer");
        Assert.True(first.Succeeded, first.Log);
        state = Assert.Single(Directory.GetFiles(project.Folder.PathOf("obj/filesync"), "*.state"));
        return project;
    }

    private static void Break(Breakage breakage, string state)
    {
        string folder = Path.GetDirectoryName(state)!;
        switch (breakage)
        {
            case Breakage.StateIsAFolder:
                File.Delete(state);
                Directory.CreateDirectory(Path.Combine(state, "inside"));
                break;
            case Breakage.LockIsAFolder:
                File.Delete(state + ".lock");
                Directory.CreateDirectory(state + ".lock");
                break;
            case Breakage.StateFolderIsAFile:
                Directory.Delete(folder, recursive: true);
                File.WriteAllText(folder, "not a folder");
                return; // the stamp went with the folder
            case Breakage.StampIsAFolder:
                File.Delete(Path.Combine(folder, "synced.stamp"));
                Directory.CreateDirectory(Path.Combine(folder, "synced.stamp", "inside"));
                return; // no stamp: the after-build hook runs
            case Breakage.InputsCacheIsAFolder:
                File.Delete(Path.Combine(folder, "inputs.cache"));
                Directory.CreateDirectory(Path.Combine(folder, "inputs.cache", "inside"));
                break;
        }

        // The after-build hook must run, not be skipped as up to date.
        File.Delete(Path.Combine(folder, "synced.stamp"));
    }

    private static BuildRun Run(TestProject project, string entry) => entry switch
    {
        "Build" => project.Build("Build"),
        "DryRun" => project.BuildWith("FileSyncDryRun=true", "SyncToContainer"),
        _ => project.Build("SyncToContainer"),
    };

    /// <summary>No unhandled exception (MSB4018) and no stack frame anywhere in the log.</summary>
    private static void AssertNoCrash(BuildRun run, string because)
    {
        Assert.True(!run.Log.Contains("MSB4018", StringComparison.Ordinal), because);
        Assert.True(!System.Text.RegularExpressions.Regex.IsMatch(run.Log, @"\n\s+at [\w.`]+\("), because);
    }

    /// <summary>Writes until the file system says it is full (ENOSPC).</summary>
    private static void FillUp(string path)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        byte[] block = new byte[4096];
        try
        {
            for (int i = 0; i < 1024; i++)
            {
                stream.Write(block);
                stream.Flush();
            }
        }
        catch (IOException)
        {
            return;
        }

        Assert.Fail($"{path}: the 16 KB tmpfs never filled up.");
    }

    private static void RunProgram(string program, params string[] argv)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string arg in argv)
        {
            psi.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(psi)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', argv)} exited with {process.ExitCode}: {output}");
    }
}
