using System.Net;
using System.Net.Sockets;
using System.Text;
using FileSync.Docker;

namespace FileSync.Tests.Docker;

/// <summary>
/// An endpoint that misbehaves on purpose, on 127.0.0.1 or a Unix socket: each accepted connection runs
/// <c>behaviour</c> (read the request head, answer garbage, fall silent, stop reading...). Disposing it closes everything.
/// </summary>
internal sealed class MisbehavingEngine : IAsyncDisposable
{
    private readonly Socket _listener;
    private readonly string? _socketPath;
    private readonly Func<Peer, Task> _behaviour;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _peers = [];
    private readonly Task _accepting;

    public MisbehavingEngine(bool unix, Func<Peer, Task> behaviour)
    {
        _behaviour = behaviour;
        if (unix)
        {
            _socketPath = Path.Combine(Path.GetTempPath(), "filesync-bad-" + Guid.NewGuid().ToString("N")[..12] + ".sock");
            _listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            _listener.Bind(new UnixDomainSocketEndPoint(_socketPath));
            Endpoint = "unix://" + _socketPath;
        }
        else
        {
            _listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            _listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            Endpoint = "tcp://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndPoint!).Port;
        }

        _listener.Listen();
        _accepting = AcceptAsync();
    }

    /// <summary>As FileSyncDockerHost would name it, and as messages show it.</summary>
    public string Endpoint { get; }

    /// <summary>Bytes of request content the behaviours read, over all connections.</summary>
    public long ContentBytes => Interlocked.Read(ref _contentBytes);

    private long _contentBytes;

    public DockerClient Client(DockerTimeouts timeouts, bool tls = false, string? certPath = null) =>
        DockerClient.Create(DockerEndpoint.Parse(Endpoint, tls, certPath), timeouts);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Dispose();
        Task[] peers;
        lock (_peers)
        {
            peers = [.. _peers];
        }

        await Task.WhenAll([_accepting, .. peers]).WaitAsync(TimeSpan.FromSeconds(10));
        if (_socketPath is not null)
        {
            File.Delete(_socketPath);
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await _listener.AcceptAsync(_stop.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            lock (_peers)
            {
                _peers.Add(ServeAsync(socket));
            }
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        await using var stream = new NetworkStream(socket, ownsSocket: true);
        try
        {
            await _behaviour(new Peer(this, stream, _stop.Token));
            await Task.Delay(Timeout.Infinite, _stop.Token); // keep the connection open, silent, until the test ends
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or ObjectDisposedException)
        {
            // The client gave up (the point of these tests), or the test ended.
        }
    }

    /// <summary>One accepted connection, as a behaviour drives it.</summary>
    public sealed class Peer(MisbehavingEngine engine, NetworkStream stream, CancellationToken stopping)
    {
        private readonly byte[] _one = new byte[1];

        public CancellationToken Stopping => stopping;

        /// <summary>Reads up to the blank line that ends the request head; returns the request line.</summary>
        public async Task<string> ReadHeadAsync()
        {
            var head = new StringBuilder();
            while (!head.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                if (await stream.ReadAsync(_one, stopping) == 0)
                {
                    throw new IOException("the client closed the connection");
                }

                head.Append((char)_one[0]);
            }

            return head.ToString()[..head.ToString().IndexOf('\r')];
        }

        /// <summary>Reads up to <paramref name="count"/> bytes of whatever comes (request content, chunk framing included).</summary>
        public async Task<int> ReadSomeAsync(int count)
        {
            byte[] buffer = new byte[count];
            int n = await stream.ReadAsync(buffer, stopping);
            Interlocked.Add(ref engine._contentBytes, n);
            return n;
        }

        /// <summary>Reads the chunked request content to its last chunk, <paramref name="bytes"/> at a time, waiting
        /// <paramref name="pause"/> after each read: slow, but always moving.</summary>
        public async Task ReadChunkedSlowlyAsync(int bytes, TimeSpan pause)
        {
            var tail = new StringBuilder();
            while (!tail.ToString().EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal))
            {
                byte[] buffer = new byte[bytes];
                int n = await stream.ReadAsync(buffer, stopping);
                if (n == 0)
                {
                    throw new IOException("the client closed the connection");
                }

                Interlocked.Add(ref engine._contentBytes, n);
                tail.Append(Encoding.Latin1.GetString(buffer, 0, n));
                tail.Remove(0, Math.Max(0, tail.Length - 16));
                await Task.Delay(pause, stopping);
            }
        }

        public async Task WriteAsync(string raw) => await stream.WriteAsync(Encoding.UTF8.GetBytes(raw), stopping);

        /// <summary>Sends <paramref name="raw"/> a few bytes at a time, waiting <paramref name="pause"/> in between.</summary>
        public async Task TrickleAsync(string raw, int bytes, TimeSpan pause)
        {
            byte[] data = Encoding.UTF8.GetBytes(raw);
            for (int at = 0; at < data.Length; at += bytes)
            {
                await stream.WriteAsync(data.AsMemory(at, Math.Min(bytes, data.Length - at)), stopping);
                await Task.Delay(pause, stopping);
            }
        }

        /// <summary>Closes the connection now (the behaviour then ends).</summary>
        public void Close() => stream.Socket.Shutdown(SocketShutdown.Both);
    }
}
