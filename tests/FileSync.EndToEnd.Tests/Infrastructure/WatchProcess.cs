using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;

namespace FileSync.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A running <c>dotnet build -t:FileSyncWatch</c>: its output read line by line as it comes (tests wait for lines, never
/// sleep), Ctrl+C as the terminal sends it (SIGINT to the process), killed with its tree on dispose if still running.
/// </summary>
internal sealed class WatchProcess : IDisposable
{
    private static readonly TimeSpan LineTimeout = TimeSpan.FromMinutes(2);

    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _output = new();

    private WatchProcess(Process process) => _process = process;

    public static WatchProcess Start(string fileName, IReadOnlyList<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string?> environment)
    {
        ProcessStartInfo psi = ChildProcess.StartInfo(fileName, arguments, workingDirectory, environment);

        var watch = new WatchProcess(new Process { StartInfo = psi });
        watch._process.OutputDataReceived += (_, e) => watch.Append(e.Data);
        watch._process.ErrorDataReceived += (_, e) => watch.Append(e.Data);
        watch._process.Exited += (_, _) => watch._lines.Writer.TryComplete();
        watch._process.EnableRaisingEvents = true;
        watch._process.Start();
        watch._process.StandardInput.Close();
        watch._process.BeginOutputReadLine();
        watch._process.BeginErrorReadLine();
        return watch;
    }

    public int Id => _process.Id;

    /// <summary>Everything it printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Reads lines until one matches; fails with the output so far if it exits or the bound passes first.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, string what)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(LineTimeout);
        try
        {
            while (await _lines.Reader.WaitToReadAsync(deadline.Token))
            {
                while (_lines.Reader.TryRead(out string? line))
                {
                    if (match(line))
                    {
                        return line;
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }

        throw new Xunit.Sdk.XunitException($"FileSyncWatch printed no line {what}. Output:{Environment.NewLine}{Output}");
    }

    /// <summary>The next sync summary line.</summary>
    public async Task<SyncSummary> NextSyncAsync()
    {
        string line = await WaitForLineAsync(l => SyncSummary.All(l).Count == 1, "with a sync summary");
        return SyncSummary.All(line)[0];
    }

    /// <summary>Ctrl+C: SIGINT, as a terminal sends it to the foreground process.</summary>
    public void Interrupt() => Assert.Equal(0, Kill(_process.Id, 2));

    /// <summary>Waits for the process to end by itself; fails (and kills it) if it does not within <paramref name="timeout"/>.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new Xunit.Sdk.XunitException($"FileSyncWatch did not end within {timeout.TotalSeconds:0} s. Output:{Environment.NewLine}{Output}");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit();
            }
        }
        catch (InvalidOperationException)
        {
            // It ended between the check and the kill.
        }

        TestContext.Current.TestOutputHelper?.WriteLine(Output);
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        _lines.Writer.TryWrite(line);
    }

    [DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
