using System.Net.Sockets;

namespace FileSync.EndToEnd.Tests.Endpoints;

/// <summary>
/// A named pipe as .NET makes one on Linux (a Unix socket <c>CoreFxPipe_&lt;name&gt;</c> in the temp folder, which is
/// where <c>NamedPipeClientStream</c> connects), forwarding every connection byte for byte to the real engine's socket:
/// what Docker Desktop's <c>\\.\pipe\docker_engine</c> is on Windows.
/// </summary>
internal sealed class PipeProxy : IDisposable
{
    private readonly Socket _listener = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
    private readonly CancellationTokenSource _stop = new();
    private readonly string _engineSocket;
    private int _connections;

    public PipeProxy(string engineSocket = "/var/run/docker.sock")
    {
        _engineSocket = engineSocket;
        Name = "filesync-e2e-" + Guid.NewGuid().ToString("N")[..12];
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "CoreFxPipe_" + Name);
        _listener.Bind(new UnixDomainSocketEndPoint(Path));
        _listener.Listen(16);
        _ = AcceptAsync();
    }

    /// <summary>The pipe's name: <c>npipe:////./pipe/{Name}</c>.</summary>
    public string Name { get; }

    public string Path { get; }

    /// <summary>How many connections came through the pipe.</summary>
    public int Connections => Volatile.Read(ref _connections);

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Dispose();
        File.Delete(Path);
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
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

            Interlocked.Increment(ref _connections);
            _ = ForwardAsync(client);
        }
    }

    private async Task ForwardAsync(Socket client)
    {
        using (client)
        using (var engine = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            try
            {
                await engine.ConnectAsync(new UnixDomainSocketEndPoint(_engineSocket), _stop.Token);
                await Task.WhenAny(PumpAsync(client, engine), PumpAsync(engine, client));
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or IOException or ObjectDisposedException)
            {
            }
        }
    }

    private async Task PumpAsync(Socket from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int n;
            while ((n = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token)) > 0)
            {
                await to.SendAsync(buffer.AsMemory(0, n), SocketFlags.None, _stop.Token);
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
