using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Sockets;
using FileSync.Docker;
using FileSync.Jobs;

namespace FileSync.Server;

/// <summary>
/// The resident sync server (filesync-server.dll): one per user and FileSync build, listening on its private Unix
/// socket. It keeps warm between builds the JIT-compiled code, the Docker clients (their connections), each instance's
/// state (written through to obj/filesync/ under its lock, and read again whenever another process wrote it, so the
/// in-process path and the server never disagree), and per context a watcher journal of what changed since its last
/// sync (ContextJournal: an optimisation only; anything lost means a full scan). It exits after <c>idle</c> without a request, or when asked (dotnet build -t:FileSyncShutdown).
/// </summary>
internal sealed class SyncServer(ServerEndpoint endpoint, TimeSpan idle)
{
    private readonly ConcurrentDictionary<string, DockerClient> _clients = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private readonly ContextJournals _journals = new();
    private readonly State.StateCache _states = new();
    private readonly RuleItemSets _ruleItems = new();
    private int _active;
    private long _lastActivity = Environment.TickCount64;

    /// <summary>Test seam (FILESYNC_SERVER_TEST_CRASH_AT): the server kills itself (SIGKILL) when the job logs a line
    /// containing this text, e.g. a file's "name ->" line, logged after its upload and before the state is saved.</summary>
    private readonly string? _crashAt = Environment.GetEnvironmentVariable("FILESYNC_SERVER_TEST_CRASH_AT");

    public async Task<int> RunAsync()
    {
        if (endpoint.EnsurePrivateFolder() is { } problem)
        {
            return Fail($"not started: the folder '{endpoint.Folder}' is not private ({problem})");
        }

        FileStream held;
        try
        {
            held = new FileStream(endpoint.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException)
        {
            return 0; // another server of this key is running (or starting): it serves
        }

        using (held)
        using (var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            File.Delete(endpoint.SocketPath); // left by a server that was killed; we hold the lock, so it is no one's
            listener.Bind(new UnixDomainSocketEndPoint(endpoint.SocketPath));
            listener.Listen(16);
            File.WriteAllText(endpoint.PidFile + ".tmp", ServerNative.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
            File.Move(endpoint.PidFile + ".tmp", endpoint.PidFile, overwrite: true); // whole or absent, never half written
            Note($"started (pid {ServerNative.ProcessId}, key {endpoint.Key}, exits after {idle.TotalMinutes} idle minutes)");
            Task idleWatch = WatchIdleAsync();
            var running = new List<Task>();
            while (!_stopping.IsCancellationRequested)
            {
                Socket client;
                try
                {
                    client = await listener.AcceptAsync(_stopping.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                Interlocked.Increment(ref _active);
                Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);
                running.RemoveAll(task => task.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await new ServerConnection(this, client).HandleAsync().ConfigureAwait(false);
                    }
                    finally
                    {
                        Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);
                        Interlocked.Decrement(ref _active);
                    }
                }));
            }

            // No new connections; finish the requests under way, then leave nothing behind but the lock file.
            TryDelete(endpoint.SocketPath);
            await Task.WhenAll(running).ConfigureAwait(false);
            TryDelete(endpoint.PidFile);
            _journals.Dispose();
            await idleWatch.ConfigureAwait(false);
        }

        return 0;
    }

    internal ServerEndpoint Endpoint => endpoint;

    /// <summary>Per context served, what changed since its last sync (so a sync does not stat every file).</summary>
    internal ContextJournals Journals => _journals;

    /// <summary>Each instance's state as this server last read or wrote it (read again when another process wrote it).</summary>
    internal State.StateCache States => _states;

    /// <summary>The rule item sets requests sent, by fingerprint: a request whose set is here names it instead of sending it.</summary>
    internal RuleItemSets RuleItems => _ruleItems;

    internal string? CrashAt => _crashAt;

    internal void Stop(string why)
    {
        Note("stopping: " + why);
        _stopping.Cancel();
    }

    /// <summary>A Docker client per endpoint and bounds, kept for the server's life (its connections stay open).</summary>
    internal DockerClientSource ClientsFor(SyncRequest request, Diagnostics.ILog log) => (host, timeouts) =>
    {
        DockerEndpoint docker = DockerEndpoint.Resolve(host, request.GetEnvironmentVariable);
        log.Detail($"FileSync: Docker endpoint {docker.Display}, from {docker.Source}");
        string key = string.Join("|", docker.Display, docker.CertPath, docker.TlsFilesStamp(), docker.SkipTlsVerify, docker.SshSearchPath, docker.SshAgent, timeouts.Connect.Ticks, timeouts.Response.Ticks, timeouts.Stall.Ticks);
        if (_clients.TryGetValue(key, out DockerClient? cached))
        {
            log.Detail($"FileSync: reusing the Docker client for {cached.Endpoint}");
            return cached;
        }

        return _clients.GetOrAdd(key, _ => DockerClient.Create(docker, timeouts));
    };

    /// <summary>One line in the server's log file beside its socket; never fails the server.</summary>
    internal void Note(string line)
    {
        try
        {
            var info = new FileInfo(endpoint.LogFile);
            if (info.Exists && info.Length > 1024 * 1024)
            {
                info.Delete();
            }

            File.AppendAllText(endpoint.LogFile, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm:ss.fff}Z {line}{Environment.NewLine}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private int Fail(string line)
    {
        Note(line);
        return 1;
    }

    private async Task WatchIdleAsync()
    {
        long idleMs = (long)idle.TotalMilliseconds;
        while (!_stopping.IsCancellationRequested)
        {
            long quiet = Environment.TickCount64 - Interlocked.Read(ref _lastActivity);
            if (Volatile.Read(ref _active) == 0 && quiet >= idleMs)
            {
                Stop($"no request for {idle.TotalMinutes} minutes");
                return;
            }

            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(Volatile.Read(ref _active) > 0 ? idleMs : Math.Max(50, idleMs - quiet)), _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
