namespace FileSync.Planning;

/// <summary>
/// What the build host's file system means by a path, injectable so both kinds are unit-tested on any host. On Windows
/// '\' separates folders and files carry no Unix mode; on Linux and macOS '\' is an ordinary character of a name (a
/// file may be called <c>a\b.txt</c>) and every file has its mode. Container paths always use '/'.
/// </summary>
internal sealed record HostPaths(bool BackslashIsSeparator, bool HasUnixModes)
{
    /// <summary>What a file synced from a host without Unix modes gets (rw-r--r--); a rule's Mode overrides it.</summary>
    public const UnixFileMode DefaultFileMode = (UnixFileMode)0b110_100_100;

    public static HostPaths Unix { get; } = new(BackslashIsSeparator: false, HasUnixModes: true);

    public static HostPaths Windows { get; } = new(BackslashIsSeparator: true, HasUnixModes: false);

    /// <summary>The host this process runs on.</summary>
    public static HostPaths Current { get; } = OperatingSystem.IsWindows() ? Windows : Unix;

    /// <summary>A host path (or a part of one: a relative path, an item's Dest or Strip) with '/' between names.</summary>
    public string ToUnix(string path) => BackslashIsSeparator ? path.Replace('\\', '/') : path;
}
