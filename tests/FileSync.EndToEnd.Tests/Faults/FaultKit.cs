using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// Checks shared by the fault scenarios: the container holds exactly the sources (MD5 of every file, nothing extra),
/// what the state claims is synced really is (through the product's own dry run), and big payloads to interrupt.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static partial class FaultKit
{
    public const int BigFileBytes = 8 * 1024 * 1024;

    /// <summary>
    /// Writes <paramref name="count"/> files of 8 MB of random bytes under <paramref name="folder"/> (f00.bin, f01.bin, ...),
    /// each made distinct by its index in its first bytes; returns their '/'-separated relative paths in sync order.
    /// </summary>
    public static IReadOnlyList<string> WriteBigFiles(ConsumerProject project, string folder, int count, int seed)
    {
        byte[] content = new byte[BigFileBytes];
        new Random(seed).NextBytes(content);
        var paths = new List<string>(count);
        for (int i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(content.AsSpan(0, 4), i);
            string relative = $"{folder}/f{i:D2}.bin";
            project.WriteFile(relative, content);
            paths.Add(relative);
        }

        return paths;
    }

    /// <summary>Every regular file below <paramref name="folder"/> (links are neither listed nor followed), by '/'-separated relative path, with its MD5.</summary>
    public static Dictionary<string, string> LocalMd5s(string folder)
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };
        return Directory.EnumerateFiles(folder, "*", options).ToDictionary(
            path => Path.GetRelativePath(folder, path).Replace(Path.DirectorySeparatorChar, '/'),
            Md5Of,
            StringComparer.Ordinal);
    }

    public static string Md5Of(string path)
    {
        using FileStream stream = File.OpenRead(path);
        return Convert.ToHexStringLower(MD5.HashData(stream));
    }

    /// <summary>
    /// The container folder holds exactly the local folder's regular files, byte for byte (MD5 through <c>docker exec</c>),
    /// and no other entry of any kind below it (no extra file, link or partial upload left behind).
    /// </summary>
    public static async Task AssertContainerMatchesAsync(string containerId, string containerFolder, string localFolder)
    {
        Dictionary<string, string> expected = LocalMd5s(localFolder)
            .ToDictionary(file => containerFolder + "/" + file.Key, file => file.Value, StringComparer.Ordinal);

        string[] entries = (await InContainer.ExecAsync(containerId, "find", containerFolder, "!", "-type", "d"))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), entries.Order(StringComparer.Ordinal));
        Dictionary<string, string> actual = await InContainer.Md5sumsAsync(containerId, containerFolder);
        foreach ((string path, string md5) in expected)
        {
            Assert.True(actual.TryGetValue(path, out string? inContainer) && inContainer == md5, $"{path}: expected MD5 {md5}, the container has {inContainer ?? "nothing"}.");
        }
    }

    /// <summary>
    /// Nothing is recorded as synced that was not: asks the product (dry run, touches nothing) what it would send, and checks
    /// that every local file it would NOT send is already in the container with the same content. Returns the sources it
    /// would send, relative to the context. <paramref name="mapToContainer"/> maps a context-relative source to its destination.
    /// </summary>
    public static async Task<IReadOnlySet<string>> AssertStateTellsTheTruthAsync(
        ConsumerProject project, string containerId, string localFolder, string contextPrefix, string containerFolder)
    {
        ProcessResult dryRun = (await project.SyncAsync("-p:FileSyncDryRun=true")).Succeeded();
        Assert.Contains("FileSync (dry run):", dryRun.Output, StringComparison.Ordinal);
        var toCopy = DryRunCopy().Matches(dryRun.Output).Select(match => match.Groups["source"].Value).ToHashSet(StringComparer.Ordinal);

        Dictionary<string, string> inContainer = await InContainer.Md5sumsAsync(containerId, containerFolder);
        foreach ((string relative, string md5) in LocalMd5s(localFolder))
        {
            if (!toCopy.Contains(contextPrefix + relative))
            {
                string destination = containerFolder + "/" + relative;
                Assert.True(
                    inContainer.TryGetValue(destination, out string? actual) && actual == md5,
                    $"The state records {contextPrefix + relative} as synced, but {destination} in the container has MD5 {actual ?? "(missing)"}, not {md5}.");
            }
        }

        return toCopy;
    }

    /// <summary>
    /// The distinct error or warning lines carrying <paramref name="code"/>, without the project suffix MSBuild adds (its
    /// closing summary repeats them).
    /// </summary>
    public static IReadOnlyList<string> Diagnostics(ProcessResult result, string severity, string code) =>
        result.Output.Split('\n')
            .Where(line => line.Contains($"{severity} {code}:", StringComparison.Ordinal))
            .Select(line => line.Trim())
            .Select(line => line.EndsWith(']') && line.LastIndexOf(" [", StringComparison.Ordinal) is int bracket and > 0 ? line[..bracket] : line)
            .Distinct()
            .ToList();

    /// <summary>The state file of the project's one target instance (obj/filesync/*.state).</summary>
    public static string StateFile(ConsumerProject project) =>
        Assert.Single(Directory.GetFiles(Path.Combine(project.Directory, "obj", "filesync"), "*.state"));

    [GeneratedRegex(@"^\s*copy\s+(?<source>.+?) -> /.*$", RegexOptions.Multiline)]
    private static partial Regex DryRunCopy();
}
