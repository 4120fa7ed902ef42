using System.IO.Compression;
using System.Xml.Linq;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>The .nupkg holds exactly the build files, the task with its dependencies, the launcher, and the README; nothing for the app.</summary>
public sealed class PackageContentsTests(PackageFixture package)
{
    private const string CoreProperties = "package/services/metadata/core-properties/";

    [Fact]
    public void The_package_lists_exactly_the_expected_entries()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);

        // The OPC core-properties part has a generated name: compare its folder only.
        string[] entries = zip.Entries
            .Select(entry => entry.FullName.StartsWith(CoreProperties, StringComparison.Ordinal) && entry.FullName.EndsWith(".psmdcp", StringComparison.Ordinal) ? CoreProperties + "*.psmdcp" : entry.FullName)
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.Equal(
            new[]
            {
                "FileSync.nuspec",
                "README.md",
                "[Content_Types].xml",
                "_rels/.rels",
                "build/FileSync.props",
                "build/FileSync.targets",
                "buildMultiTargeting/FileSync.props",
                "buildMultiTargeting/FileSync.targets",
                CoreProperties + "*.psmdcp",
                "tasks/net8.0/FileSync.Core.dll",
                "tasks/net8.0/FileSync.Tasks.dll",
                "tasks/net8.0/System.IO.Hashing.dll",
                "tasks/net8.0/YamlDotNet.dll",
                "tools/launcher/filesync-launcher.dll",
                "tools/launcher/filesync-launcher.runtimeconfig.json",
            }.Order(StringComparer.Ordinal),
            entries);
    }

    [Fact]
    public void The_nuspec_is_a_development_dependency_without_dependencies()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        using Stream nuspec = zip.GetEntry("FileSync.nuspec")!.Open();
        XElement metadata = XDocument.Load(nuspec).Root!.Elements().Single(element => element.Name.LocalName == "metadata");

        Assert.Equal("FileSync", Value(metadata, "id"));
        Assert.Equal(package.Version, Value(metadata, "version"));
        Assert.Equal("true", Value(metadata, "developmentDependency"));
        Assert.DoesNotContain(metadata.Descendants(), element => element.Name.LocalName is "dependencies" or "group" or "dependency" or "frameworkReferences");
    }

    private static string? Value(XElement metadata, string name) =>
        metadata.Elements().SingleOrDefault(element => element.Name.LocalName == name)?.Value;
}
