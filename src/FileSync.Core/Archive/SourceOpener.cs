using FileSync.Planning;
using Microsoft.Win32.SafeHandles;

namespace FileSync.Archive;

/// <summary>How an open ended: the file, or why there is none.</summary>
internal enum OpenOutcome
{
    Opened,

    /// <summary>Gone (deleted or renamed away since the scan): the next sync treats it as deleted.</summary>
    Vanished,

    /// <summary>There, but this user cannot read it.</summary>
    Unreadable,

    /// <summary>Not what the scan planned: a link, another kind of file, or another size or time.</summary>
    Changed,
}

/// <summary>
/// Opens sources so that the check is the open: on Linux and macOS the path is walked from a descriptor of the
/// context one name at a time with O_NOFOLLOW (O_DIRECTORY for folders), so a link swapped in after the scan, at the
/// file or at any folder below the context, is never followed; what was opened is then compared with what the scan
/// planned. Elsewhere (Windows) a FileStream, then a check that the path is no reparse point and still matches.
/// </summary>
internal sealed class SourceOpener : IDisposable
{
    private readonly Dictionary<string, int> _roots = new(StringComparer.Ordinal);

    /// <summary>Opens the source; on anything but <see cref="OpenOutcome.Opened"/>, <paramref name="reason"/> says why.</summary>
    public OpenOutcome Open(SourceFile source, out FileStream? stream, out string reason)
    {
        stream = null;
        try
        {
            return !OperatingSystem.IsWindows() && UnixNoFollow.Supported
                ? OpenNoFollow(source, out stream, out reason)
                : OpenChecked(source, out stream, out reason);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            reason = e.Message;
            return OpenOutcome.Vanished;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            reason = e.Message;
            return OpenOutcome.Unreadable;
        }
    }

    private OpenOutcome OpenNoFollow(SourceFile source, out FileStream? stream, out string reason)
    {
        stream = null;
        if (!_roots.TryGetValue(source.ReadRoot, out int root))
        {
            root = UnixNoFollow.OpenRoot(source.ReadRoot, out int rootError);
            if (root < 0)
            {
                reason = UnixNoFollow.Describe(rootError);
                return UnixNoFollow.IsMissing(rootError) ? OpenOutcome.Vanished : OpenOutcome.Unreadable;
            }

            _roots[source.ReadRoot] = root;
        }

        string[] names = source.ReadPath.Split('/');
        int folder = root;
        try
        {
            for (int i = 0; i < names.Length; i++)
            {
                bool last = i == names.Length - 1;
                int next = last ? UnixNoFollow.OpenFile(folder, names[i], out int errno) : UnixNoFollow.OpenFolder(folder, names[i], out errno);
                if (next < 0)
                {
                    reason = $"'{string.Join('/', names[..(i + 1)])}': {UnixNoFollow.Describe(errno)}";
                    return errno switch
                    {
                        _ when UnixNoFollow.IsMissing(errno) => OpenOutcome.Vanished,
                        13 or 1 => OpenOutcome.Unreadable, // EACCES, EPERM
                        _ => OpenOutcome.Changed, // ELOOP: a link where a folder or the file was; ENOTDIR: a file where a folder was
                    };
                }

                if (folder != root)
                {
                    UnixNoFollow.Close(folder);
                }

                folder = next;
            }

            var handle = new SafeFileHandle(folder, ownsHandle: true);
            folder = root; // the handle owns the descriptor now
            if (UnixNoFollow.TryStat((int)handle.DangerousGetHandle(), out int kind, out long size, out long mtime))
            {
                if (kind != UnixNoFollow.RegularFile)
                {
                    reason = "no longer a regular file";
                    handle.Dispose();
                    return OpenOutcome.Changed;
                }
            }
            else
            {
                size = RandomAccess.GetLength(handle);
                mtime = File.GetLastWriteTimeUtc(handle).Ticks;
            }

            return Matches(source, handle, size, mtime, out stream, out reason);
        }
        finally
        {
            if (folder != root)
            {
                UnixNoFollow.Close(folder);
            }
        }
    }

    private static OpenOutcome OpenChecked(SourceFile source, out FileStream? stream, out string reason)
    {
        stream = null;
        SafeFileHandle handle = File.OpenHandle(source.FullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.SequentialScan);
        if ((File.GetAttributes(source.FullPath) & (FileAttributes.ReparsePoint | FileAttributes.Directory)) != 0)
        {
            handle.Dispose();
            reason = "it is now a link or a folder";
            return OpenOutcome.Changed;
        }

        return Matches(source, handle, RandomAccess.GetLength(handle), File.GetLastWriteTimeUtc(handle).Ticks, out stream, out reason);
    }

    private static OpenOutcome Matches(SourceFile source, SafeFileHandle handle, long size, long mtimeTicks, out FileStream? stream, out string reason)
    {
        if (size != source.Size || mtimeTicks != source.MtimeTicks)
        {
            handle.Dispose();
            stream = null;
            reason = $"{size} bytes modified {new DateTime(mtimeTicks, DateTimeKind.Utc):O}, planned {source.Size} bytes modified {new DateTime(source.MtimeTicks, DateTimeKind.Utc):O}";
            return OpenOutcome.Changed;
        }

        stream = new FileStream(handle, FileAccess.Read, bufferSize: 1);
        reason = "";
        return OpenOutcome.Opened;
    }

    public void Dispose()
    {
        foreach (int root in _roots.Values)
        {
            UnixNoFollow.Close(root);
        }

        _roots.Clear();
    }
}
