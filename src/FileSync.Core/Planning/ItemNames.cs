using System.Text;
using FileSync.Diagnostics;

namespace FileSync.Planning;

/// <summary>
/// What MSBuild's wildcards do to names on Unix, undone or explained. Used only when an item's path does not exist
/// (or its glob was not expanded), so the common path pays nothing.
/// </summary>
internal static class ItemNames
{
    private const int HostPathLimit = 4096; // PATH_MAX on Linux, in bytes with the terminating NUL

    /// <summary>
    /// MSBuild turns every '\' of a globbed name into '/' (<c>a\b.txt</c> arrives as <c>a/b.txt</c>). Finds the real
    /// path by trying, folder by folder, the names the segments make when joined with '\' instead; null when none exists.
    /// </summary>
    public static string? ResolveBackslashes(string full, string context)
    {
        if (Path.DirectorySeparatorChar != '/' || !full.StartsWith(context + "/", StringComparison.Ordinal))
        {
            return null;
        }

        string[] segments = full[(context.Length + 1)..].Split('/');
        return segments.Length > 1 ? Walk(context, segments, 0) : null;
    }

    private static string? Walk(string folder, string[] segments, int start)
    {
        for (int end = start; end < segments.Length; end++)
        {
            string path = folder + "/" + string.Join('\\', segments[start..(end + 1)]);
            if (end == segments.Length - 1)
            {
                var info = new FileInfo(path); // lstat: a link counts, a folder does not
                return info.LinkTarget is not null || ((int)info.Attributes != -1 && (info.Attributes & FileAttributes.Directory) == 0) ? path : null;
            }

            if (Directory.Exists(path) && Walk(path, segments, end + 1) is { } found)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>A source path the host cannot open (PATH_MAX), named by its start and its length in bytes.</summary>
    public static Diagnostic TooLong(string path) =>
        Diag.SourcePathTooLong(path[..Math.Min(path.Length, 160)] + "...", Encoding.UTF8.GetByteCount(path));

    /// <summary>
    /// Why MSBuild left a rule's glob unexpanded, when FileSync can tell: a path below it past the host's limit, or a
    /// folder with a backslash in its name (MSBuild logs its own exception at evaluation, out of FileSync's hands).
    /// Walks below the glob's fixed folder without following links; only on this error path.
    /// </summary>
    public static Diagnostic Unexpanded(SyncItem item)
    {
        string spec = item.FullPath;
        int wildcard = spec.AsSpan().IndexOfAny('*', '?');
        int slash = spec.LastIndexOf('/', Math.Max(0, wildcard));
        string folder = slash > 0 ? spec[..slash] : "/";
        if (Path.DirectorySeparatorChar == '/' && Directory.Exists(folder))
        {
            var pending = new Stack<string>([folder]);
            var options = new EnumerationOptions { AttributesToSkip = FileAttributes.ReparsePoint, IgnoreInaccessible = true };
            while (pending.TryPop(out string? current))
            {
                int bytes = Encoding.UTF8.GetByteCount(current);
                if (bytes >= HostPathLimit)
                {
                    return Diag.GlobPathTooLong(item.ItemSpec, current[..Math.Min(current.Length, 160)] + "...", bytes);
                }

                if (current.Length > folder.Length && Path.GetFileName(current).Contains('\\', StringComparison.Ordinal))
                {
                    return Diag.GlobFolderWithBackslash(item.ItemSpec, current);
                }

                try
                {
                    foreach (string child in Directory.EnumerateDirectories(current, "*", options))
                    {
                        pending.Push(child);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // The folder cannot be walked by us either: nothing more to say about it.
                }
            }
        }

        return Diag.GlobNotExpanded(item.ItemSpec);
    }
}
