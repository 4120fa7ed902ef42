using FileSync.Archive;
using FileSync.Diagnostics;

namespace FileSync;

/// <summary>
/// Reports a long upload while it runs: every <c>interval</c> (the first after one interval, so a quick sync prints
/// nothing), one line with the files and content bytes sent so far. The clock is injected, so tests fire it.
/// Disposing stops it before the summary line: no report comes after it.
/// </summary>
internal sealed class SyncProgress : IDisposable
{
    private readonly object _gate = new();
    private readonly ILog _log;
    private readonly ArchiveResult _sent;
    private readonly string _label;
    private readonly int _files;
    private readonly long _bytes;
    private readonly TimeProvider _clock;
    private readonly long _started;
    private readonly ITimer _timer;
    private bool _stopped;

    public SyncProgress(ILog log, ArchiveResult sent, string label, int files, long bytes, TimeProvider clock, TimeSpan interval)
    {
        (_log, _sent, _label, _files, _bytes, _clock) = (log, sent, label, files, bytes, clock);
        _started = clock.GetTimestamp();
        _timer = clock.CreateTimer(_ => Report(), null, interval, interval);
    }

    private void Report()
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }

            int seconds = (int)_clock.GetElapsedTime(_started).TotalSeconds;
            _log.Summary(Diag.SyncProgress(_label, _sent.FilesWritten, _files, Syncer.FormatBytes(_sent.Streamed), Syncer.FormatBytes(_bytes), seconds).ToString());
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopped = true;
        }

        _timer.Dispose();
    }
}
