using System.Globalization;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Text;
using FileSync.Docker;
using Microsoft.Win32.SafeHandles;
using static FileSync.Targets.UnixAt;

namespace FileSync.Targets;

/// <summary>
/// The '/' of a running container of an engine on this host, reached through <c>/proc/&lt;pid&gt;/root</c>: writing
/// there is what the engine's <c>PUT archive</c> does, without the engine starting a <c>docker-untar</c> process for
/// every archive (most of a one-file sync's time). Used only when this process is root in the same user namespace as
/// the container (ids mean the same on both sides, and root may give files their owner), and only for a process
/// proved to be the container's: its cgroup names the container's id, read through the same pinned
/// <c>/proc/&lt;pid&gt;</c> descriptor that opens the root, so a pid reused by another process (or a pid of a VM behind a
/// forwarded socket) is never written into, and only at the container's root (a process chrooted into a folder of it has
/// another root). Every name below the root is then opened with O_NOFOLLOW
/// (<see cref="UnixFolder"/>), so a link in the container never leads a write out of it.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed partial class ContainerRoot
{
    private readonly int _pid;
    private readonly string _containerId;

    private ContainerRoot(int pid, string containerId)
    {
        _pid = pid;
        _containerId = containerId;
    }

    /// <summary>Where the writes go, for messages.</summary>
    public string Display => string.Create(CultureInfo.InvariantCulture, $"/proc/{_pid}/root");

    /// <summary>
    /// The container's root when it can be written directly; null (the engine's archive API is used) when not allowed
    /// (<c>FileSyncDirectWrite=false</c>), not on Linux, not root, the engine not on a Unix socket, or the container's
    /// process cannot be proved to be its own. <paramref name="why"/> says which, for the detailed log.
    /// </summary>
    public static ContainerRoot? Find(ContainerInfo container, bool unixSocket, out string why)
    {
        if (!OperatingSystem.IsLinux())
        {
            why = "not Linux";
            return null;
        }

        if (!unixSocket)
        {
            why = "the engine is not on a local Unix socket";
            return null;
        }

        if (geteuid() != 0)
        {
            why = "the build does not run as root";
            return null;
        }

        if (container.Pid <= 0 || !container.Running || container.Paused)
        {
            why = "the container has no running process";
            return null;
        }

        var root = new ContainerRoot(container.Pid, container.Id);
        using TargetFolder? opened = root.TryOpen(out why);
        return opened is null ? null : root;
    }

    /// <summary>Opens the container's '/' again (each operation does, so that no descriptor outlives it); null when the
    /// process is gone or is not the container's any more.</summary>
    public TargetFolder? TryOpen(out string why)
    {
        int proc = open(string.Create(CultureInfo.InvariantCulture, $"/proc/{_pid}"), ReadOnly | DirectoryOnly | CloseOnExec, 0);
        if (proc < 0)
        {
            why = $"its process {_pid} is gone";
            return null;
        }

        using var pinned = new SafeFileHandle(proc, ownsHandle: true);
        if (ReadSmall(proc, "cgroup") is not { } cgroup || !cgroup.Contains(_containerId, StringComparison.Ordinal) || _containerId.Length < 12)
        {
            why = $"process {_pid} is not in the container's cgroup (an engine in a VM, or the pid was reused)";
            return null;
        }

        if (LinkText(proc, "ns/user") is not { } theirs || theirs != LinkText(AtCurrentWorkingDirectory, "/proc/self/ns/user"))
        {
            why = "the container has its own user namespace (rootless or userns-remap): ids differ on the two sides";
            return null;
        }

        // A process in the container's cgroup that still has this host's mounts (runc's init before it enters the container,
        // anything moved into the cgroup) has this host's '/' as its root.
        if (LinkText(proc, "ns/mnt") is not { } mounts || mounts == LinkText(AtCurrentWorkingDirectory, "/proc/self/ns/mnt"))
        {
            why = $"process {_pid} shares this host's mount namespace: it is not inside the container";
            return null;
        }

        int root = openat(proc, "root", ReadOnly | DirectoryOnly | CloseOnExec, 0);
        if (root < 0)
        {
            why = $"/proc/{_pid}/root cannot be opened ({Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())})";
            return null;
        }

        if (OperatingSystem.IsLinux() && !UnixFolder.IsMountRoot(root, ""))
        {
            close(root);
            why = $"process {_pid} runs in a folder of the container (chroot), not at its root";
            return null;
        }

        why = "";
        return UnixFolder.Adopt(root);
    }

    private static string? ReadSmall(int folder, string name)
    {
        int fd = openat(folder, name, ReadOnly | CloseOnExec, 0);
        if (fd < 0)
        {
            return null;
        }

        using var handle = new SafeFileHandle(fd, ownsHandle: true);
        byte[] buffer = new byte[64 * 1024];
        int total = 0;
        while (total < buffer.Length)
        {
            nint n = read(fd, ref buffer[total], buffer.Length - total);
            if (n <= 0)
            {
                break;
            }

            total += (int)n;
        }

        return Encoding.UTF8.GetString(buffer, 0, total);
    }

    private static string? LinkText(int folder, string name)
    {
        byte[] buffer = new byte[256];
        nint n = readlinkat(folder, name, buffer, buffer.Length);
        return n <= 0 ? null : Encoding.UTF8.GetString(buffer, 0, (int)n);
    }

    private const int AtCurrentWorkingDirectory = -100; // AT_FDCWD: the path is absolute anyway

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint read(int fd, ref byte buffer, nint count);

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint geteuid();
}
