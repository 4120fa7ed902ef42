using System.Globalization;

namespace FileSync.Archive;

/// <summary>The numeric owner given to synced files (tar headers carry numbers, never names).</summary>
internal readonly record struct FileOwner(int Uid, int Gid)
{
    public static readonly FileOwner Root = new(0, 0);

    /// <summary>Parses "uid" or "uid:gid" (numbers only); a lone uid takes gid = uid.</summary>
    public static bool TryParse(string? text, out FileOwner owner)
    {
        owner = Root;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        string[] parts = text.Trim().Split(':');
        if (parts.Length > 2 || !TryId(parts[0], out int uid))
        {
            return false;
        }

        int gid = uid;
        if (parts.Length == 2 && !TryId(parts[1], out gid))
        {
            return false;
        }

        owner = new FileOwner(uid, gid);
        return true;
    }

    private static bool TryId(string text, out int id) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id);

    public override string ToString() => $"{Uid}:{Gid}";
}
