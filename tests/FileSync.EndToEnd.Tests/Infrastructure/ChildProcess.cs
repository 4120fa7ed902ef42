using System.Diagnostics;
using System.Text;

namespace FileSync.EndToEnd.Tests.Infrastructure;

/// <summary>What a child process did: its exit code and its stdout and stderr, interleaved as they arrived.</summary>
internal sealed record ProcessResult(string Command, int ExitCode, string Output)
{
    public override string ToString() => $"{Command} exited with {ExitCode}:{Environment.NewLine}{Output}";
}

/// <summary>Runs a program with an argument list (never a shell string), a timeout and a changed environment.</summary>
internal static class ChildProcess
{
    /// <param name="environment">Variables to set; a null value removes the variable from the child's environment.</param>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        string workingDirectory,
        IReadOnlyDictionary<string, string?> environment,
        TimeSpan timeout,
        CancellationToken cancellationToken)
    {
        ProcessStartInfo psi = StartInfo(fileName, arguments, workingDirectory, environment);

        string command = fileName + " " + string.Join(' ', arguments);
        var output = new StringBuilder();
        var gate = new object();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {command}.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None);
            string reason = cancellationToken.IsCancellationRequested ? "was cancelled" : $"did not finish within {timeout.TotalSeconds:0} s";
            throw new TimeoutException($"{command} {reason}; output so far:{Environment.NewLine}{Text()}");
        }

        return new ProcessResult(command, process.ExitCode, Text());

        void Append(string? line)
        {
            if (line is not null)
            {
                lock (gate)
                {
                    output.AppendLine(line);
                }
            }
        }

        string Text()
        {
            lock (gate)
            {
                return output.ToString();
            }
        }
    }

    /// <summary>An argv (never a command line), every stream redirected as UTF-8, the environment changed as given (null: removed).</summary>
    public static ProcessStartInfo StartInfo(string fileName, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        foreach (string argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        foreach ((string name, string? value) in environment)
        {
            if (value is null)
            {
                psi.Environment.Remove(name);
            }
            else
            {
                psi.Environment[name] = value;
            }
        }

        return psi;
    }
}
