using System.Net.Sockets;
using FileSync.Diagnostics;
using FileSync.Jobs;

namespace FileSync.Server;

/// <summary>
/// One client of the sync server: checks who it is (its uid must be the server's), reads its request and runs the
/// sync job, streaming every log line back as a frame, with a heartbeat each second so the client can tell a busy
/// server from a hung one. A client that goes away cancels its job (as Ctrl+C cancels an in-process sync).
/// </summary>
internal sealed class ServerConnection(SyncServer server, Socket socket)
{
    private static readonly TimeSpan RequestBound = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SendBound = TimeSpan.FromSeconds(60);
    private readonly object _gate = new();
    private readonly CancellationTokenSource _gone = new();
    private NetworkStream? _stream;

    public async Task HandleAsync()
    {
        var clock = System.Diagnostics.Stopwatch.StartNew(); // the client writes its request as soon as it is connected
        TimeSpan cpu = ProcessorTime();
        using (socket)
        {
            if (!ServerNative.TryPeer(socket, out int peerPid, out uint peerUid) || peerUid != ServerNative.EffectiveUid)
            {
                server.Note($"refused a connection from uid {(peerUid == uint.MaxValue ? "unknown" : peerUid)} (pid {peerPid}): only uid {ServerNative.EffectiveUid} is served");
                return;
            }

            // A build that stops reading (suspended) must not keep its job, and the state lock it holds, forever.
            socket.SendTimeout = (int)SendBound.TotalMilliseconds;
            using var stream = new NetworkStream(socket, ownsSocket: false);
            _stream = stream;
            try
            {
                using var bound = new CancellationTokenSource(RequestBound);
                if (await Frames.ReadAsync(stream, bound.Token).ConfigureAwait(false) is not { } frame)
                {
                    return;
                }

                using BinaryReader reader = frame.Reader();
                string key = reader.ReadString();
                if (frame.Kind == FrameKind.Shutdown)
                {
                    Send(FrameKind.ShuttingDown, w => w.Write(ServerNative.ProcessId));
                    server.Stop($"asked by pid {peerPid}");
                }
                else if (frame.Kind == FrameKind.Sync && key != server.Endpoint.Key)
                {
                    Send(FrameKind.Stale, w => w.Write(server.Endpoint.Key));
                }
                else if (frame.Kind == FrameKind.Sync)
                {
                    SyncRequest request = await WithRulesAsync(Frames.ReadRequest(reader), stream).ConfigureAwait(false);
                    await SyncAsync(request, clock, cpu).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidDataException or EndOfStreamException or OperationCanceledException or ObjectDisposedException)
            {
                server.Note($"a request of pid {peerPid} ended early: {e.Message}");
            }
            catch (Exception e)
            {
                // A defect: the client sees the connection close and syncs in-process; the server keeps serving.
                server.Note($"a request of pid {peerPid} failed: {e}");
            }
        }
    }

    /// <summary>The request with its rule items: those it named by fingerprint come from the server's sets, or, when
    /// it does not hold them, from the client, asked for them.</summary>
    private async Task<SyncRequest> WithRulesAsync(SyncRequest request, NetworkStream stream)
    {
        if (request.RulesFingerprint is not { } fingerprint)
        {
            return request;
        }

        if (!server.RuleItems.TryGet(fingerprint, out RequestItem[]? items))
        {
            Send(FrameKind.NeedRules, _ => { });
            using var bound = new CancellationTokenSource(RequestBound);
            Frame? frame = await Frames.ReadAsync(stream, bound.Token).ConfigureAwait(false);
            if (frame is not { Kind: FrameKind.Rules } rules)
            {
                throw new InvalidDataException(frame is null ? "the client left before sending the rule items" : $"a frame of kind {(int)frame.Value.Kind} where the rule items belong");
            }

            items = Frames.DecodeItems(rules.Payload, fingerprint);
            server.RuleItems.Add(fingerprint, items);
        }

        return request with { Rules = items, RulesFingerprint = null };
    }

    /// <summary>The server's CPU time so far (all threads): what a sync cost it, whatever else runs on the machine.</summary>
    private static TimeSpan ProcessorTime()
    {
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private async Task SyncAsync(SyncRequest request, System.Diagnostics.Stopwatch clock, TimeSpan cpu)
    {
        long read = clock.ElapsedMilliseconds;
        _ = WatchForHangUpAsync();
        using var heartbeat = new Timer(_ => TrySend(FrameKind.Heartbeat, _ => { }), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var log = new FrameLog(this, request.Detailed);
        using IDisposable? taken = server.Journals.TryTake(request, log, out ContextJournal? journal);
        Planning.SourceScanner? scanner = null;
        if (journal is not null)
        {
            log.Detail(await journal.PrepareAsync(_gone.Token).ConfigureAwait(false));
            scanner = journal.Scanner;
            scanner.Log = log;
        }

        var job = new SyncJob(request, log, server.ClientsFor(request, log)) { Scanner = scanner, States = server.States };
        SyncResult result = await job.RunAsync(_gone.Token).ConfigureAwait(false);
        log.Detail($"FileSync: sync server: request of {request.Rules.Count} rule item(s) read in {read} ms, synced in {clock.ElapsedMilliseconds} ms ({(ProcessorTime() - cpu).TotalMilliseconds:0} ms of CPU)");
        Send(FrameKind.Result, w => Frames.WriteResult(w, result));
    }

    /// <summary>The client sends nothing after its request: the end of its stream means it is gone (build cancelled, killed).</summary>
    private async Task WatchForHangUpAsync()
    {
        byte[] buffer = new byte[1];
        try
        {
            while (await _stream!.ReadAsync(buffer).ConfigureAwait(false) > 0)
            {
            }
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
        }

        _gone.Cancel();
    }

    private string? CrashAt => server.CrashAt;

    private void Send(FrameKind kind, Action<BinaryWriter> payload)
    {
        lock (_gate)
        {
            Frames.Write(_stream!, kind, payload);
        }
    }

    private void TrySend(FrameKind kind, Action<BinaryWriter> payload)
    {
        try
        {
            Send(kind, payload);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            _gone.Cancel(); // the client is gone: stop its job where it can stop
        }
    }

    /// <summary>The job's log, as frames to the client (which logs them to MSBuild with the same codes and importance).</summary>
    private sealed class FrameLog(ServerConnection connection, bool detailed) : ILog
    {
        public bool ShowsDetail => detailed;

        public void Summary(string message) => Message(true, message);

        public void Detail(string message) => Message(false, message);

        public void Warning(Diagnostic diagnostic) => connection.TrySend(FrameKind.Warning, w => WriteDiagnostic(w, diagnostic));

        public void Error(Diagnostic diagnostic) => connection.TrySend(FrameKind.Error, w => WriteDiagnostic(w, diagnostic));

        private void Message(bool summary, string message)
        {
            if (connection.CrashAt is { Length: > 0 } crashAt && message.Contains(crashAt, StringComparison.Ordinal))
            {
                ServerNative.Kill(ServerNative.ProcessId);
            }

            if (!summary && !detailed)
            {
                return; // the build does not show them
            }

            connection.TrySend(FrameKind.Message, w => { w.Write(summary); w.Write(message); });
        }

        private static void WriteDiagnostic(BinaryWriter w, Diagnostic diagnostic)
        {
            w.Write(diagnostic.Code);
            w.Write(diagnostic.Message);
            Frames.WriteString(w, diagnostic.File);
        }
    }
}
