using System.Reflection;
using System.Text;

namespace FileSync.Server;

/// <summary>
/// Where the sync server of this FileSync build listens: a Unix socket in a folder only this user can enter (0700),
/// named after the version and the MVID of FileSync.Core (the task and the server run the same Core), so an upgraded
/// package, or another dev build of the same version, never talks to an old server.
/// </summary>
internal sealed record ServerEndpoint(string Folder, string SocketPath, string Key)
{
    /// <summary>Environment variable naming the folder (tests, or a user whose /tmp is unusable).</summary>
    public const string FolderVariable = "FILESYNC_SERVER_DIR";

    private const int MaxSocketPathBytes = 107; // sockaddr_un.sun_path holds 108 bytes with the NUL

    /// <summary>The version and MVID of this FileSync.Core: a server answers only requests of its own key.</summary>
    public static string CurrentKey { get; } = ComputeKey();

    /// <summary>Held by the running server for its whole life: a second server of the same key exits at once.</summary>
    public string LockFile => SocketPath + ".lock";

    /// <summary>The running server's pid, written once it holds the lock (tests end servers by it).</summary>
    public string PidFile => SocketPath + ".pid";

    /// <summary>The server's own log: start, stop, refused peers, failed requests.</summary>
    public string LogFile => SocketPath + ".log";

    /// <summary>FILESYNC_SERVER_DIR (a relative one against the build's current folder), else $XDG_RUNTIME_DIR/filesync, else /tmp/filesync-&lt;uid&gt;.</summary>
    public static ServerEndpoint ForThisVersion(Func<string, string?> environment)
    {
        string? folder = environment(FolderVariable);
        if (string.IsNullOrWhiteSpace(folder))
        {
            string? runtime = environment("XDG_RUNTIME_DIR");
            // Only a runtime folder of this user (a build under sudo may carry another user's XDG_RUNTIME_DIR).
            folder = !string.IsNullOrWhiteSpace(runtime) && Path.IsPathRooted(runtime) && ServerNative.TryStat(runtime, out int kind, out _, out uint owner)
                && kind == ServerNative.Folder && owner == ServerNative.EffectiveUid
                ? Path.Combine(runtime, "filesync")
                : Path.Combine(Path.GetTempPath(), "filesync-" + ServerNative.EffectiveUid);
        }

        folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        return new ServerEndpoint(folder, Path.Combine(folder, SocketName(CurrentKey)), CurrentKey);
    }

    /// <summary>Creates the folder (0700) when missing and checks it is private: a real folder (not a link), owned by
    /// this user, with no access for anyone else. Returns what is wrong, or null.</summary>
    public string? EnsurePrivateFolder()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "the sync server runs on Linux only (it checks its clients with SO_PEERCRED)";
        }

        if (Encoding.UTF8.GetByteCount(SocketPath) > MaxSocketPathBytes)
        {
            return $"the socket path is longer than {MaxSocketPathBytes} bytes";
        }

        try
        {
            if (!ServerNative.TryStat(Folder, out _, out _, out _))
            {
                Directory.CreateDirectory(Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"it cannot be created ({e.Message})";
        }

        if (!ServerNative.TryStat(Folder, out int kind, out int mode, out uint owner))
        {
            return "it cannot be examined";
        }

        return kind != ServerNative.Folder ? "it is not a folder (a link or a file)"
            : owner != ServerNative.EffectiveUid ? $"it belongs to uid {owner}, not to uid {ServerNative.EffectiveUid}"
            : (mode & 0x3F) != 0 ? $"its mode is {Convert.ToString(mode & 0xFFF, 8)}, not 700 (others can reach it)"
            : null;
    }

    /// <summary>"0.1.0-1a2b3c4d5e6f.sock": the version (without build metadata) and the MVID's first 12 hex digits.</summary>
    internal static string SocketName(string key)
    {
        int bar = key.IndexOf('|');
        string version = key[..bar].Split('+')[0];
        var safe = new StringBuilder(version.Length);
        foreach (char c in version)
        {
            safe.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '_');
        }

        return (safe.Length > 40 ? safe.ToString(0, 40) : safe.ToString()) + "-" + key[(bar + 1)..][..12] + ".sock";
    }

    private static string ComputeKey()
    {
        Assembly core = typeof(ServerEndpoint).Assembly;
        string version = core.GetName().Version?.ToString(3) ?? "0"; // the MVID tells builds of one version apart
        return version + "|" + core.ManifestModule.ModuleVersionId.ToString("N");
    }
}
