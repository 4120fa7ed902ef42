using FileSync.Kubernetes;

namespace FileSync.Tests.Kubernetes;

/// <summary>An API server that stops taking the upload's input ends the upload with a reason, never a hang.</summary>
public sealed class StallGuardStreamTests
{
    /// <summary>A stream whose writes never complete until cancelled (an exec whose peer stopped reading).</summary>
    private sealed class SilentStream : MemoryStream
    {
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            await Task.Delay(Timeout.Infinite, cancellationToken);
    }

    [Fact]
    public async Task A_write_that_makes_no_progress_within_the_bound_fails_with_the_reason()
    {
        using var guarded = new StallGuardStream(new SilentStream(), TimeSpan.FromMilliseconds(50));

        var error = await Assert.ThrowsAsync<KubeApiException>(() => guarded.WriteAsync(new byte[512], TestContext.Current.CancellationToken).AsTask());

        Assert.Contains("took no input", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Writes_that_move_pass_through()
    {
        var inner = new MemoryStream();
        using var guarded = new StallGuardStream(inner, TimeSpan.FromSeconds(30));

        await guarded.WriteAsync(new byte[] { 1, 2, 3 }, TestContext.Current.CancellationToken);

        Assert.Equal([1, 2, 3], inner.ToArray());
    }
}
