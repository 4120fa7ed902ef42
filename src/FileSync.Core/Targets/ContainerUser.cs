using System.Globalization;
using FileSync.Archive;

namespace FileSync.Targets;

/// <summary>
/// Resolves a container's configured user ("", "uid", "uid:gid", "name", "name:group") to numbers the way the
/// runtime does: names through the container's own /etc/passwd and /etc/group; a bare uid takes its passwd gid, else 0.
/// </summary>
internal static class ContainerUser
{
    public static async Task<FileOwner?> ResolveAsync(string user, Func<string, CancellationToken, Task<string?>> readFile, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(user))
        {
            return FileOwner.Root;
        }

        string[] parts = user.Split(':', 2);
        string userPart = parts[0];
        string? groupPart = parts.Length == 2 ? parts[1] : null;
        bool numericUser = int.TryParse(userPart, NumberStyles.None, CultureInfo.InvariantCulture, out int uid);
        bool numericGroup = int.TryParse(groupPart, NumberStyles.None, CultureInfo.InvariantCulture, out int gid);
        if (numericUser && numericGroup)
        {
            return new FileOwner(uid, gid);
        }

        string? passwd = await readFile("/etc/passwd", cancellationToken).ConfigureAwait(false);
        string[]? account = Find(passwd, userPart, numericUser ? 2 : 0);
        if (!numericUser)
        {
            if (account is null || !int.TryParse(account[2], NumberStyles.None, CultureInfo.InvariantCulture, out uid))
            {
                return null;
            }
        }

        if (groupPart is null)
        {
            return new FileOwner(uid, account is not null && int.TryParse(account[3], NumberStyles.None, CultureInfo.InvariantCulture, out int primary) ? primary : 0);
        }

        if (numericGroup)
        {
            return new FileOwner(uid, gid);
        }

        string? groups = await readFile("/etc/group", cancellationToken).ConfigureAwait(false);
        string[]? group = Find(groups, groupPart, 0);
        return group is not null && int.TryParse(group[2], NumberStyles.None, CultureInfo.InvariantCulture, out gid) ? new FileOwner(uid, gid) : null;
    }

    /// <summary>The colon-separated line whose field <paramref name="field"/> equals <paramref name="value"/>.</summary>
    internal static string[]? Find(string? file, string value, int field)
    {
        foreach (string line in (file ?? "").Split('\n'))
        {
            string[] fields = line.Trim().Split(':');
            if (fields.Length > 3 && fields[field] == value)
            {
                return fields;
            }
        }

        return null;
    }
}
