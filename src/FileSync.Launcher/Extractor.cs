using System.Formats.Tar;
using System.Runtime.InteropServices;

namespace FileSync.Launcher;

/// <summary>
/// <c>--fsync-extract &lt;root&gt;</c>: extracts a tar read from stdin below an existing folder, for runtimes with no
/// archive API (Kubernetes exec, where an image may have no tar). Like the Docker engine's PUT archive with
/// noOverwriteDirNonDir: no link in the target is ever followed (a link where a folder is needed fails the entry), a
/// folder is never replaced by a file or link or the reverse, an existing folder keeps its mode and owner, a file or
/// link is replaced atomically (written beside it, then renamed over it). Stops at the first entry it refuses.
/// </summary>
internal static partial class Extractor
{
    private enum Kind
    {
        Missing,
        File,
        Folder,
        Link,
    }

    /// <summary>0 when every entry landed; 1 (naming the entry on stderr) at the first one refused.</summary>
    public static int Extract(Stream archive, string root, TextWriter error)
    {
        if (KindOf(root) is not (Kind.Folder or Kind.Link) || !Directory.Exists(root))
        {
            error.WriteLine($"filesync-launcher: cannot extract into '{root}': it is not a folder");
            return 1;
        }

        bool chown = geteuid() == 0;
        try
        {
            using var reader = new TarReader(archive);
            while (reader.GetNextEntry() is { } entry)
            {
                string? refused = ExtractEntry(entry, root.TrimEnd('/'), chown);
                if (refused is not null)
                {
                    error.WriteLine($"filesync-launcher: refused '{entry.Name}': {refused}");
                    return 1;
                }
            }
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or FormatException)
        {
            error.WriteLine($"filesync-launcher: extraction into '{root}' failed: {e.Message}");
            return 1;
        }

        return 0;
    }

    private static string? ExtractEntry(TarEntry entry, string root, bool chown)
    {
        string[] parts = entry.Name.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(part => part != ".").ToArray();
        if (parts.Length == 0)
        {
            return entry.EntryType == TarEntryType.Directory ? null : "an entry with no name";
        }

        if (parts.Contains("..") || entry.Name.StartsWith('/'))
        {
            return "it leads outside the extraction folder";
        }

        // Every parent must be a real folder (created when missing, never a link followed).
        string path = root;
        foreach (string part in parts[..^1])
        {
            path += "/" + part;
            switch (KindOf(path))
            {
                case Kind.Missing:
                    Directory.CreateDirectory(path, (UnixFileMode)0b111_101_101);
                    break;
                case Kind.Folder:
                    break;
                default:
                    return $"'{path}' is not a folder (a link or file is never written through)";
            }
        }

        path += "/" + parts[^1];
        Kind existing = KindOf(path);
        switch (entry.EntryType)
        {
            case TarEntryType.Directory:
                if (existing == Kind.Folder)
                {
                    return null; // kept as it is: mode, owner
                }

                if (existing != Kind.Missing)
                {
                    return $"'{path}' is a {existing.ToString().ToLowerInvariant()} and would be replaced by a folder";
                }

                Directory.CreateDirectory(path, entry.Mode);
                Own(path, entry, chown);
                return null;

            case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.SymbolicLink:
                if (existing == Kind.Folder)
                {
                    return $"'{path}' is a folder and would be replaced by a {(entry.EntryType == TarEntryType.SymbolicLink ? "link" : "file")}";
                }

                string temporary = Path.Combine(Path.GetDirectoryName(path)!, $".{parts[^1]}.fsync-{Guid.NewGuid():N}"[..Math.Min(255, parts[^1].Length + 40)]);
                try
                {
                    if (entry.EntryType == TarEntryType.SymbolicLink)
                    {
                        File.CreateSymbolicLink(temporary, entry.LinkName);
                    }
                    else
                    {
                        using (var file = new FileStream(temporary, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = entry.Mode & (UnixFileMode)0b111_111_111 }))
                        {
                            entry.DataStream?.CopyTo(file);
                        }

                        File.SetUnixFileMode(temporary, entry.Mode);
                        File.SetLastWriteTimeUtc(temporary, entry.ModificationTime.UtcDateTime);
                    }

                    Own(temporary, entry, chown);
                    if (rename(temporary, path) != 0)
                    {
                        throw new IOException($"cannot rename into '{path}': {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
                    }
                }
                finally
                {
                    if (KindOf(temporary) != Kind.Missing)
                    {
                        File.Delete(temporary);
                    }
                }

                return null;

            default:
                return $"a {entry.EntryType} entry: only files, folders and links are extracted";
        }
    }

    private static void Own(string path, TarEntry entry, bool chown)
    {
        if (chown && lchown(path, entry.Uid, entry.Gid) != 0)
        {
            throw new IOException($"cannot give '{path}' to {entry.Uid}:{entry.Gid}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
        }
    }

    /// <summary>What is at the path itself (lstat: a link is a link).</summary>
    private static Kind KindOf(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return Kind.Link;
        }

        if (!info.Exists && !Directory.Exists(path))
        {
            return Kind.Missing;
        }

        return (info.Attributes & FileAttributes.Directory) != 0 ? Kind.Folder : Kind.File;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int rename(string from, string to);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, int uid, int gid);

    [LibraryImport("libc")]
    private static partial uint geteuid();
}
