using System.Diagnostics;
using System.Globalization;
using System.Runtime.Versioning;
using System.Text.RegularExpressions;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Server;

/// <summary>
/// A private folder for the sync server's socket (FILESYNC_SERVER_DIR, mode 0700), the builds that use it (with
/// -p:FileSyncServer=true: the test environment turns the server off for every other test), and the servers they
/// start: every one is ended by its pid on dispose (a test never leaves a server running).
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed partial class ServerSandbox : IAsyncDisposable
{
    private readonly HashSet<int> _pids = [];

    public ServerSandbox()
    {
        // Short: a Unix socket path holds at most 107 bytes.
        Folder = Path.Combine("/tmp", "fss-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public string Folder { get; }

    /// <summary>The server's socket in the folder (one per FileSync build); null before a server started.</summary>
    public string? SocketPath => Directory.EnumerateFiles(Folder, "*.sock").SingleOrDefault() is { } socket ? socket
        : Directory.EnumerateFiles(Folder, "*.sock.lock").SingleOrDefault() is { } held ? held[..^".lock".Length] : null;

    /// <summary>The pid the running server wrote beside its socket, or null.</summary>
    public int? PidFromFile()
    {
        string? file = Directory.EnumerateFiles(Folder, "*.sock.pid").SingleOrDefault();
        return file is not null && int.TryParse(File.ReadAllText(file).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? Track(pid) : null;
    }

    public string LogText => Directory.EnumerateFiles(Folder, "*.sock.log").SingleOrDefault() is { } log ? File.ReadAllText(log) : "";

    public Dictionary<string, string?> Environment(params (string Name, string? Value)[] more)
    {
        var env = new Dictionary<string, string?>(ConsumerProject.WithoutCi) { ["FILESYNC_SERVER_DIR"] = Folder };
        foreach ((string name, string? value) in more)
        {
            env[name] = value;
        }

        return env;
    }

    /// <summary><c>dotnet build -t:SyncToContainer -v:d -p:FileSyncServer=true</c> with this folder; tracks the servers it names.</summary>
    public async Task<ProcessResult> SyncAsync(ConsumerProject project, params (string Name, string? Value)[] environment)
    {
        Task<ProcessResult> build = project.BuildAsync(["-t:SyncToContainer", "-v:d", "-p:FileSyncServer=true"], Environment(environment));
        if (await Task.WhenAny(build, Task.Delay(TimeSpan.FromMinutes(3), TestContext.Current.CancellationToken)) != build)
        {
            // A server that kept the build's output pipes open would keep the build (and its reader) from ever ending:
            // end it, so the build's own timeout reports the hang instead of the test run hanging.
            foreach (int pid in _pids.Append(PidFromFile() ?? 0).Where(IsServer))
            {
                Signal(pid, "KILL");
            }
        }

        return Tracked(await build);
    }

    /// <summary>Records every server pid a build's output names (FSYNC7020-7024), so dispose ends them.</summary>
    public ProcessResult Tracked(ProcessResult result)
    {
        foreach (Match match in ServerPid().Matches(result.Output))
        {
            Track(int.Parse(match.Groups["pid"].Value, CultureInfo.InvariantCulture));
        }

        return result;
    }

    public int Track(int pid)
    {
        _pids.Add(pid);
        return pid;
    }

    /// <summary>The pid's process is a FileSync sync server still running (not a recycled pid).</summary>
    public static bool IsServer(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Contains("filesync-server", StringComparison.Ordinal) && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits (bounded) for a server to exit by itself; false when it is still running at the deadline.</summary>
    public static async Task<bool> ExitedAsync(int pid, TimeSpan bound)
    {
        using var deadline = new CancellationTokenSource(bound);
        try
        {
            using Process process = Process.GetProcessById(pid);
            await process.WaitForExitAsync(deadline.Token);
            return true;
        }
        catch (ArgumentException)
        {
            return true; // already gone
        }
        catch (OperationCanceledException)
        {
            return !IsServer(pid);
        }
    }

    public static void Signal(int pid, string signal)
    {
        using Process kill = Process.Start("kill", ["-" + signal, pid.ToString(CultureInfo.InvariantCulture)])!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    public async ValueTask DisposeAsync()
    {
        PidFromFile();
        foreach (int pid in _pids.Where(IsServer))
        {
            Signal(pid, "KILL");
            await ExitedAsync(pid, TimeSpan.FromSeconds(30));
        }

        Directory.Delete(Folder, recursive: true);
    }

    [GeneratedRegex(@"FSYNC70(?:2[0-4]|29):[^\n]*?\bpid (?<pid>\d+)")]
    private static partial Regex ServerPid();
}
