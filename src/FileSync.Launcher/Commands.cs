using System.Runtime.InteropServices;

namespace FileSync.Launcher;

/// <summary>rm -f and rmdir for images that have neither: argv only, a link is removed itself, never followed.</summary>
internal static partial class Commands
{
    private const int ENOENT = 2;

    /// <summary>
    /// <paramref name="folders"/> false: unlinks files and links (a missing one is fine, a folder is refused, as rm -f).
    /// true: removes empty folders (rmdir). Goes on after a failure; returns 1 if any path failed, naming it on stderr.
    /// </summary>
    public static int Remove(IReadOnlyList<string> paths, bool folders, TextWriter error)
    {
        int status = 0;
        foreach (string path in paths)
        {
            int result = folders ? rmdir(path) : unlink(path);
            int errno = result == 0 ? 0 : Marshal.GetLastPInvokeError();
            if (result == 0 || (!folders && errno == ENOENT))
            {
                continue;
            }

            error.WriteLine($"filesync-launcher: cannot remove '{path}': {Marshal.GetPInvokeErrorMessage(errno)}");
            status = 1;
        }

        return status;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int unlink(string path);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rmdir(string path);

    [LibraryImport("libc", SetLastError = true)]
    internal static partial int kill(int pid, int signal);
}
