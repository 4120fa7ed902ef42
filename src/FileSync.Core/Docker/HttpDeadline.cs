namespace FileSync.Docker;

/// <summary>
/// The bound on one connection's current wait for the engine: armed before a wait (the response's headers, a read of the
/// body, a write of the upload) and disarmed after it, so that it measures the engine's silence, never the time spent
/// elsewhere (reading source files) and never a transfer's total time. One timer per connection, re-armed in place:
/// cheap on a cold start and for a multi-GB upload alike.
/// </summary>
internal sealed class HttpDeadline(DockerTimeouts timeouts)
{
    // Never disposed: a caller's token may still be linked to it while the connection is torn down; nothing but a timer
    // that is not running is held.
    private CancellationTokenSource _source = new();

    /// <summary>Cancelled when the bound passes, or when the caller's token is (see <see cref="Link"/>).</summary>
    public CancellationToken Token => _source.Token;

    /// <summary>The bound that is armed (or was, when it passed).</summary>
    public DockerBound Bound { get; private set; }

    /// <summary>With <see cref="DockerBound.Stall"/>: what is waiting, for messages.</summary>
    public string Activity { get; private set; } = "";

    public bool Passed => _source.IsCancellationRequested;

    public int Seconds => (int)Math.Ceiling(timeouts.For(Bound).TotalSeconds);

    public void Arm(DockerBound bound, string activity = "")
    {
        Bound = bound;
        Activity = activity;
        _source.CancelAfter(timeouts.For(bound));
    }

    public void Disarm() => _source.CancelAfter(Timeout.InfiniteTimeSpan);

    /// <summary>Ends the current wait now (the engine answered in the middle of an upload).</summary>
    public void Stop() => _source.Cancel();

    /// <summary>The caller's cancellation also ends the wait (one token for the socket call; no linked source per call).</summary>
    public CancellationTokenRegistration Link(CancellationToken ct) =>
        ct.CanBeCanceled ? ct.UnsafeRegister(static source => ((CancellationTokenSource)source!).Cancel(), _source) : default;

    /// <summary>After a bound passed with nothing waiting any more (the engine's early answer is still to be read): a fresh timer.</summary>
    public void Renew()
    {
        if (_source.IsCancellationRequested)
        {
            _source = new CancellationTokenSource();
        }
    }
}
