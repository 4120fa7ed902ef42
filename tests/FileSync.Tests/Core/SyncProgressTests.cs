using System.Runtime.Versioning;
using FileSync.Archive;
using FileSync.Planning;
using FileSync.State;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>
/// A long upload reports the files and bytes sent so far every interval (FSYNC7050), timed by an injected clock; the
/// summary line stays as it was, and nothing is reported after it.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SyncProgressTests : IDisposable
{
    private const int FileSize = 64 * 1024; // a multiple of the tar block: no padding, so the byte counts are exact
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly ManualClock _clock = new();

    public void Dispose() => _temp.Dispose();

    private IReadOnlyList<SourceFile> Sources()
    {
        string context = _temp.Combine("ctx");
        return new SourceScanner(context, _log).Scan(Directory.EnumerateFiles(context).Order(StringComparer.Ordinal)
            .Select(path => new SyncItem(Path.GetFileName(path), path, "/app/data", null)));
    }

    [Fact]
    public async Task A_slow_upload_reports_files_and_bytes_so_far_each_interval_then_the_usual_summary()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        for (int i = 0; i < 3; i++)
        {
            _temp.Write($"ctx/f{i}.bin", Enumerable.Repeat((byte)('a' + i), FileSize).ToArray());
        }

        _temp.Folder("root/app/data"); // no folder entries: the archive is the three files
        var target = new ThrottledTarget(new DirectoryTarget(_temp.Combine("root"), "/app", null), holdAfter: 512 + FileSize); // f0's header and data
        var options = new SyncOptions(_temp.Combine("obj/filesync")) { Clock = _clock, ProgressInterval = TimeSpan.FromSeconds(2) };

        Task<SyncOutcome> sync = new Syncer(_log).SyncOneAsync(Sources(), target, options, ct);
        await target.Held.Task.WaitAsync(ct);
        _clock.Advance(TimeSpan.FromSeconds(1)); // not yet an interval: nothing
        int before = _log.Summaries.Count;
        _clock.Advance(TimeSpan.FromSeconds(1));
        _clock.Advance(TimeSpan.FromSeconds(2));
        target.Release.SetResult();
        SyncOutcome outcome = await sync;
        _clock.Advance(TimeSpan.FromSeconds(10)); // after the sync: its reporter is gone

        Assert.Equal(0, before);
        string label = Syncer.Label(target);
        Assert.Equal(
            [
                $"FSYNC7050: FileSync: sending to {label}: 1 of 3 file(s), 64.0 KB of 192.0 KB sent so far (2 s). The summary line follows when the sync ends; Ctrl+C cancels it.",
                $"FSYNC7050: FileSync: sending to {label}: 1 of 3 file(s), 64.0 KB of 192.0 KB sent so far (4 s). The summary line follows when the sync ends; Ctrl+C cancels it.",
            ],
            _log.Summaries.Take(2));
        Assert.Matches($@"^FileSync: 3 changed, 0 deleted \(192\.0 KB\) -> {System.Text.RegularExpressions.Regex.Escape(label)} in \d+ ms$", Assert.Single(_log.Summaries.Skip(2)));
        Assert.Equal(3, outcome.Copied);
        Assert.Equal(new string('c', FileSize), File.ReadAllText(_temp.Combine("root/app/data/f2.bin")));
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public async Task A_sync_that_ends_within_the_interval_reports_nothing_but_its_summary()
    {
        _temp.Write("ctx/a.txt", "a\n");
        var options = new SyncOptions(_temp.Combine("obj/filesync")) { Clock = _clock };

        await new Syncer(_log).SyncOneAsync(Sources(), new DirectoryTarget(_temp.Folder("root"), "/app", null), options, TestContext.Current.CancellationToken);
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.StartsWith("FileSync: 1 changed", Assert.Single(_log.Summaries), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromSeconds(2), Assert.Single(_clock.Periods));
    }

    /// <summary>A target whose upload stops, once <c>holdAfter</c> archive bytes went through, until the test releases it.</summary>
    private sealed class ThrottledTarget(ISyncTarget inner, long holdAfter) : ISyncTarget
    {
        public TaskCompletionSource Held { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Kind => inner.Kind;

        public string DisplayName => inner.DisplayName;

        public string InstanceId => inner.InstanceId;

        public string? WorkingDirectory => inner.WorkingDirectory;

        public Task<FileOwner> ResolveDefaultOwnerAsync(SyncState state, CancellationToken cancellationToken) => inner.ResolveDefaultOwnerAsync(state, cancellationToken);

        public Task<PathKind> StatAsync(string path, CancellationToken cancellationToken) => inner.StatAsync(path, cancellationToken);

        public Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken) =>
            inner.UploadAsync(root, (stream, token) => writeArchive(new HoldingStream(stream, holdAfter, Held, Release.Task), token), cancellationToken);

        public Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken) => inner.DeleteAsync(paths, cancellationToken);

        public Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken) => inner.RemoveFoldersAsync(folders, cancellationToken);
    }

    private sealed class HoldingStream(Stream inner, long holdAfter, TaskCompletionSource held, Task release) : Stream
    {
        private long _written;

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => _written; set => throw new NotSupportedException(); }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await HoldAsync(cancellationToken);
            await inner.WriteAsync(buffer, cancellationToken);
            _written += buffer.Length;
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => WriteAsync(buffer, offset, count).GetAwaiter().GetResult();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        private async Task HoldAsync(CancellationToken cancellationToken)
        {
            if (_written >= holdAfter && !release.IsCompleted)
            {
                held.TrySetResult();
                await release.WaitAsync(cancellationToken);
            }
        }
    }
}

/// <summary>A clock that moves only when a test says so, firing the timers that fall due on the test's thread.</summary>
internal sealed class ManualClock : TimeProvider
{
    private readonly object _gate = new();
    private readonly List<ManualTimer> _timers = [];
    private long _now;

    /// <summary>The period of every timer created, in order.</summary>
    public List<TimeSpan> Periods { get; } = [];

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override long GetTimestamp()
    {
        lock (_gate)
        {
            return _now;
        }
    }

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        lock (_gate)
        {
            var timer = new ManualTimer(this, callback, state, _now + dueTime.Ticks, period);
            _timers.Add(timer);
            Periods.Add(period);
            return timer;
        }
    }

    public void Advance(TimeSpan by)
    {
        long end;
        lock (_gate)
        {
            end = _now + by.Ticks;
        }

        while (true)
        {
            ManualTimer? next;
            lock (_gate)
            {
                next = _timers.Where(timer => timer.Due <= end).MinBy(timer => timer.Due);
                if (next is null)
                {
                    _now = end;
                    return;
                }

                _now = next.Due;
                next.Due = next.Period > TimeSpan.Zero ? next.Due + next.Period.Ticks : long.MaxValue;
            }

            next.Fire();
        }
    }

    private void Remove(ManualTimer timer)
    {
        lock (_gate)
        {
            _timers.Remove(timer);
        }
    }

    private sealed class ManualTimer(ManualClock clock, TimerCallback callback, object? state, long due, TimeSpan period) : ITimer
    {
        public long Due { get; set; } = due;

        public TimeSpan Period { get; } = period;

        public void Fire() => callback(state);

        public bool Change(TimeSpan dueTime, TimeSpan period) => throw new NotSupportedException();

        public void Dispose() => clock.Remove(this);

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
