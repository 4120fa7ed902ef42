using System.Runtime.InteropServices;

namespace FileSync.Archive;

/// <summary>
/// libc calls (Linux and macOS only: callers check <see cref="Supported"/>) to open a path below a folder descriptor one name at a time with O_NOFOLLOW, and to stat what was
/// opened. Flag values differ by kernel and architecture (Linux arm/arm64 swap O_DIRECTORY and O_NOFOLLOW's bits).
/// </summary>
internal static partial class UnixNoFollow
{
    private const int ENOENT = 2;
    private const int ENOTDIR = 20;

    private static readonly bool IsLinux = OperatingSystem.IsLinux();
    private static readonly bool IsArm = RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64;

    // Linux: generic (x64, riscv, s390x, loongarch) and arm values; macOS: <sys/fcntl.h>.
    private static readonly int NonBlock = IsLinux ? 0x800 : 0x4;
    private static readonly int NoFollow = IsLinux ? (IsArm ? 0x8000 : 0x20000) : 0x100;
    private static readonly int Directory = IsLinux ? (IsArm ? 0x4000 : 0x10000) : 0x100000;
    private static readonly int CloseOnExec = IsLinux ? 0x80000 : 0x1000000;

    /// <summary>Whether this platform's flags are known (Linux, macOS); elsewhere callers fall back.</summary>
    public static bool Supported => OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();

    /// <summary>Opens a folder the user chose (the context), following links: it is trusted.</summary>
    public static int OpenRoot(string path, out int errno) => Result(open(path, Directory | CloseOnExec), out errno);

    /// <summary>Opens one name below a folder descriptor as a folder, never following a link.</summary>
    public static int OpenFolder(int folder, string name, out int errno) =>
        Result(openat(folder, name, Directory | NoFollow | CloseOnExec), out errno);

    /// <summary>
    /// Opens one name below a folder descriptor for reading, never following a link, and without blocking on a FIFO
    /// swapped in for the file (its kind is checked after the open).
    /// </summary>
    public static int OpenFile(int folder, string name, out int errno) =>
        Result(openat(folder, name, NoFollow | NonBlock | CloseOnExec), out errno);

    /// <summary>True when the error means the name is not there (ENOENT), as opposed to something else in its way.</summary>
    public static bool IsMissing(int errno) => errno == ENOENT;

    /// <summary>True when a folder along the path is not a folder (a file, or a link O_DIRECTORY|O_NOFOLLOW refused).</summary>
    public static bool IsNotFolder(int errno) => errno == ENOTDIR;

    public static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno);

    public static void Close(int fd) => _ = close(fd);

    /// <summary>Linux statx of an open descriptor: kind (S_IFMT bits), size and mtime; false when statx is unavailable.</summary>
    public static bool TryStat(int fd, out int kind, out long size, out long mtimeTicks)
    {
        kind = 0;
        size = 0;
        mtimeTicks = 0;
        if (!IsLinux)
        {
            return false;
        }

        // struct statx has one layout on every Linux architecture.
        byte[] buffer = new byte[256];
        try
        {
            if (statx(fd, "", 0x1000 /* AT_EMPTY_PATH */, 0x7ff /* STATX_BASIC_STATS */, buffer) != 0)
            {
                return false;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return false; // glibc older than 2.28
        }

        kind = BitConverter.ToUInt16(buffer, 28) & 0xF000;
        size = BitConverter.ToInt64(buffer, 40);
        long seconds = BitConverter.ToInt64(buffer, 112);
        uint nanoseconds = BitConverter.ToUInt32(buffer, 120);
        mtimeTicks = DateTime.UnixEpoch.Ticks + (seconds * TimeSpan.TicksPerSecond) + (nanoseconds / 100);
        return true;
    }

    public const int RegularFile = 0x8000;

    /// <summary>Linux: the kind (S_IFMT bits) of the path itself, a link not followed; false when unknown.</summary>
    public static bool TryPathKind(string path, out int kind)
    {
        kind = 0;
        byte[] buffer = new byte[256];
        try
        {
            if (!IsLinux || statx(-100 /* AT_FDCWD */, path, 0x100 /* AT_SYMLINK_NOFOLLOW */, 0x1 /* STATX_TYPE */, buffer) != 0)
            {
                return false;
            }
        }
        catch (EntryPointNotFoundException)
        {
            return false;
        }

        kind = BitConverter.ToUInt16(buffer, 28) & 0xF000;
        return true;
    }

    /// <summary>What a kind that is neither a file, a folder nor a link is called in a message.</summary>
    public static string? SpecialKindName(int kind) => kind switch
    {
        0x1000 => "FIFO",
        0x2000 => "character device",
        0x6000 => "block device",
        0xC000 => "socket",
        _ => null,
    };

    private static int Result(int fd, out int errno)
    {
        errno = fd < 0 ? Marshal.GetLastPInvokeError() : 0;
        return fd;
    }

    // open/openat are variadic; without O_CREAT the mode argument is never read, so it is not passed.
    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int openat(int folder, string path, int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int folder, string path, int flags, uint mask, [Out] byte[] buffer);

    [LibraryImport("libc")]
    private static partial int close(int fd);
}
