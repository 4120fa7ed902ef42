using System.Runtime.InteropServices;
using System.Runtime.Versioning;

namespace FileSync.Targets;

/// <summary>
/// The *at(2) calls from libc: every one takes a folder descriptor and a single name, so nothing is resolved by
/// path and no link is followed. Flag values differ between Linux (x86 vs arm) and macOS.
/// Callers read errno with <see cref="Marshal.GetLastPInvokeError"/> right after the call, in the same method: a
/// helper compiled on first use could load an assembly in between (MSBuild probes with its own P/Invokes) and the
/// saved error would be that probe's.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal static partial class UnixAt
{
    private static readonly bool Mac = OperatingSystem.IsMacOS() || OperatingSystem.IsIOS();
    private static readonly bool ArmLinux = !Mac && RuntimeInformation.ProcessArchitecture is Architecture.Arm or Architecture.Arm64;

    public const int ReadOnly = 0;
    public const int WriteOnly = 1;
    public static readonly int Create = Mac ? 0x200 : 0x40;
    public static readonly int Exclusive = Mac ? 0x800 : 0x80;
    public static readonly int NonBlocking = Mac ? 0x4 : 0x800;
    public static readonly int NoFollow = Mac ? 0x100 : ArmLinux ? 0x8000 : 0x20000;
    public static readonly int DirectoryOnly = Mac ? 0x100000 : ArmLinux ? 0x4000 : 0x10000;
    public static readonly int CloseOnExec = Mac ? 0x1000000 : 0x80000;
    public static readonly int SymlinkNoFollow = Mac ? 0x20 : 0x100;
    public static readonly int RemoveDirectory = Mac ? 0x80 : 0x200;

    // errno values the callers tell apart; the same on Linux and macOS unless noted.
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int EROFS = 30;
    public static readonly int ELOOP = Mac ? 62 : 40;
    public static readonly int ENOTEMPTY = Mac ? 66 : 39;

    /// <summary>strerror(3) text for an errno, as the message of an <see cref="IOException"/>.</summary>
    public static IOException Failure(string call, string name, int errno) =>
        new($"cannot {call} '{name}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);

    /// <summary>A failed chown, with the usual cause.</summary>
    public static IOException OwnerFailure(string name, Archive.FileOwner owner, int errno) =>
        new($"cannot give '{name}' to {owner}: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno}; FileSyncOwner needs root for the directory runtime)");

    [StructLayout(LayoutKind.Sequential)]
    public struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;

        public static TimeSpec From(DateTime utc)
        {
            long ticks = utc.ToUniversalTime().Ticks - DateTime.UnixEpoch.Ticks;
            return new TimeSpec { Seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out long rest) - (rest < 0 ? 1 : 0), Nanoseconds = ((rest % TimeSpan.TicksPerSecond + TimeSpan.TicksPerSecond) % TimeSpan.TicksPerSecond) * 100 };
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "openat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int openat(int dirfd, string name, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "mkdirat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int mkdirat(int dirfd, string name, int mode);

    [LibraryImport("libc", EntryPoint = "symlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int symlinkat(string target, int dirfd, string name);

    [LibraryImport("libc", EntryPoint = "readlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial nint readlinkat(int dirfd, string name, [Out] byte[] buffer, nint size);

    [LibraryImport("libc", EntryPoint = "renameat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int renameat(int fromfd, string from, int tofd, string to);

    [LibraryImport("libc", EntryPoint = "unlinkat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int unlinkat(int dirfd, string name, int flags);

    [LibraryImport("libc", EntryPoint = "fchownat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int fchownat(int dirfd, string name, int owner, int group, int flags);

    [LibraryImport("libc", EntryPoint = "utimensat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int utimensat(int dirfd, string name, TimeSpec[] times, int flags);

    [LibraryImport("libc", EntryPoint = "fchown", SetLastError = true)]
    public static partial int fchown(int fd, int owner, int group);

    [LibraryImport("libc", EntryPoint = "fchmod", SetLastError = true)]
    public static partial int fchmod(int fd, int mode);

    [LibraryImport("libc", EntryPoint = "futimens", SetLastError = true)]
    public static partial int futimens(int fd, TimeSpec[] times);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int close(int fd);
}
