using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using FileSync.Archive;
using Microsoft.Win32.SafeHandles;
using static FileSync.Targets.UnixAt;

namespace FileSync.Targets;

/// <summary>A folder of the directory target held as a descriptor: each name is resolved by one *at(2) call.</summary>
[UnsupportedOSPlatform("windows")]
internal sealed partial class UnixFolder : TargetFolder
{
    private const int NewFileMode = 0b110_000_000; // until the entry's mode is set on the open file
    private const int NewFolderMode = 0b111_000_000; // until the extraction ends and sets the entry's mode

    private readonly SafeFileHandle _handle; // closes the descriptor even if a failure path forgets to
    private readonly int _fd;

    private UnixFolder(int fd)
    {
        _handle = new SafeFileHandle(fd, ownsHandle: true);
        _fd = fd;
    }

    private static readonly int FolderFlags = ReadOnly | DirectoryOnly | NoFollow | CloseOnExec;

    /// <summary>The target's own folder, opened by path once (it is the user's choice, links and all).</summary>
    public static UnixFolder Open(string path)
    {
        int fd = open(path, ReadOnly | DirectoryOnly | CloseOnExec, 0);
        return fd >= 0 ? new UnixFolder(fd) : throw Failure("open", path, Marshal.GetLastPInvokeError());
    }

    /// <summary>A folder descriptor opened elsewhere (a container's root, see <see cref="ContainerRoot"/>); this takes it over.</summary>
    public static UnixFolder Adopt(int fd) => new(fd);

    public override FolderLookup TryOpen(string name, out TargetFolder? folder)
    {
        folder = null;
        int fd = openat(_fd, name, FolderFlags, 0);
        if (fd >= 0)
        {
            folder = new UnixFolder(fd);
            return FolderLookup.Opened;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == ENOENT ? FolderLookup.Missing : Kind(name) switch
        {
            PathKind.Missing => FolderLookup.Missing, // gone since the open
            PathKind.Link => FolderLookup.Link,
            PathKind.File or PathKind.Other => FolderLookup.NotFolder,
            _ => throw Failure("open", name, errno), // a folder that cannot be opened (permissions)
        };
    }

    public override bool TryCreateFolder(string name, FileOwner? owner)
    {
        if (mkdirat(_fd, name, NewFolderMode) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno == EEXIST ? false : throw Failure("mkdir", name, errno);
        }

        if (owner is { } given)
        {
            using SafeFileHandle folder = OpenOwn(name, FolderFlags, "open");
            if (fchown(Fd(folder), given.Uid, given.Gid) != 0)
            {
                throw OwnerFailure(name, given, Marshal.GetLastPInvokeError());
            }
        }

        return true;
    }

    public override bool TrySetFolderMetadata(string name, UnixFileMode mode, DateTime? mtimeUtc)
    {
        int fd = openat(_fd, name, FolderFlags, 0);
        if (fd < 0)
        {
            return false; // replaced by something else since: never followed
        }

        using var folder = new SafeFileHandle(fd, ownsHandle: true);
        if (fchmod(fd, (int)mode & 0xFFF) != 0)
        {
            throw Failure("chmod", name, Marshal.GetLastPInvokeError());
        }

        if (mtimeUtc is { } mtime)
        {
            if (futimens(fd, [TimeSpec.From(mtime), TimeSpec.From(mtime)]) != 0)
            {
                throw Failure("set the time of", name, Marshal.GetLastPInvokeError());
            }
        }

        return true;
    }

    public override async Task WriteNewFileAsync(string name, Stream? data, UnixFileMode mode, FileOwner? owner, DateTime mtimeUtc, CancellationToken cancellationToken)
    {
        using SafeFileHandle handle = OpenOwn(name, WriteOnly | Create | Exclusive | NoFollow | CloseOnExec, "create", NewFileMode);
        await using (var file = new FileStream(handle, FileAccess.Write, bufferSize: 0))
        {
            if (data is not null)
            {
                await data.CopyToAsync(file, cancellationToken).ConfigureAwait(false);
            }

            await file.FlushAsync(cancellationToken).ConfigureAwait(false);
            int fd = Fd(handle);
            if (owner is { } given)
            {
                // before chmod: chown clears the set-id bits
                if (fchown(fd, given.Uid, given.Gid) != 0)
                {
                    throw OwnerFailure(name, given, Marshal.GetLastPInvokeError());
                }
            }

            if (fchmod(fd, (int)mode & 0xFFF) != 0)
            {
                throw Failure("chmod", name, Marshal.GetLastPInvokeError());
            }

            if (futimens(fd, [TimeSpec.From(mtimeUtc), TimeSpec.From(mtimeUtc)]) != 0)
            {
                throw Failure("set the time of", name, Marshal.GetLastPInvokeError());
            }
        }
    }

    public override void CreateLink(string name, string text, FileOwner? owner, DateTime mtimeUtc)
    {
        if (symlinkat(text, _fd, name) != 0)
        {
            throw Failure("create the link", name, Marshal.GetLastPInvokeError());
        }

        if (owner is { } given)
        {
            if (fchownat(_fd, name, given.Uid, given.Gid, SymlinkNoFollow) != 0)
            {
                throw OwnerFailure(name, given, Marshal.GetLastPInvokeError());
            }
        }

        if (utimensat(_fd, name, [TimeSpec.From(mtimeUtc), TimeSpec.From(mtimeUtc)], SymlinkNoFollow) != 0)
        {
            throw Failure("set the time of", name, Marshal.GetLastPInvokeError());
        }
    }

    public override bool TryReplace(string temporary, string name)
    {
        if (IsMountPoint(name))
        {
            throw Failure("rename", name, EBUSY);
        }

        if (renameat(_fd, temporary, _fd, name) == 0)
        {
            return true;
        }

        int errno = Marshal.GetLastPInvokeError();
        return errno == EISDIR || errno == ENOTEMPTY || errno == EEXIST ? false : throw Failure("rename", name, errno);
    }

    public override Removal Remove(string name, bool folder)
    {
        if (IsMountPoint(name))
        {
            return folder ? Removal.NotEmpty : throw Failure("delete", name, EBUSY);
        }

        if (unlinkat(_fd, name, folder ? RemoveDirectory : 0) == 0)
        {
            return Removal.Removed;
        }

        int errno = Marshal.GetLastPInvokeError();
        if (errno == ENOENT)
        {
            return Removal.Missing;
        }

        if (folder && (errno == ENOTEMPTY || errno == EEXIST))
        {
            return Removal.NotEmpty;
        }

        // unlink of a folder is EISDIR on Linux, EPERM on macOS; rmdir of a file or link is ENOTDIR
        PathKind kind = errno == ENOTDIR || errno == EISDIR || errno == EPERM ? Kind(name) : PathKind.Other;
        return (folder, kind) switch
        {
            (false, PathKind.Folder) => Removal.IsFolder,
            (true, PathKind.File or PathKind.Link or PathKind.Other) => Removal.NotFolder,
            _ => throw Failure(folder ? "remove the folder" : "delete", name, errno),
        };
    }

    public override PathKind Kind(string name)
    {
        if (StatxKind(name) is { } kind)
        {
            return kind;
        }

        // Without statx: a link reads as one; a folder opens as one; anything else is taken for a file.
        if (readlinkat(_fd, name, new byte[1], 1) >= 0)
        {
            return PathKind.Link;
        }

        int errno = Marshal.GetLastPInvokeError();
        if (errno == ENOENT || errno == ENOTDIR)
        {
            return PathKind.Missing;
        }

        int fd = openat(_fd, name, FolderFlags | NonBlocking, 0);
        if (fd >= 0)
        {
            close(fd);
            return PathKind.Folder;
        }

        errno = Marshal.GetLastPInvokeError();
        return errno == ENOTDIR ? PathKind.File : throw Failure("stat", name, errno);
    }

    private static bool _noStatx = !OperatingSystem.IsLinux();

    /// <summary>statx(2) (Linux, glibc 2.28+): its layout is the same on every architecture.</summary>
    private PathKind? StatxKind(string name)
    {
        if (_noStatx)
        {
            return null;
        }

        var buffer = new byte[256];
        try
        {
            if (statx(_fd, name, SymlinkNoFollow, 1 /* STATX_TYPE */, buffer) != 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                return errno == ENOENT || errno == ENOTDIR ? PathKind.Missing : throw Failure("stat", name, errno);
            }
        }
        catch (EntryPointNotFoundException)
        {
            _noStatx = true;
            return null;
        }

        return (BitConverter.ToUInt16(buffer, 28) & 0xF000) switch
        {
            0x4000 => PathKind.Folder,
            0x8000 => PathKind.File,
            0xA000 => PathKind.Link,
            _ => PathKind.Other,
        };
    }

    /// <summary>
    /// Whether something is mounted on <paramref name="name"/> (a container's volume or bind mount). From another mount
    /// namespace (a container's root reached through /proc/&lt;pid&gt;/root) the kernel lets unlink, rmdir and rename
    /// of a mount point succeed and detaches the mount, where the container's own untar and rm get EBUSY.
    /// </summary>
    private bool IsMountPoint(string name) => IsMountRoot(_fd, name);

    /// <summary>Whether <paramref name="name"/> below <paramref name="folder"/> (or, with "", the folder itself) is the
    /// root of a mount; false where this cannot be told (no statx).</summary>
    internal static bool IsMountRoot(int folder, string name)
    {
        if (_noStatx)
        {
            return false; // macOS, or Linux before statx: the mount point's own EBUSY stands
        }

        var child = new byte[256];
        var parent = new byte[256];
        try
        {
            if (statx(folder, name, name.Length == 0 ? EmptyPath : SymlinkNoFollow, 0, child) != 0)
            {
                return false; // missing: nothing mounted there
            }

            const ulong MountRoot = 0x2000; // STATX_ATTR_MOUNT_ROOT (Linux 5.8)
            if ((BitConverter.ToUInt64(child, 56) & MountRoot) != 0)
            {
                return (BitConverter.ToUInt64(child, 8) & MountRoot) != 0;
            }

            // older kernels: on another device (stx_dev_major, stx_dev_minor) than its parent
            return statx(folder, name.Length == 0 ? ".." : "", name.Length == 0 ? SymlinkNoFollow : EmptyPath, 0, parent) == 0
                && BitConverter.ToUInt64(child, 136) != BitConverter.ToUInt64(parent, 136);
        }
        catch (EntryPointNotFoundException)
        {
            _noStatx = true;
            return false;
        }
    }

    private const int EmptyPath = 0x1000; // AT_EMPTY_PATH (Linux)

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int statx(int dirfd, string name, int flags, uint mask, [Out] byte[] buffer);

    private SafeFileHandle OpenOwn(string name, int flags, string what, int mode = 0)
    {
        int fd = openat(_fd, name, flags, mode);
        return fd >= 0 ? new SafeFileHandle(fd, ownsHandle: true) : throw Failure(what, name, Marshal.GetLastPInvokeError());
    }

    private static int Fd(SafeFileHandle handle) => (int)handle.DangerousGetHandle();

    public override void Dispose() => _handle.Dispose();
}
