using System.Diagnostics;

namespace FileSync.KubeStandIn.Tests;

/// <summary>A CLI run with an argument list (never a shell string), optionally with bytes on stdin.</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string StdOut, string StdErr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {StdOut}\nstderr: {StdErr}";
    }

    public static async Task<Result> RunAsync(string file, IEnumerable<string> args, byte[]? stdin = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        await process.WaitForExitAsync();
        return new Result(process.ExitCode, await stdout, await stderr);
    }

    public static Task<Result> DockerAsync(params string[] args) => RunAsync("docker", args);
}

/// <summary>The real kubectl (a dispatcher that runs the bundled kubectl matching the server's version).</summary>
internal sealed class Kubectl
{
    public const string Path = "/usr/bin/kubectl";

    private readonly string _kubeconfig;
    private readonly string _cacheDir;

    public Kubectl(string kubeconfig, string cacheDir)
    {
        _kubeconfig = kubeconfig;
        _cacheDir = cacheDir;
    }

    public Task<Cli.Result> RunAsync(params string[] args) => RunWithStdinAsync(null, args);

    public Task<Cli.Result> RunWithStdinAsync(byte[]? stdin, params string[] args) =>
        Cli.RunAsync(Path, ["--kubeconfig", _kubeconfig, "--cache-dir", _cacheDir, "--request-timeout", "60s", .. args], stdin);
}
