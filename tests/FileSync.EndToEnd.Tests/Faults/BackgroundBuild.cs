using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// <c>dotnet build -t:SyncToContainer</c> of an already restored consumer project, as a child process the test can watch
/// and interrupt while it runs: it waits for the build to reach a point (its output, a source file it has open, or a
/// signal such as the engine proxy holding its upload), and sends it SIGINT (Ctrl+C). Dispose kills it (by id, with its
/// children) if it still runs.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class BackgroundBuild : IAsyncDisposable
{
    private const int SigInt = 2;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly object _gate = new();
    private readonly string _command;

    private BackgroundBuild(Process process, string command)
    {
        _process = process;
        _command = command;
    }

    /// <summary>
    /// Starts the build with the same arguments and environment as <see cref="ConsumerProject.SyncAsync"/> (after its
    /// first call: the project file is written and restored, so <c>--no-restore</c>), plus <paramref name="extraArguments"/>.
    /// </summary>
    public static BackgroundBuild StartSync(PackageFixture package, ConsumerProject project, params string[] extraArguments) =>
        StartSync(package, project, new Dictionary<string, string?>(), extraArguments);

    /// <summary>As <see cref="StartSync(PackageFixture, ConsumerProject, string[])"/>, with <paramref name="environment"/>
    /// over the child's environment (null value: removed).</summary>
    public static BackgroundBuild StartSync(PackageFixture package, ConsumerProject project, IReadOnlyDictionary<string, string?> environment, params string[] extraArguments)
    {
        Assert.True(File.Exists(project.ProjectPath) && File.Exists(Path.Combine(project.Directory, "obj", "project.assets.json")), "Sync the project once first: it must be written and restored.");
        var psi = new ProcessStartInfo(PackageFixture.DotnetHost)
        {
            WorkingDirectory = project.Directory,
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        string[] arguments = ["build", project.ProjectPath, "-nologo", "-nodeReuse:false", "-tl:off", "--no-restore", "-t:SyncToContainer", .. extraArguments];
        foreach (string argument in arguments)
        {
            psi.ArgumentList.Add(argument);
        }

        foreach ((string name, string? value) in ConsumerProject.ChildEnvironment(package.PackagesFolder).Concat(environment))
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

        var process = new Process { StartInfo = psi };
        var build = new BackgroundBuild(process, PackageFixture.DotnetHost + " " + string.Join(' ', arguments));
        process.OutputDataReceived += (_, e) => build.Append(e.Data);
        process.ErrorDataReceived += (_, e) => build.Append(e.Data);
        if (!process.Start())
        {
            throw new InvalidOperationException("Could not start " + build._command);
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return build;
    }

    public int Id => _process.Id;

    /// <summary>
    /// Waits for <paramref name="signal"/> (e.g. the engine proxy's "upload body started"), at most
    /// <paramref name="deadline"/>; fails if the build ends first or the deadline passes.
    /// </summary>
    public async Task WaitForAsync(Task signal, string what, TimeSpan deadline)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        Task exited = _process.WaitForExitAsync(stop.Token);
        Task expired = Task.Delay(deadline, stop.Token);
        Task first = await Task.WhenAny(signal, exited, expired);
        await stop.CancelAsync();
        if (first != signal)
        {
            Assert.Fail($"The build did not reach '{what}' {(first == exited ? "before it ended" : $"within {deadline.TotalSeconds:0} s")}. Output so far:{Environment.NewLine}{Text()}");
        }

        await signal;
    }

    /// <summary>
    /// Polls (deadline, not a fixed sleep) until the build process has one of <paramref name="sourceFiles"/> open: the
    /// archive is being streamed to the target and has reached that file. Fails if the build ends first.
    /// </summary>
    public async Task WaitUntilSendingAsync(IReadOnlyCollection<string> sourceFiles, TimeSpan deadline)
    {
        string fdFolder = $"/proc/{_process.Id}/fd";
        var wanted = sourceFiles.ToHashSet(StringComparer.Ordinal);
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The build ended before it was seen sending any of {string.Join(", ", wanted)}: the archive is too small to be interrupted on this machine. {Result()}");
            }

            if (HasOpen(fdFolder, wanted))
            {
                return;
            }

            if (clock.Elapsed > deadline)
            {
                Assert.Fail($"The build was not seen sending any of {string.Join(", ", wanted)} within {deadline.TotalSeconds:0} s. Output so far:{Environment.NewLine}{Text()}");
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Polls (deadline, not a fixed sleep) until the build has printed <paramref name="text"/>. Fails if it ends first.</summary>
    public async Task WaitForOutputAsync(string text, TimeSpan deadline)
    {
        var clock = Stopwatch.StartNew();
        while (!Text().Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited || clock.Elapsed > deadline)
            {
                Assert.Fail($"The build did not print '{text}' {(_process.HasExited ? "before it ended" : $"within {deadline.TotalSeconds:0} s")}. Output so far:{Environment.NewLine}{Text()}");
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>Ctrl+C: SIGINT to the build process, which MSBuild turns into a cancellation of the running task.</summary>
    public void Interrupt()
    {
        // A runner started in the background without job control passes SIGINT on as ignored; the build would not see it.
        string status = File.ReadAllText($"/proc/{_process.Id}/status");
        string ignored = status.Split('\n').Single(line => line.StartsWith("SigIgn:", StringComparison.Ordinal))["SigIgn:".Length..].Trim();
        Assert.True((Convert.ToUInt64(ignored, 16) & (1UL << (SigInt - 1))) == 0, "The build process ignores SIGINT (inherited from the test runner), so it cannot be cancelled with Ctrl+C.");
        if (Native.kill(_process.Id, SigInt) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, SIGINT) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    public async Task<ProcessResult> WaitAsync(TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{_command} did not finish within {timeout.TotalSeconds:0} s; output so far:{Environment.NewLine}{Text()}");
        }

        ProcessResult result = Result();
        TestContext.Current.TestOutputHelper?.WriteLine(result.ToString());
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync(CancellationToken.None);
        }

        _process.Dispose();
    }

    private static bool HasOpen(string fdFolder, HashSet<string> files)
    {
        try
        {
            foreach (string fd in Directory.EnumerateFileSystemEntries(fdFolder))
            {
                if (new FileInfo(fd).LinkTarget is { } target && files.Contains(target))
                {
                    return true;
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // an fd closed while it was listed, or the process is exiting: look again
        }

        return false;
    }

    private ProcessResult Result()
    {
        // WaitForExit (not the async one alone) waits for the redirected output to be read to its end.
        _process.WaitForExit();
        return new ProcessResult(_command, _process.ExitCode, Text());
    }

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_gate)
            {
                _output.AppendLine(line);
            }
        }
    }

    private string Text()
    {
        lock (_gate)
        {
            return _output.ToString();
        }
    }

    private static class Native
    {
        [DllImport("libc", SetLastError = true)]
        internal static extern int kill(int pid, int sig);
    }
}
