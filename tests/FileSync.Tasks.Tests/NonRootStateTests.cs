using System.Collections;
using System.Diagnostics;
using FileSync.Tasks.Tests.Infrastructure;

namespace FileSync.Tasks.Tests;

/// <summary>
/// State written by one user, a sync by another: the build runs as uid 1000 (<c>setpriv</c>; the tests run as root)
/// through <c>dotnet msbuild</c> on a project that root synced first. Coded diagnostics naming the path, never MSB4018.
/// </summary>
[Collection(InProcessMSBuild.Name)]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class NonRootStateTests
{
    private const int User = 1000;

    /// <summary>sentence; dotnet msbuild arguments.</summary>
    public static TheoryData<string, string[]> Entries => new()
    {
        { "an explicit sync", ["-t:SyncToContainer"] },
        { "the after-build sync", ["-t:Build"] },
        { "a dry run", ["-t:SyncToContainer", "-p:FileSyncDryRun=true"] },
    };

    [Theory]
    [MemberData(nameof(Entries))]
    public void State_written_by_root_then_a_sync_as_another_user_is_FSYNC3004_naming_the_lock(string sentence, string[] arguments)
    {
        using var project = RootSyncedProject(out string state);
        project.Folder.WriteFile("wwwroot/new.html", "new");
        File.Delete(project.Folder.PathOf("obj/filesync/synced.stamp")); // the after-build hook must run

        (int exitCode, string output) = BuildAsUser(project, arguments);

        string because = $"{sentence}: {output}";
        Assert.True(exitCode != 0, because);
        Assert.Contains($"error FSYNC3004: Cannot take the sync lock '{state}.lock'", output, StringComparison.Ordinal);
        AssertNoCrash(output, because);
        Assert.DoesNotContain("app/wwwroot/new.html", project.Folder.FilesUnder("root"));
    }

    [Fact]
    public void A_read_only_state_folder_of_the_user_syncs_and_warns_that_the_state_was_not_written()
    {
        using var project = RootSyncedProject(out string state);
        project.Folder.WriteFile("wwwroot/new.html", "new");
        ChangeOwner(project.Folder.Root);
        File.SetUnixFileMode(Path.GetDirectoryName(state)!, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        (int exitCode, string output) = BuildAsUser(project, ["-t:SyncToContainer"]);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"warning FSYNC3003: The sync state '{state}' could not be written", output, StringComparison.Ordinal);
        AssertNoCrash(output, output);
        Assert.Equal("new", File.ReadAllText(project.Folder.PathOf("root/app/wwwroot/new.html")));
    }

    [Fact]
    public void A_read_only_state_folder_without_a_lock_is_FSYNC3004()
    {
        using var project = RootSyncedProject(out string state);
        File.Delete(state + ".lock");
        ChangeOwner(project.Folder.Root);
        File.SetUnixFileMode(Path.GetDirectoryName(state)!, UnixFileMode.UserRead | UnixFileMode.UserExecute);

        (int exitCode, string output) = BuildAsUser(project, ["-t:SyncToContainer"]);

        Assert.True(exitCode != 0, output);
        Assert.Contains($"error FSYNC3004: Cannot take the sync lock '{state}.lock'", output, StringComparison.Ordinal);
        AssertNoCrash(output, output);
    }

    private static TestProject RootSyncedProject(out string state)
    {
        var project = new TestProject("""
              <PropertyGroup><FileSyncRuntime>directory</FileSyncRuntime><FileSyncDirectory>$(MSBuildProjectDirectory)/root</FileSyncDirectory></PropertyGroup>
              <ItemGroup><FileSyncRule Include="wwwroot/**/*" Dest="/app/wwwroot" Strip="wwwroot/" /></ItemGroup>
            """);
        project.Folder.WriteFile("wwwroot/index.html", "<h1>hi</h1>");
        project.Folder.CreateFolder("root");
        BuildRun first = project.Build("SyncToContainer");
        Assert.True(first.Succeeded, first.Log);
        state = Assert.Single(Directory.GetFiles(project.Folder.PathOf("obj/filesync"), "*.state"));
        return project;
    }

    private static void AssertNoCrash(string output, string because)
    {
        Assert.True(!output.Contains("MSB4018", StringComparison.Ordinal), because);
        Assert.DoesNotMatch(@"\n\s+at [\w.]+\(", output);
    }

    /// <summary><c>setpriv --reuid=1000 ... dotnet msbuild</c> with the MSBuild variables of the test host removed.</summary>
    private static (int ExitCode, string Output) BuildAsUser(TestProject project, string[] arguments)
    {
        string home = project.Folder.CreateFolder("home-" + User);
        ChangeOwner(home);
        var psi = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = project.Directory };
        foreach (string arg in (string[])[$"--reuid={User}", $"--regid={User}", "--clear-groups", "dotnet", "msbuild", project.FullPath, "-nologo", "-nodeReuse:false", "-p:CI=false", "-p:ContinuousIntegrationBuild=false", .. arguments])
        {
            psi.ArgumentList.Add(arg);
        }

        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && (name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) || name.StartsWith("DOTNET_HOST", StringComparison.OrdinalIgnoreCase)))
            {
                psi.Environment.Remove(name);
            }
        }

        psi.Environment["HOME"] = home;
        psi.Environment["DOTNET_CLI_HOME"] = home;
        psi.Environment["DOTNET_CLI_UI_LANGUAGE"] = "en";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        using Process process = Process.Start(psi)!;
        Task<string> stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output + stderr.GetAwaiter().GetResult());
    }

    /// <summary><c>chown -R 1000:1000</c>: the user's own project, as if it had been built by them.</summary>
    private static void ChangeOwner(string path)
    {
        var psi = new ProcessStartInfo("chown") { RedirectStandardError = true };
        foreach (string arg in (string[])["-R", $"{User}:{User}", path])
        {
            psi.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(psi)!;
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"chown {path}: {error}");
    }
}
