using System.Diagnostics;

namespace FileSync.Tests.Core;

/// <summary>GNU tar, run with an argument list (never a shell string), as an independent reader of our archives.</summary>
internal static class GnuTar
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr);

    public static async Task<Result> RunAsync(IEnumerable<string> args, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("tar")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = System.Text.Encoding.UTF8,
        };
        psi.Environment["LC_ALL"] = "C.UTF-8";
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException("Could not start tar.");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(ct);
        Task<string> stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs tar; fails the test on a non-zero exit or anything on stderr (a warning means a malformed archive).</summary>
    public static async Task<string> RunCheckedAsync(IEnumerable<string> args, CancellationToken ct)
    {
        string[] list = [.. args];
        Result result = await RunAsync(list, ct);
        Assert.True(result.ExitCode == 0 && result.StdErr.Length == 0, $"tar {string.Join(' ', list)} exited with {result.ExitCode}: {result.StdErr}");
        return result.StdOut;
    }

    /// <summary>The entry names, one per line, exactly as stored.</summary>
    public static async Task<string[]> ListAsync(string archive, CancellationToken ct) =>
        (await RunCheckedAsync(["--quoting-style=literal", "-tf", archive], ct)).Split('\n', StringSplitOptions.RemoveEmptyEntries);
}
