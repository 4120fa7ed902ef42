using System.IO.Compression;
using System.Xml.Linq;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>The .nupkg holds exactly the build files, the task with its dependencies (as IL for every SDK 8+, and
/// ReadyToRun-compiled for SDK 10 on linux-x64), the launcher, and the README; nothing for the app.</summary>
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
                "tasks/net10.0-linux-x64/FileSync.Core.dll",
                "tasks/net10.0-linux-x64/Fractions.dll",
                "tasks/net10.0-linux-x64/FileSync.Tasks.dll",
                "tasks/net10.0-linux-x64/KubernetesClient.dll",
                "tasks/net10.0-linux-x64/System.IO.Hashing.dll",
                "tasks/net10.0-linux-x64/YamlDotNet.dll",
                "tasks/net8.0/FileSync.Core.dll",
                "tasks/net8.0/Fractions.dll",
                "tasks/net8.0/FileSync.Tasks.dll",
                "tasks/net8.0/KubernetesClient.dll",
                "tasks/net8.0/System.IO.Hashing.dll",
                "tasks/net8.0/YamlDotNet.dll",
                "tasks/netstandard2.0/FileSync.Tasks.OutOfProcess.dll",
                "tools/launcher/filesync-launcher.dll",
                "tools/launcher/filesync-launcher.runtimeconfig.json",
                "tools/server/FileSync.Core.dll",
                "tools/server/Fractions.dll",
                "tools/server/KubernetesClient.dll",
                "tools/server/System.IO.Hashing.dll",
                "tools/server/YamlDotNet.dll",
                "tools/server/filesync-server.dll",
                "tools/server/filesync-server.runtimeconfig.json",
                "tools/task/FileSync.Core.dll",
                "tools/task/Microsoft.Build.Framework.dll",
                "tools/task/Microsoft.Build.Utilities.Core.dll",
                "tools/task/Microsoft.NET.StringTools.dll",
                "tools/task/System.IO.Hashing.dll",
                "tools/task/YamlDotNet.dll",
                "tools/task/filesync-task.dll",
                "tools/task/filesync-task.runtimeconfig.json",
            }.Order(StringComparer.Ordinal),
            entries);
    }

    [Fact]
    public void The_ReadyToRun_folder_holds_the_same_assemblies_as_net8_with_native_code_beside_their_IL()
    {
        using ZipArchive zip = ZipFile.OpenRead(package.PackagePath);
        ZipArchiveEntry[] portable = [.. zip.Entries.Where(entry => entry.FullName.StartsWith("tasks/net8.0/", StringComparison.Ordinal))];

        Assert.NotEmpty(portable);
        foreach (ZipArchiveEntry il in portable)
        {
            ZipArchiveEntry compiled = zip.GetEntry("tasks/net10.0-linux-x64/" + il.Name)!;
            (Guid ilMvid, bool ilNative) = Inspect(il);
            (Guid compiledMvid, bool compiledNative) = Inspect(compiled);

            Assert.False(ilNative, il.FullName);
            Assert.True(compiledNative, compiled.FullName + " has no ReadyToRun code");
            Assert.Equal(ilMvid, compiledMvid); // the same build of the same code
        }
    }

    /// <summary>The assembly's module version id, and whether it carries ReadyToRun code (a managed native header).</summary>
    private static (Guid Mvid, bool Native) Inspect(ZipArchiveEntry entry)
    {
        using var bytes = new MemoryStream();
        using (Stream stream = entry.Open())
        {
            stream.CopyTo(bytes);
        }

        bytes.Position = 0;
        using var pe = new System.Reflection.PortableExecutable.PEReader(bytes);
        System.Reflection.Metadata.MetadataReader metadata = System.Reflection.Metadata.PEReaderExtensions.GetMetadataReader(pe);
        return (metadata.GetGuid(metadata.GetModuleDefinition().Mvid), pe.PEHeaders.CorHeader!.ManagedNativeHeaderDirectory.Size > 0);
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
