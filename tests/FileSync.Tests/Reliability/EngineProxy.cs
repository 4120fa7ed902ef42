using System.Net.Sockets;

namespace FileSync.Tests.Reliability;

/// <summary>
/// A stand-in for the Docker engine's socket that a test can stop and start: a Unix-socket proxy that forwards every
/// connection to the real engine. Stopping it closes the listener and every connection and removes the socket file, as an
/// engine restart does; starting a new one on the same path brings the "engine" back.
/// </summary>
internal sealed class EngineProxy : IAsyncDisposable
{
    private const string EngineSocket = "/var/run/docker.sock";

    private readonly Socket _listener;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _connections = [];
    private readonly Task _accepting;

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

    /// <summary>Listens on <paramref name="path"/> (replacing a socket file left there) and forwards to the engine.</summary>
    public static EngineProxy Start(string path) => new(path);

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

            _ = PumpAsync(client, engine);
            _ = PumpAsync(engine, client);
        }
    }

    /// <summary>Copies one direction until its end (then half-closes the other side) or until the proxy stops.</summary>
    private async Task PumpAsync(Socket from, Socket to)
    {
        byte[] buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                int read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // the proxy stopped, or a side closed: the other pump ends too
        }
    }
}
