using System.Security.Cryptography;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Endpoints;

/// <summary>A small tree with text, CRLF and every byte value, synced to /app/www and read back byte for byte.</summary>
internal static class EndpointTree
{
    private static readonly Dictionary<string, byte[]> Files = new(StringComparer.Ordinal)
    {
        ["index.html"] = "<h1>endpoint</h1>\n"u8.ToArray(),
        ["css/app.css"] = "body {\r\n  color: red;\r\n}\r\n"u8.ToArray(),
        ["bin/all-bytes.dat"] = [.. Enumerable.Range(0, 256).Select(i => (byte)i), .. Enumerable.Range(0, 256).Select(i => (byte)(255 - i))],
        ["deep/a/b/c/readme.txt"] = "deep\n"u8.ToArray(),
    };

    /// <summary>Writes the tree under site/ with the rule that syncs it to www (the container's /app/www).</summary>
    public static ConsumerProject WithTree(this ConsumerProject project)
    {
        project.Rule("site/**/*", dest: "www", strip: "site/");
        foreach ((string path, byte[] content) in Files)
        {
            project.WriteFile("site/" + path, content);
        }

        return project;
    }

    /// <summary>Every file of the tree is in the container with the same bytes (md5sum run in the container), nothing more.</summary>
    public static async Task AssertSyncedAsync(string containerId)
    {
        var expected = Files.ToDictionary(file => "/app/www/" + file.Key, file => Convert.ToHexString(MD5.HashData(file.Value)).ToLowerInvariant());
        var actual = await InContainer.Md5sumsAsync(containerId, "/app/www");
        Assert.Equal(expected.OrderBy(pair => pair.Key, StringComparer.Ordinal), actual.OrderBy(pair => pair.Key, StringComparer.Ordinal));
        Assert.Equal("<h1>endpoint</h1>\n", await InContainer.CatAsync(containerId, "/app/www/index.html"));
    }
}
