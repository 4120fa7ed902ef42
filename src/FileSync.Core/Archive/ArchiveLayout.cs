namespace FileSync.Archive;

/// <summary>
/// Where an archive is extracted (an existing folder in the target) and the folders it carries: only folders FileSync
/// creates or created, each with the owner it gives them. Folders the target already had get no entry, so the target
/// keeps their mode, owner and kind.
/// </summary>
internal sealed class ArchiveLayout(string root)
{
    /// <summary>Absolute; entry names are relative to it.</summary>
    public string Root { get; } = root;

    /// <summary>Absolute folder paths below <see cref="Root"/> to write as entries, and their owners.</summary>
    public Dictionary<string, FileOwner> Folders { get; } = new(StringComparer.Ordinal);

    /// <summary>The entry name of an absolute path below <see cref="Root"/>.</summary>
    public string EntryName(string path) => Root == "/" ? path[1..] : path[(Root.Length + 1)..];
}
