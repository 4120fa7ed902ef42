using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace FileSync.Server;

/// <summary>The few libc calls the sync server and its clients need (Linux): who is at the other end of a Unix
/// socket (SO_PEERCRED), who owns a folder, the effective uid, a new session, and ending a hung server.</summary>
internal static partial class ServerNative
{
    private const int SolSocket = 1, SoPeerCred = 17;

    public static uint EffectiveUid => geteuid();

    public static int ProcessId => Environment.ProcessId;

    /// <summary>The pid and uid of the process at the other end of a connected Unix socket; false when unknown.</summary>
    public static unsafe bool TryPeer(Socket socket, out int pid, out uint uid)
    {
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
        int* ucred = stackalloc int[3];
        int length = 12;
        bool ok = getsockopt((int)socket.Handle, SolSocket, SoPeerCred, ucred, ref length) == 0 && length == 12;
        pid = ok ? ucred[0] : 0;
        uid = ok ? (uint)ucred[1] : uint.MaxValue;
        return ok;
    }

    /// <summary>Linux statx of the path itself (a link not followed): its kind (S_IFMT bits), permission bits and owner.</summary>
    public static bool TryStat(string path, out int kind, out int mode, out uint uid)
    {
        kind = mode = 0;
        uid = uint.MaxValue;
        byte[] buffer = new byte[256];
        try
        {
            if (statx(-100 /* AT_FDCWD */, path, 0x100 /* AT_SYMLINK_NOFOLLOW */, 0x7ff /* STATX_BASIC_STATS */, buffer) != 0)
            {
                return false;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }

        uid = BitConverter.ToUInt32(buffer, 20);
        int bits = BitConverter.ToUInt16(buffer, 28);
        kind = bits & 0xF000;
        mode = bits & 0xFFF;
        return true;
    }

    public const int Folder = 0x4000;

    /// <summary>
    /// Whether the file system holding <paramref name="path"/> is a local one whose changes all reach inotify (ext4, xfs,
    /// btrfs, tmpfs, overlayfs, zfs, f2fs). Network and host-shared ones (NFS, SMB, 9p and drvfs under WSL, virtiofs,
    /// FUSE) can change with no event here: a watcher journal of them would miss changes. Unknown: false.
    /// </summary>
    public static bool DeliversAllEvents(string path)
    {
        byte[] buffer = new byte[256]; // struct statfs: f_type first (a long on 64-bit Linux)
        try
        {
            if (statfs(path, buffer) != 0)
            {
                return false;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }

        long type = IntPtr.Size == 8 ? BitConverter.ToInt64(buffer, 0) : BitConverter.ToInt32(buffer, 0);
        return type is 0xEF53 or 0x58465342 or 0x9123683E or 0x01021994 or 0x794C7630 or 0x2FC12FC1 or 0xF2F52010;
    }

    /// <summary>Leaves the build's session and process group: Ctrl+C in the build's terminal does not reach the server.</summary>
    public static void NewSession() => _ = setsid();

    /// <summary>SIGKILL: a server that stopped answering may hold a state lock; the OS drops it with the process.</summary>
    public static void Kill(int pid) => _ = kill(pid, 9);

    [LibraryImport("libc", SetLastError = true)]
    private static unsafe partial int getsockopt(int socket, int level, int name, int* value, ref int length);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int folder, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statfs(string path, [Out] byte[] buffer);

    [LibraryImport("libc")]
    private static partial uint geteuid();

    [LibraryImport("libc")]
    private static partial int setsid();

    [LibraryImport("libc")]
    private static partial int kill(int pid, int signal);
}
