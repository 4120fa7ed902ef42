using System.Net.Sockets;
using System.Text;

namespace FileSync.Launcher;

/// <summary>
/// How a sync asks the running launcher to restart the app: <c>dotnet filesync-launcher.dll --fsync-restart -- paths</c>,
/// exec'd in the container (Docker exec, or kubectl exec later: no Docker-only API, no shell, no kill binary), connects
/// to the launcher's Unix socket, sends the synced paths and waits until the new child has started.
/// </summary>
internal static class RestartChannel
{
    private const int MaxRequestBytes = 1024 * 1024;

    /// <summary>$FILESYNC_LAUNCHER_SOCKET, else filesync-launcher.sock in the temp folder (the container's /tmp).</summary>
    public static string DefaultPath =>
        Environment.GetEnvironmentVariable("FILESYNC_LAUNCHER_SOCKET") is { Length: > 0 } path ? path : Path.Combine(Path.GetTempPath(), "filesync-launcher.sock");

    /// <summary>
    /// The client: 0 once the app was restarted, 3 when no launcher listens, 1 when it refused or went away. Blocking
    /// calls only: it runs in a process started for this one exchange, on the restart's critical path, where async
    /// sockets would first start the thread pool and the socket event loop (two threads, ~2 ms of CPU measured).
    /// </summary>
    public static int Request(string socketPath, IReadOnlyList<string> paths, TextWriter output, TextWriter error)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
        }
        catch (SocketException e)
        {
            error.WriteLine($"filesync-launcher: no launcher is running here (nothing answers on {socketPath}: {e.Message}); start the app with 'dotnet filesync-launcher.dll app.dll'");
            return 3;
        }

        string answer;
        try
        {
            socket.Send(Encoding.UTF8.GetBytes(string.Join('\0', paths))); // a blocking send on a stream socket sends it all
            socket.Shutdown(SocketShutdown.Send);
            answer = ReadToEnd(socket);
        }
        catch (SocketException e)
        {
            error.WriteLine($"filesync-launcher: the launcher on {socketPath} closed the request without an answer ({e.Message})");
            return 1;
        }

        if (answer.StartsWith("ok", StringComparison.Ordinal))
        {
            output.WriteLine("filesync-launcher: " + answer.Trim());
            return 0;
        }

        error.WriteLine("filesync-launcher: " + (answer.Length == 0 ? "the launcher closed the request without an answer" : answer.Trim()));
        return 1;
    }

    /// <summary>Binds the launcher's socket (replacing a stale one).</summary>
    public static Socket Listen(string socketPath)
    {
        File.Delete(socketPath); // a stale socket from before a container restart (the writable layer keeps /tmp)
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(socketPath));
        socket.Listen(4);
        return socket;
    }

    /// <summary>
    /// The server: answers each request with what <paramref name="restart"/> says. Clients are served side by side (the
    /// restarts themselves queue on the supervisor's gate), so one that connects and stays silent holds up nobody; it
    /// is dropped after <see cref="RequestTimeout"/>.
    /// </summary>
    public static async Task ServeAsync(Socket listener, Func<IReadOnlyList<string>, Task<string>> restart, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client = await listener.AcceptAsync(cancellationToken).ConfigureAwait(false);
            _ = AnswerAsync(client, restart, cancellationToken);
        }
    }

    /// <summary>How long a requester may take to send its request (the paths are sent at once; a real one takes microseconds).</summary>
    internal static TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);

    private static async Task AnswerAsync(Socket client, Func<IReadOnlyList<string>, Task<string>> restart, CancellationToken cancellationToken)
    {
        using (client)
        {
            string answer;
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(RequestTimeout);
                string request = await ReadToEndAsync(client, timeout.Token).ConfigureAwait(false);
                answer = await restart(request.Length == 0 ? [] : request.Split('\0')).ConfigureAwait(false);
            }
            catch (Exception e) when (e is SocketException or IOException or InvalidDataException or OperationCanceledException)
            {
                return; // the requester went away or never spoke: nothing to answer
            }

            try
            {
                await client.SendAsync(Encoding.UTF8.GetBytes(answer + "\n"), SocketFlags.None).ConfigureAwait(false);
            }
            catch (SocketException)
            {
            }
        }
    }

    private static string ReadToEnd(Socket socket)
    {
        var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = socket.Receive(chunk)) > 0)
        {
            buffer.Write(chunk, 0, read);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static async Task<string> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new MemoryStream();
        byte[] chunk = new byte[16 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(chunk, SocketFlags.None, cancellationToken).ConfigureAwait(false)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxRequestBytes)
            {
                throw new InvalidDataException("request too large");
            }
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
