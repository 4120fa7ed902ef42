using System.IO.Enumeration;

namespace FileSync.Watching;

/// <summary>
/// Every entry below a folder, for the watch's rescans and polling: a link to a folder is listed, never entered (a link
/// inside the context may point at the context itself, or above it: entering it would sync obj/ and FileSync's own
/// state through it, as deep as the kernel lets a path go). MSBuild's globs and inotify do not enter it either.
/// </summary>
internal static class TreeListing
{
    private static readonly EnumerationOptions Options = new() { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true };

    public static IEnumerable<FileSystemInfo> Entries(string root) =>
        new FileSystemEnumerable<FileSystemInfo>(root, static (ref FileSystemEntry entry) => entry.ToFileSystemInfo(), Options)
        {
            ShouldRecursePredicate = static (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
        };

    /// <summary>Files and links to files (what MSBuild's globs list), not folders nor links to them.</summary>
    public static IEnumerable<string> Files(string root) =>
        new FileSystemEnumerable<string>(root, static (ref FileSystemEntry entry) => entry.ToFullPath(), Options)
        {
            ShouldRecursePredicate = static (ref FileSystemEntry entry) => (entry.Attributes & FileAttributes.ReparsePoint) == 0,
            ShouldIncludePredicate = static (ref FileSystemEntry entry) => !entry.IsDirectory,
        };
}
