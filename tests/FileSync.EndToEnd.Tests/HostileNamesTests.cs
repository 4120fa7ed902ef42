using System.Runtime.Versioning;
using System.Security.Cryptography;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests;

/// <summary>
/// Names that break shells, MSBuild escaping and argument parsing, a long name, a big binary and an executable script
/// arrive byte-exact with their modes; deleting names that look like options works too.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class HostileNamesTests(PackageFixture package)
{
    private static readonly string[] TextFiles =
    [
        "with space/a file.txt",
        "unicodé/日本語.txt",
        "-leading-dash.txt",
        "--rf",
        "$(x).txt",
        "semi;colon.txt",
        "quote'single.txt",
        "quote\"double.txt",
        "percent%41.txt",
        "at@sign.txt",
        ".hidden",
        "deep/a/b/c/d/e.txt",
        new string('n', 196) + ".txt",
    ];

    [Fact]
    public async Task Every_file_arrives_byte_exact_with_its_mode()
    {
        await using var container = await TestContainer.StartAsync(ct: TestContext.Current.CancellationToken);
        // A glob: the names come from the file system, not from an Include MSBuild would have to parse.
        using var project = new ConsumerProject(package, "hostile-names")
            .Rule("tree/**/*", dest: "hostile", strip: "tree/")
            .Property("FileSyncContainer", container.Name);
        foreach (string name in TextFiles)
        {
            project.WriteFile("tree/" + name, "content of " + name + "\n");
        }

        var random = new Random(20240601);
        byte[] binary = new byte[5 * 1024 * 1024];
        random.NextBytes(binary);
        project.WriteFile("tree/blob.bin", binary);
        string script = project.WriteFile("tree/bin/run.sh", "#!/bin/sh\necho ran \"$0\"\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);

        var sync = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal(TextFiles.Length + 2, sync.Changed);
        var local = LocalFiles(project.PathOf("tree"));
        Assert.Equal(local.Keys.Select(name => "/app/hostile/" + name).Order(StringComparer.Ordinal), (await InContainer.Md5sumsAsync(container.Id, "/app/hostile")).Keys.Order(StringComparer.Ordinal));
        Assert.Equal(local.ToDictionary(file => "/app/hostile/" + file.Key, file => file.Value.Md5), await InContainer.Md5sumsAsync(container.Id, "/app/hostile"));
        Assert.Equal(local.ToDictionary(file => "/app/hostile/" + file.Key, file => file.Value.Mode), await InContainer.StatAllAsync(container.Id, "/app/hostile", "%a"));
        Assert.Equal("755", await InContainer.StatAsync(container.Id, "%a", "/app/hostile/bin/run.sh"));
        Assert.Equal("ran /app/hostile/bin/run.sh\n", await InContainer.ExecAsync(container.Id, "/app/hostile/bin/run.sh"));

        // Names that look like options must reach rm as names.
        project.DeleteFile("tree/-leading-dash.txt");
        project.DeleteFile("tree/--rf");
        project.DeleteFile("tree/semi;colon.txt");
        var deleted = SyncSummary.Single((await project.SyncAsync()).Succeeded());

        Assert.Equal((0, 3), (deleted.Changed, deleted.Deleted));
        Assert.Equal(
            LocalFiles(project.PathOf("tree")).Keys.Select(name => "/app/hostile/" + name).Order(StringComparer.Ordinal),
            (await InContainer.Md5sumsAsync(container.Id, "/app/hostile")).Keys.Order(StringComparer.Ordinal));
    }

    /// <summary>Every file below the folder, by '/'-separated relative path, with its MD5 and its permission bits in octal.</summary>
    private static Dictionary<string, (string Md5, string Mode)> LocalFiles(string folder) =>
        Directory.EnumerateFiles(folder, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })
            .ToDictionary(
                path => Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/'),
                path => (Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(path))), Convert.ToString((int)File.GetUnixFileMode(path), 8)),
                StringComparer.Ordinal);
}
