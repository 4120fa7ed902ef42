using System.Security.Cryptography;
using System.Xml.Linq;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// FileSyncIncludeBuildOutput with the packed package: a console app's compiled outputs land in the container's /app
/// byte-exact, only what changed is resent, a removed reference is deleted, and a failed compile syncs nothing.
/// </summary>
public sealed class BuildOutputTests(PackageFixture package)
{
    private static readonly string[] Outputs = ["Consumer.dll", "Consumer.pdb", "Consumer.deps.json", "Consumer.runtimeconfig.json", "Lib.dll", "Lib.pdb", "data/seed.txt"];

    [Fact]
    public async Task Compiled_code_lands_byte_exact_only_changes_are_resent_a_removed_reference_is_deleted_and_a_failed_compile_syncs_nothing()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        using var project = new ConsumerProject(package, "outputs", subfolder: "app")
            .Property("OutputType", "Exe")
            .Property("FileSyncIncludeBuildOutput", "true")
            .Property("FileSyncContainer", container.Id)
            .Element(new XElement("ItemGroup",
                new XElement("ProjectReference", new XAttribute("Include", "../lib/Lib.csproj"), new XAttribute("Condition", "'$(WithoutLib)' != 'true'")),
                new XElement("Content", new XAttribute("Include", "data/seed.txt"), new XAttribute("CopyToOutputDirectory", "PreserveNewest"))));
        WriteLibrary(project.Root);
        project.WriteFile("Program.cs", "System.Console.WriteLine(Lib.Greeter.Hello);\n");
        project.WriteFile("data/seed.txt", "seed\n");

        // First build: every output, from the build's output folder, in the container's WORKDIR (/app).
        var first = SyncSummary.Single((await project.BuildAsync([], ConsumerProject.WithoutCi)).Succeeded());
        Assert.Equal(0, first.Deleted);
        Dictionary<string, string> inContainer = await InContainer.Md5sumsAsync(container.Id, "/app");
        foreach (string output in Outputs)
        {
            Assert.Equal(Md5(project.PathOf("bin/Debug/net10.0/" + output)), inContainer["/app/" + output]);
        }

        // Nothing changed: MSBuild skips the sync, the task is not loaded.
        var noOp = (await project.BuildAsync(["-v:d"], ConsumerProject.WithoutCi)).Succeeded();
        Assert.Contains("Skipping target \"_FileSyncSync\"", noOp.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Using \"SyncFiles\" task", noOp.Output, StringComparison.Ordinal);

        // A C# edit: the assembly and its pdb are resent, nothing else (the content file, changed inside the container
        // behind FileSync's back, is left as it is).
        await InContainer.ExecAsync(container.Id, "cp", "/etc/group", "/app/data/seed.txt");
        project.WriteFile("Program.cs", "System.Console.WriteLine(Lib.Greeter.Hello + \"!\");\n");
        var edited = SyncSummary.Single((await project.BuildAsync([], ConsumerProject.WithoutCi)).Succeeded());
        Assert.Equal((2, 0), (edited.Changed, edited.Deleted));
        Assert.Equal(Md5(project.PathOf("bin/Debug/net10.0/Consumer.dll")), (await InContainer.Md5sumsAsync(container.Id, "/app"))["/app/Consumer.dll"]);
        Assert.Equal(await InContainer.CatAsync(container.Id, "/etc/group"), await InContainer.CatAsync(container.Id, "/app/data/seed.txt"));

        // A compile error: the build fails, and even an explicit SyncToContainer sends nothing.
        byte[] good = File.ReadAllBytes(project.PathOf("Program.cs"));
        project.WriteFile("Program.cs", "this does not compile\n");
        var failed = (await project.SyncAsync()).Failed();
        Assert.Contains("error CS", failed.Output, StringComparison.Ordinal);
        Assert.Empty(SyncSummary.All(failed.Output));
        Assert.Equal(Md5(project.PathOf("bin/Debug/net10.0/Consumer.dll")), (await InContainer.Md5sumsAsync(container.Id, "/app"))["/app/Consumer.dll"]);
        project.WriteFile("Program.cs", good);

        // The reference removed (restored again): its dll and pdb are deleted in the container.
        project.WriteFile("Program.cs", "System.Console.WriteLine(\"alone\");\n");
        var removed = SyncSummary.Single((await project.BuildAsync(["-restore", "-p:WithoutLib=true"], ConsumerProject.WithoutCi)).Succeeded());
        Assert.Equal(2, removed.Deleted);
        Assert.False(await InContainer.ExistsAsync(container.Id, "/app/Lib.dll"));
        Assert.False(await InContainer.ExistsAsync(container.Id, "/app/Lib.pdb"));
        Assert.Equal(Md5(project.PathOf("bin/Debug/net10.0/Consumer.dll")), (await InContainer.Md5sumsAsync(container.Id, "/app"))["/app/Consumer.dll"]);
    }

    private static void WriteLibrary(string root)
    {
        string lib = Directory.CreateDirectory(Path.Combine(root, "lib")).FullName;
        foreach (string stop in (string[])["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props"])
        {
            File.WriteAllText(Path.Combine(lib, stop), "<Project />\n");
        }

        File.WriteAllText(Path.Combine(lib, "Lib.csproj"), """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <UseSharedCompilation>false</UseSharedCompilation>
              </PropertyGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(lib, "Greeter.cs"), "namespace Lib;\npublic static class Greeter { public static string Hello => \"hello\"; }\n");
    }

    private static string Md5(string path) => Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(path)));
}
