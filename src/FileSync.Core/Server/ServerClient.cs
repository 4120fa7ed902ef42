using System.Net.Sockets;
using FileSync.Diagnostics;
using FileSync.Jobs;

namespace FileSync.Server;

/// <summary>How the task reaches the sync server; the settings come from FileSync.targets.</summary>
internal sealed record ServerOptions(string? ServerAssembly, string? DotnetHost, double IdleMinutes);

/// <summary>
/// The task's side of the sync server (the compiler server's pattern): hands it the request and replays its log
/// lines. Any trouble (no server, another version, another user, no answer, a server that dies mid-request) returns
/// null and the task syncs in-process: the state under obj/filesync/, taken under its lock by either side, is the
/// truth, so a request the server half did is finished or redone safely. Never throws but for cancellation.
/// </summary>
internal sealed class ServerClient(ServerEndpoint endpoint, ServerOptions options, ILog log)
{
    /// <summary>The server sends a heartbeat every second while it works; this long without a frame is a hung server.</summary>
    internal static TimeSpan AnswerBound { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Blocking calls with timeouts on one socket: in the build's cold process, the async socket engine (its
    /// threads, its telemetry) would cost more than the whole request.</summary>
    public SyncResult? TrySync(SyncRequest request, CancellationToken cancellationToken)
    {
        if (endpoint.EnsurePrivateFolder() is { } problem)
        {
            log.Warning(Diag.ServerFolderUnsafe(endpoint.Folder, problem));
            return null;
        }

        // The rule items by fingerprint: the server asks for them only when it does not hold that set (NeedRules).
        Planning.Hash128 fingerprint = Frames.Fingerprint(request.Rules);
        using Socket? socket = Connect();
        if (socket is null)
        {
            Start("no server was running");
            return null;
        }

        if (!ServerNative.TryPeer(socket, out int pid, out uint uid) || uid != ServerNative.EffectiveUid)
        {
            log.Warning(Diag.ServerOtherUser(endpoint.SocketPath, uid == uint.MaxValue ? "an unknown user" : "uid " + uid));
            return null;
        }

        // Ctrl+C closes the socket: the blocked read ends, and the server cancels the job when it sees the hang-up.
        using CancellationTokenRegistration cancel = cancellationToken.Register(socket.Dispose);
        using var stream = new NetworkStream(socket, ownsSocket: false);
        var held = new List<(bool Error, Diagnostic Diagnostic)>(); // replayed once the result arrives: a server that dies first leaves no error behind
        try
        {
            SyncRequest named = request with { Rules = [], RulesFingerprint = fingerprint };
            Frames.Write(stream, FrameKind.Sync, w => { w.Write(endpoint.Key); Frames.WriteRequest(w, named); });
            while (true)
            {
                if (Frames.Read(stream) is not { } frame)
                {
                    Lost(pid, "it closed the connection before the result");
                    return null;
                }

                using BinaryReader reader = frame.Reader();
                switch (frame.Kind)
                {
                    case FrameKind.Heartbeat:
                        break;
                    case FrameKind.NeedRules:
                        Frames.Write(stream, FrameKind.Rules, w => w.Write(Frames.EncodeItems(request.Rules).Encoded));
                        break;
                    case FrameKind.Message:
                        (reader.ReadBoolean() ? (Action<string>)log.Summary : log.Detail)(reader.ReadString());
                        break;
                    case FrameKind.Warning or FrameKind.Error:
                        held.Add((frame.Kind == FrameKind.Error, new Diagnostic(reader.ReadString(), reader.ReadString(), Frames.ReadString(reader))));
                        break;
                    case FrameKind.Stale:
                        log.Detail(Diag.ServerStale(endpoint.SocketPath, pid, reader.ReadString(), endpoint.Key).ToString());
                        _ = ShutdownAsync(endpoint, cancellationToken).GetAwaiter().GetResult(); // makes room: the next sync starts this build's
                        return null;
                    case FrameKind.Result:
                        SyncResult result = Frames.ReadResult(reader);
                        foreach ((bool error, Diagnostic diagnostic) in held)
                        {
                            (error ? (Action<Diagnostic>)log.Error : log.Warning)(diagnostic);
                        }

                        if (log.ShowsDetail)
                        {
                            // Only then: the resources are not loaded on a warm sync that succeeds at normal verbosity.
                            log.Detail(Diag.ServerSynced(pid, endpoint.SocketPath).ToString());
                        }

                        return result;
                    default:
                        Lost(pid, $"it sent a frame of unknown kind {(int)frame.Kind}");
                        return null;
                }
            }
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException { InnerException: SocketException { SocketErrorCode: SocketError.TimedOut or SocketError.WouldBlock } })
        {
            ServerNative.Kill(pid);
            log.Detail(Diag.ServerHung(pid, endpoint.SocketPath, (int)AnswerBound.TotalSeconds).ToString());
            Start("the server that did not answer was ended");
            return null;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is IOException or SocketException or InvalidDataException or EndOfStreamException or ObjectDisposedException)
        {
            Lost(pid, e.Message);
            return null;
        }
        catch (Exception e) when (cancellationToken.IsCancellationRequested && e is IOException or SocketException or ObjectDisposedException)
        {
            throw new OperationCanceledException(cancellationToken);
        }
    }

    /// <summary>Asks the server of this key to exit once its requests are done; returns its pid, or null when none answers.</summary>
    public static async Task<int?> ShutdownAsync(ServerEndpoint endpoint, CancellationToken cancellationToken)
    {
        using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(AnswerBound);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(endpoint.SocketPath), bound.Token).ConfigureAwait(false);
            if (!ServerNative.TryPeer(socket, out _, out uint uid) || uid != ServerNative.EffectiveUid)
            {
                return null;
            }

            using var stream = new NetworkStream(socket, ownsSocket: false);
            await Frames.WriteAsync(stream, FrameKind.Shutdown, w => w.Write(endpoint.Key), bound.Token).ConfigureAwait(false);
            Frame? answer = await Frames.ReadAsync(stream, bound.Token).ConfigureAwait(false);
            return answer is { Kind: FrameKind.ShuttingDown } frame ? frame.Reader().ReadInt32() : null;
        }
        catch (Exception e) when (e is SocketException or IOException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    private void Lost(int pid, string reason)
    {
        log.Detail(Diag.ServerLost(pid, endpoint.SocketPath, reason).ToString());
        Start("the server stopped mid-request");
    }

    /// <summary>Null when nobody listens (no socket file, or one a dead server left).</summary>
    private Socket? Connect()
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
        {
            ReceiveTimeout = (int)AnswerBound.TotalMilliseconds,
            SendTimeout = (int)AnswerBound.TotalMilliseconds,
        };
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(endpoint.SocketPath));
            return socket;
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>Starts a server in the background for the next builds; this sync runs in-process meanwhile.</summary>
    private void Start(string why)
    {
        if (ServerStarter.TryStart(endpoint, options, out int pid, out string? problem))
        {
            log.Detail(Diag.ServerStarted(pid, endpoint.SocketPath, why, options.IdleMinutes.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToString());
        }
        else
        {
            log.Detail(Diag.ServerNotStarted(options.ServerAssembly ?? "(none)", problem!).ToString());
        }
    }
}
