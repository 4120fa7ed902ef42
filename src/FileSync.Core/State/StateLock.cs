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
        DateTime deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);

                // FileShare.None takes an exclusive advisory lock (flock) on Unix and a share lock on Windows.
                return new StateLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, FileOptions.None));
            }
            catch (IOException e) when (IsHeldByAnother(e) && DateTime.UtcNow < deadline)
            {
                // Another build holds it: wait a little and try again (product retry, not test synchronisation).
                await Task.Delay(25, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException e) when (IsHeldByAnother(e))
            {
                throw new FileSyncException(Diag.StateLocked(statePath, (int)timeout.TotalSeconds));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Not contention: the folder is a file, not writable by this user (left by root), the disk is full...
                throw new FileSyncException(Diag.StateLockFailed(path, e.Message), e);
            }
        }
    }

    /// <summary>Only "someone else holds the lock" is worth waiting for: EWOULDBLOCK from flock on Unix, a sharing
    /// violation on Windows. Any other I/O error (EISDIR, EACCES, ENOSPC, ...) will not go away by waiting.</summary>
    private static bool IsHeldByAnother(IOException e)
    {
        const int EWouldBlock = 11, WindowsSharingViolation = unchecked((int)0x80070020), WindowsLockViolation = unchecked((int)0x80070021);
        return e.GetType() == typeof(IOException) && e.HResult is EWouldBlock or WindowsSharingViolation or WindowsLockViolation;
    }

    public void Dispose() => _stream.Dispose();
}
