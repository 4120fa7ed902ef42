using System.Diagnostics;
using System.Text;

namespace FileSync.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A long-running child (<c>dotnet watch ...</c>) whose output lines a test awaits as they arrive: no sleeps, each wait
/// bounded. Dispose ends the process and every process it started, by its id (<see cref="Process.Kill(bool)"/> walks
/// the tree), and waits for it: nothing outlives the test, whatever it asserted.
/// </summary>
internal sealed class DotnetWatchProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly object _gate = new();
    private readonly List<string> _lines = [];
    private readonly List<(Func<IReadOnlyList<string>, bool> Done, TaskCompletionSource Signal)> _waiters = [];

    private DotnetWatchProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public string Output
    {
        get
        {
            lock (_gate)
            {
                return string.Join(Environment.NewLine, _lines);
            }
        }
    }

    public static DotnetWatchProcess Start(string fileName, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        ProcessStartInfo psi = ChildProcess.StartInfo(fileName, arguments, workingDirectory, environment);

        var process = new Process { StartInfo = psi };
        var watch = new DotnetWatchProcess(process);
        process.OutputDataReceived += (_, e) => watch.Append(e.Data);
        process.ErrorDataReceived += (_, e) => watch.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException($"Could not start {fileName}.");
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return watch;
    }

    /// <summary>Completes once the output so far satisfies <paramref name="done"/>; fails with the output after <paramref name="bound"/>
    /// or when the process exits first.</summary>
    public async Task WaitForAsync(Func<IReadOnlyList<string>, bool> done, string what, TimeSpan bound, CancellationToken cancellationToken)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (done(_lines))
            {
                return;
            }

            _waiters.Add((done, signal));
        }

        Task exited = _process.WaitForExitAsync(cancellationToken);
        Task first = await Task.WhenAny(signal.Task, exited, Task.Delay(bound, cancellationToken));
        if (first != signal.Task)
        {
            string why = first == exited ? $"the process exited ({(_process.HasExited ? _process.ExitCode : -1)})" : $"not within {bound.TotalSeconds:0} s";
            throw new TimeoutException($"Waiting for {what}: {why}. Output so far:{Environment.NewLine}{Output}");
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_gate)
        {
            _lines.Add(line);
            foreach (var waiter in _waiters.Where(waiter => waiter.Done(_lines)).ToList())
            {
                _waiters.Remove(waiter);
                waiter.Signal.TrySetResult();
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited between the check and the kill.
        }

        await _process.WaitForExitAsync(CancellationToken.None);
        _process.Dispose();
    }
}
