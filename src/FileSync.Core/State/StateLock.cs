using FileSync.Diagnostics;

namespace FileSync.State;

/// <summary>
/// An exclusive lock beside a state file, so two builds syncing the same target take turns instead of losing an
/// update. The OS drops the lock when the process dies, so a killed build never leaves it stuck.
/// </summary>
internal sealed class StateLock : IDisposable
{
    private readonly FileStream _stream;

    private StateLock(FileStream stream) => _stream = stream;

    public static async Task<StateLock> AcquireAsync(string statePath, TimeSpan timeout, CancellationToken cancellationToken)
    {
        string path = statePath + ".lock";
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                // FileShare.None takes an exclusive advisory lock (flock) on Unix and a share lock on Windows.
                return new StateLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                // Another build holds it: wait a little and try again (product retry, not test synchronisation).
                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                throw new FileSyncException(Diag.StateLocked(statePath, (int)timeout.TotalSeconds));
            }
        }
    }

    public void Dispose() => _stream.Dispose();
}
