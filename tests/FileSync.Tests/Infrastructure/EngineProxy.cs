using System.Net.Sockets;
using System.Text;

namespace FileSync.Tests.Infrastructure;

/// <summary>
/// A stand-in for the Docker engine's socket: a Unix-socket proxy that forwards every connection to the real engine.
/// Stopping it closes the listener and every connection and removes the socket file, as an engine restart does; starting a
/// new one on the same path brings the "engine" back. <see cref="HoldNextUpload"/> stops the next <c>PUT .../archive</c>
/// once its body has started, so that a test can cancel or cut an upload that is certainly under way.
/// </summary>
internal sealed class EngineProxy : IAsyncDisposable
{
    private const string EngineSocket = "/var/run/docker.sock";

    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _connections = [];
    private readonly Task _accepting;
    private UploadHold? _armed;

    private EngineProxy(string path)
    {
        Path = path;
        File.Delete(path);
        _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        _listener.Bind(new UnixDomainSocketEndPoint(path));
        _listener.Listen(16);
        _accepting = Task.Run(AcceptAsync);
    }

    public string Path { get; }

    /// <summary>The endpoint to give FileSync (FileSyncDockerHost / DOCKER_HOST).</summary>
    public string Endpoint => "unix://" + Path;

    /// <summary>Listens on <paramref name="path"/> (replacing a socket file left there) and forwards to the engine.</summary>
    public static EngineProxy Start(string path) => new(path);

    /// <summary>A short socket path of its own under the temp folder (Unix socket paths are limited to 107 bytes).</summary>
    public static EngineProxy StartNew() => Start(System.IO.Path.Combine("/tmp", "fs-proxy-" + Guid.NewGuid().ToString("N")[..12] + ".sock"));

    /// <summary>
    /// Holds the next upload: once a <c>PUT</c> to a container's <c>/archive</c> has sent its head and at least
    /// <paramref name="bodyBytes"/> bytes of its body (all forwarded to the engine), nothing more passes on that
    /// connection, in either direction, until the test releases or cuts it.
    /// </summary>
    public UploadHold HoldNextUpload(int bodyBytes = 64 * 1024)
    {
        var hold = new UploadHold(bodyBytes);
        Volatile.Write(ref _armed, hold);
        return hold;
    }

    /// <summary>"Stops the engine": no listener, no open connection, no socket file.</summary>
    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }

        await _stop.CancelAsync();
        _listener.Dispose();
        lock (_connections)
        {
            foreach (Socket socket in _connections)
            {
                socket.Dispose();
            }

            _connections.Clear();
        }

        await _accepting;
        File.Delete(Path);
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            lock (_connections)
            {
                _connections.Add(client);
                _connections.Add(engine);
            }

            try
            {
                await engine.ConnectAsync(new UnixDomainSocketEndPoint(EngineSocket), _stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                client.Dispose();
                engine.Dispose();
                continue;
            }

            var connection = new Connection(this, client, engine);
            Task down = PumpAsync(engine, client, connection, upstream: false);
            connection.Downstream = down;
            _ = PumpAsync(client, engine, connection, upstream: true);
        }
    }

    /// <summary>
    /// Copies one direction until its end (then half-closes the other side) or until the proxy stops. The upstream pump
    /// (client to engine) watches for an armed hold's upload; once it holds, both directions wait for the test.
    /// </summary>
    private async Task PumpAsync(Socket from, Socket to, Connection connection, bool upstream)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (upstream && read > 0)
                {
                    connection.Watch(buffer.AsSpan(0, read));
                }

                if (!upstream && connection.Hold is { } held)
                {
                    await held.ResumedAsync(_stop.Token);
                }

                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
                if (upstream && connection.Hold is { } hold && !hold.Started.IsCompleted)
                {
                    hold.Begin(connection);
                    await hold.ResumedAsync(_stop.Token);
                    if (hold.WasCut)
                    {
                        return;
                    }
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The proxy stopped, or a side closed (or reset): the other side sees the end, as it would without the proxy.
            try
            {
                to.Shutdown(SocketShutdown.Send);
            }
            catch (Exception ignored) when (ignored is SocketException or ObjectDisposedException)
            {
            }
        }
    }

    /// <summary>One client connection and its engine connection; finds the held upload in the client's bytes.</summary>
    internal sealed class Connection(EngineProxy proxy, Socket client, Socket engine)
    {
        private readonly StringBuilder _window = new();
        private long _bodyBytes = -1; // -1: no held PUT's head seen yet on this connection

        public Socket Client => client;

        public Socket Engine => engine;

        public Task Downstream { get; set; } = Task.CompletedTask;

        public UploadHold? Hold { get; private set; }

        /// <summary>Looks for <c>PUT /...archive...</c> and its head's end, then counts body bytes up to the hold's size.</summary>
        public void Watch(ReadOnlySpan<byte> bytes)
        {
            if (Hold is not null)
            {
                return;
            }

            if (_bodyBytes >= 0)
            {
                _bodyBytes += bytes.Length;
                TakeHoldIfDue();
                return;
            }

            if (Volatile.Read(ref proxy._armed) is null)
            {
                return;
            }

            _window.Append(Encoding.Latin1.GetString(bytes));
            string text = _window.ToString();
            int put = text.IndexOf("PUT /", StringComparison.Ordinal);
            int headEnd = put < 0 ? -1 : text.IndexOf("\r\n\r\n", put, StringComparison.Ordinal);
            if (put >= 0 && headEnd > put && text.AsSpan(put, headEnd - put).Contains("/archive", StringComparison.Ordinal))
            {
                _bodyBytes = text.Length - (headEnd + 4);
                TakeHoldIfDue();
            }
            else if (_window.Length > 64 * 1024)
            {
                _window.Remove(0, _window.Length - 16 * 1024);
            }
        }

        private void TakeHoldIfDue()
        {
            UploadHold? armed = Volatile.Read(ref proxy._armed);
            if (armed is not null && _bodyBytes >= armed.BodyBytes && Interlocked.CompareExchange(ref proxy._armed, null, armed) == armed)
            {
                Hold = armed;
            }
        }
    }

    /// <summary>An upload stopped by the proxy; see <see cref="HoldNextUpload"/>.</summary>
    public sealed class UploadHold
    {
        /// <summary>How long the engine may take to answer or close a released or cut upload before the test fails.</summary>
        private static readonly TimeSpan EngineDoneTimeout = TimeSpan.FromMinutes(2);

        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _resumed = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Connection? _connection;

        internal UploadHold(int bodyBytes) => BodyBytes = bodyBytes;

        internal int BodyBytes { get; }

        internal bool WasCut { get; private set; }

        /// <summary>Completes once the upload's body has started (the first bytes are in the engine) and is held.</summary>
        public Task Started => _started.Task;

        internal void Begin(Connection connection)
        {
            _connection = connection;
            _started.TrySetResult();
        }

        internal Task ResumedAsync(CancellationToken ct) => _resumed.Task.WaitAsync(ct);

        /// <summary>
        /// Lets the held connection go on as it would have: what the client wrote (or its close) reaches the engine, and the
        /// engine's answer the client. Returns once the engine has answered or closed that connection: whatever the engine
        /// made of the upload is done.
        /// </summary>
        public async Task ReleaseAsync()
        {
            Connection connection = _connection ?? throw new InvalidOperationException("The upload has not started.");
            _resumed.TrySetResult();
            await connection.Downstream.WaitAsync(EngineDoneTimeout);
        }

        /// <summary>
        /// Breaks the upload off as a dropped connection does: the client's side is closed (its next write fails) and the
        /// engine sees the body end early. Returns once the engine has answered or closed that connection.
        /// </summary>
        public async Task CutAsync()
        {
            Connection connection = _connection ?? throw new InvalidOperationException("The upload has not started.");
            WasCut = true;
            connection.Client.Dispose();
            connection.Engine.Shutdown(SocketShutdown.Send);
            _resumed.TrySetResult();
            await connection.Downstream.WaitAsync(EngineDoneTimeout);
            connection.Engine.Dispose();
        }
    }
}
