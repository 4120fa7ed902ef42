using System.Runtime.Versioning;
using System.Xml.Linq;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// Through the packed package and the directory runtime: which names a rule takes (MSBuild's expansion for
/// FileSyncRule items, Skaffold's case-sensitive match for skaffold.yaml rules) and the Mode metadata.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class HostSemanticsTests(PackageFixture package)
{
    private string Root(string name) => Directory.CreateDirectory(Path.Combine(package.RunDirectory, name + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    /// <summary>
    /// What the README says about case: MSBuild (SDK 10) matches a FileSyncRule's wildcards against file names ignoring
    /// case, and FileSync syncs what MSBuild expanded (as FileSyncWatch does); a folder named in the glob matches as the
    /// file system does (case-sensitively here); a skaffold.yaml rule is Skaffold's, case-sensitive.
    /// </summary>
    [Fact]
    public async Task FileSyncRule_names_are_MSBuilds_expansion_and_skaffold_yaml_rules_match_case_sensitively()
    {
        string root = Root("case-root");
        using var project = new ConsumerProject(package, "case")
            .Rule("*.txt", dest: "/items")
            .Rule("sub/**/*.txt", dest: "/items")
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root)
            .Property("FileSyncConfig", "skaffold.yaml"); // named: a project with items reads a skaffold.yaml only then (FSYNC8056)
        project.WriteFile("skaffold.yaml", "apiVersion: skaffold/v4beta11\nbuild:\n  artifacts:\n  - image: app\n    sync:\n      manual:\n      - src: '*.txt'\n        dest: /yaml\n");
        project.WriteFile("low.txt", "low\n");
        project.WriteFile("UP.TXT", "up\n");
        project.WriteFile("Sub/x.txt", "x\n");

        (await project.SyncAsync()).Succeeded();

        Assert.Equal(
            ["items/UP.TXT", "items/low.txt", "yaml/low.txt"],
            Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories).Select(file => Path.GetRelativePath(root, file)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_rules_Mode_is_the_synced_files_mode_and_a_bad_one_is_FSYNC1050()
    {
        string root = Root("mode-root");
        using var project = new ConsumerProject(package, "mode")
            .Element(new XElement("ItemGroup",
                new XElement("FileSyncRule", new XAttribute("Include", "tools/*"), new XAttribute("Dest", "/opt"), new XAttribute("Mode", "$(ToolsMode)")),
                new XElement("FileSyncRule", new XAttribute("Include", "conf/*"), new XAttribute("Dest", "/etc"))))
            .Property("FileSyncRuntime", "directory")
            .Property("FileSyncDirectory", root);
        project.WriteFile("tools/run", "#!/bin/sh\r\necho hi\r\n");
        File.SetUnixFileMode(project.WriteFile("conf/app.conf", "a=1\r\n"), (UnixFileMode)0b110_100_000);

        (await project.SyncAsync("-p:ToolsMode=0750")).Succeeded();

        Assert.Equal((UnixFileMode)0b111_101_000, File.GetUnixFileMode(Path.Combine(root, "opt/tools/run")));
        Assert.Equal("#!/bin/sh\r\necho hi\r\n"u8.ToArray(), File.ReadAllBytes(Path.Combine(root, "opt/tools/run")));
        Assert.Equal((UnixFileMode)0b110_100_000, File.GetUnixFileMode(Path.Combine(root, "etc/conf/app.conf")));

        var changed = SyncSummary.Single((await project.SyncAsync("-p:ToolsMode=700")).Succeeded());

        Assert.Equal(1, changed.Changed);
        Assert.Equal((UnixFileMode)0b111_000_000, File.GetUnixFileMode(Path.Combine(root, "opt/tools/run")));

        project.Element(new XElement("ItemGroup", new XElement("FileSyncRule", new XAttribute("Include", "conf/*"), new XAttribute("Dest", "/x"), new XAttribute("Mode", "u+x"))));
        var bad = (await project.SyncAsync("-p:ToolsMode=700")).Failed();

        Assert.Contains("error FSYNC1050: FileSyncRule 'conf/app.conf' has Mode 'u+x'", bad.Output, StringComparison.Ordinal);
    }
}
