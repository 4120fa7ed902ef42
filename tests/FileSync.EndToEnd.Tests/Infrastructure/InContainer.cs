using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Infrastructure;

/// <summary>Independent checks of a container's files with <c>docker exec &lt;id&gt; argv...</c> and busybox tools.</summary>
internal static class InContainer
{
    public static Task<string> CatAsync(string id, string path) => ExecAsync(id, "cat", "--", path);

    /// <summary>Whether the path exists; throws when <c>ls</c> fails for another reason (e.g. the container is gone).</summary>
    public static async Task<bool> ExistsAsync(string id, string path)
    {
        var result = await DockerCli.RunAsync(["exec", id, "ls", "-d", "--", path], TestContext.Current.CancellationToken);
        if (result.ExitCode == 0)
        {
            return true;
        }

        return result.StdErr.Contains("No such file or directory", StringComparison.Ordinal)
            ? false
            : throw new InvalidOperationException($"docker exec {id} ls -d -- {path} exited with {result.ExitCode}: {result.StdErr.Trim()}");
    }

    /// <summary>Every regular file below <paramref name="folder"/> with its MD5, from <c>find -exec md5sum</c>.</summary>
    public static async Task<Dictionary<string, string>> Md5sumsAsync(string id, string folder)
    {
        string output = await ExecAsync(id, "find", folder, "-type", "f", "-exec", "md5sum", "{}", "+");
        var sums = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in Lines(output))
        {
            // "<32 hex>  <path>"
            sums[line[34..]] = line[..32];
        }

        return sums;
    }

    /// <summary>Every regular file below <paramref name="folder"/> with <c>stat -c <paramref name="format"/></c> (e.g. %a, %u:%g).</summary>
    public static async Task<Dictionary<string, string>> StatAllAsync(string id, string folder, string format)
    {
        string output = await ExecAsync(id, "find", folder, "-type", "f", "-exec", "stat", "-c", format + "|%n", "{}", "+");
        var stats = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in Lines(output))
        {
            int bar = line.IndexOf('|', StringComparison.Ordinal);
            stats[line[(bar + 1)..]] = line[..bar];
        }

        return stats;
    }

    /// <summary><c>stat -c <paramref name="format"/> -- path</c>, trimmed.</summary>
    public static async Task<string> StatAsync(string id, string format, string path) => (await ExecAsync(id, "stat", "-c", format, "--", path)).Trim();

    public static Task<string> ExecAsync(string id, params string[] argv) =>
        DockerCli.RunCheckedAsync(["exec", id, .. argv], TestContext.Current.CancellationToken);

    private static IEnumerable<string> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
