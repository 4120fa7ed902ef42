using System.Diagnostics;
using System.Security;
using FileSync.Tasks.Tests.Infrastructure;
using Microsoft.Build.Execution;

namespace FileSync.Tasks.Tests;

/// <summary>
/// FileSyncIncludeBuildOutput on a real SDK console app with a ProjectReference and a Content file copied to the output
/// (the apphost "App" is one of the items the SDK copies there):
/// the outputs come from the build's own item lists, with their path below the output folder, and land byte-exact.
/// </summary>
[Collection(InProcessMSBuild.Name)]
public sealed class BuildOutputTargetsTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public BuildOutputTargetsTests()
    {
        // Offline: no package source; the SDK's packs folder has the targeting and apphost packs.
        _folder.WriteFile("NuGet.config", "<configuration><packageSources><clear /></packageSources></configuration>");
        _folder.WriteFile("Directory.Build.props", $"""
            <Project>
              <PropertyGroup>
                <FileSyncTasksAssembly>{SecurityElement.Escape(Repo.TasksAssembly)}</FileSyncTasksAssembly>
                <UseSharedCompilation>false</UseSharedCompilation>
              </PropertyGroup>
              <Import Project="{SecurityElement.Escape(Repo.PropsFile)}" />
            </Project>
            """);
        _folder.WriteFile("Directory.Build.targets", $"""<Project><Import Project="{SecurityElement.Escape(Repo.TargetsFile)}" /></Project>""");
        _folder.WriteFile("lib/Lib.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
            </Project>
            """);
        _folder.WriteFile("lib/Greeter.cs", "namespace Lib; public static class Greeter { public static string Hello => \"hello\"; }");
        _folder.WriteFile("app/App.csproj", $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <FileSyncIncludeBuildOutput>true</FileSyncIncludeBuildOutput>
                <FileSyncRuntime>directory</FileSyncRuntime>
                <FileSyncDirectory>{SecurityElement.Escape(_folder.PathOf("root"))}</FileSyncDirectory>
              </PropertyGroup>
              <ItemGroup>
                <ProjectReference Include="../lib/Lib.csproj" />
                <Content Include="data/seed.txt" CopyToOutputDirectory="PreserveNewest" />
              </ItemGroup>
            </Project>
            """);
        _folder.WriteFile("app/Program.cs", "System.Console.WriteLine(Lib.Greeter.Hello);");
        _folder.WriteFile("app/data/seed.txt", "seed\n");
        _folder.CreateFolder("root");
        Restore();
    }

    [Fact]
    public void The_outputs_are_the_build_s_own_files_with_their_path_below_the_output_folder_and_land_byte_exact()
    {
        BuildRun run = Build("Build");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(1, run.SyncTaskRuns);
        string outputFolder = _folder.PathOf("app/bin/Debug/net10.0/");
        string[] expected = ["App", "App.deps.json", "App.dll", "App.pdb", "App.runtimeconfig.json", "Lib.dll", "Lib.pdb", "data/seed.txt"];
        Assert.Equal(expected.Select(file => outputFolder + file), run.State.GetItems("_FileSyncOutput").Select(item => item.EvaluatedInclude).Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(expected, _folder.FilesUnder("root/app"));
        Assert.All(expected, file => Assert.Equal(File.ReadAllBytes(Path.Combine(outputFolder, file)), File.ReadAllBytes(_folder.PathOf("root/app/" + file))));
        Assert.Empty(run.Warnings);
    }

    [Theory]
    [InlineData("The project's ContainerWorkingDirectory (SDK container support)", "<ContainerWorkingDirectory>/srv/</ContainerWorkingDirectory>", "srv")]
    [InlineData("FileSyncOutputDest wins", "<ContainerWorkingDirectory>/srv/</ContainerWorkingDirectory><FileSyncOutputDest>/opt/app</FileSyncOutputDest>", "opt/app")]
    [InlineData("Neither: the working directory (here FileSyncWorkingDirectory, else the WORKDIR), not the SDK's implicit /app/", "", "work")]
    public void Outputs_go_to_FileSyncOutputDest_else_the_project_s_ContainerWorkingDirectory_else_the_working_directory(string description, string properties, string expected)
    {
        _ = description;
        File.WriteAllText(_folder.PathOf("app/App.csproj"), File.ReadAllText(_folder.PathOf("app/App.csproj")).Replace("<OutputType>Exe</OutputType>", "<OutputType>Exe</OutputType><FileSyncWorkingDirectory>/work</FileSyncWorkingDirectory>" + properties));
        Restore();

        BuildRun run = Build("Build");

        Assert.True(run.Succeeded, run.Log);
        Assert.True(File.Exists(_folder.PathOf($"root/{expected}/App.dll")), string.Join(", ", _folder.FilesUnder("root")));
    }

    [Fact]
    public void A_no_op_build_does_not_load_the_task_and_a_CSharp_change_resends_only_the_assembly_and_its_pdb()
    {
        Assert.True(Build("Build").Succeeded);

        BuildRun noOp = Build("Build");
        Assert.True(noOp.Succeeded, noOp.Log);
        Assert.Equal(0, noOp.SyncTaskRuns);
        Assert.Equal(Microsoft.Build.Framework.TargetSkipReason.OutputsUpToDate, noOp.Skipped("_FileSyncSync")?.SkipReason);

        _folder.WriteFile("app/Program.cs", "System.Console.WriteLine(Lib.Greeter.Hello + \"!\");");
        BuildRun changed = Build("Build");

        Assert.True(changed.Succeeded, changed.Log);
        Assert.Equal("2", changed.State.GetPropertyValue("FileSyncCopiedCount"));
        Assert.Equal(File.ReadAllBytes(_folder.PathOf("app/bin/Debug/net10.0/App.dll")), File.ReadAllBytes(_folder.PathOf("root/app/App.dll")));
    }

    [Fact]
    public void A_multi_targeted_project_syncs_the_outputs_of_its_only_framework_from_the_inner_build()
    {
        File.WriteAllText(_folder.PathOf("app/App.csproj"), File.ReadAllText(_folder.PathOf("app/App.csproj")).Replace("<TargetFramework>net10.0</TargetFramework>", "<TargetFrameworks>net10.0</TargetFrameworks>"));
        Restore();

        BuildRun run = Build("Build");

        Assert.True(run.Succeeded, run.Log);
        Assert.Equal(1, run.SyncTaskRuns);
        Assert.Contains("App.dll", _folder.FilesUnder("root/app"));
        Assert.Contains("Lib.dll", _folder.FilesUnder("root/app"));
        Assert.Empty(run.Warnings);
    }

    [Fact]
    public void A_removed_reference_is_deleted_in_the_target()
    {
        Assert.True(Build("Build").Succeeded);
        Assert.Contains("Lib.dll", _folder.FilesUnder("root/app"));

        File.WriteAllText(_folder.PathOf("app/App.csproj"), File.ReadAllText(_folder.PathOf("app/App.csproj")).Replace("<ProjectReference Include=\"../lib/Lib.csproj\" />", ""));
        _folder.WriteFile("app/Program.cs", "System.Console.WriteLine(\"alone\");");
        Restore();
        BuildRun second = Build("Build");

        Assert.True(second.Succeeded, second.Log);
        Assert.DoesNotContain("Lib.dll", _folder.FilesUnder("root/app"));
        Assert.DoesNotContain("Lib.pdb", _folder.FilesUnder("root/app"));
        Assert.Contains("App.dll", _folder.FilesUnder("root/app"));
    }

    [Fact]
    public void A_failed_compile_syncs_nothing_even_with_an_explicit_SyncToContainer()
    {
        _folder.WriteFile("app/Program.cs", "this does not compile");

        BuildRun run = Build("SyncToContainer");

        Assert.False(run.Succeeded);
        Assert.Equal(0, run.SyncTaskRuns);
        Assert.Contains(run.Errors, error => error.Code == "CS0116" || error.Code.StartsWith("CS", StringComparison.Ordinal));
        Assert.Empty(_folder.FilesUnder("root"));
    }

    public void Dispose() => _folder.Dispose();

    private BuildRun Build(string target)
    {
        var globals = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["CI"] = "false", ["ContinuousIntegrationBuild"] = "false" };
        using var collection = new Microsoft.Build.Evaluation.ProjectCollection(globals);
        var recorder = new EventRecorder();
        var parameters = new BuildParameters(collection) { Loggers = [recorder], EnableNodeReuse = false, MaxNodeCount = 1, DisableInProcNode = false };
        var request = new BuildRequestData(_folder.PathOf("app/App.csproj"), globals, toolsVersion: null, [target], hostServices: null, BuildRequestDataFlags.ProvideProjectStateAfterBuild);
        using var manager = new BuildManager();
        BuildRun run = new(manager.Build(parameters, request), recorder.Events);
        collection.UnloadAllProjects();
        return run;
    }

    private void Restore()
    {
        var psi = new ProcessStartInfo("dotnet", ["restore", _folder.PathOf("app/App.csproj"), "-nologo", "-v:q", "-nodeReuse:false"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Where(name => name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)))
        {
            psi.Environment.Remove(name);
        }

        using Process process = Process.Start(psi)!;
        string output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, output);
    }
}
