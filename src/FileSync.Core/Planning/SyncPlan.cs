namespace FileSync.Planning;

/// <summary>A destination in the container and the rule folder it sits under (parents below it are created).</summary>
internal sealed record Destination(string Path, string Root)
{
    /// <summary>The rule that produced it, a label for the dry run (not part of equality); null in plans built by hand.</summary>
    public Rules.SyncRule? Rule { get; init; }

    public bool Equals(Destination? other) => other is not null && Path == other.Path && Root == other.Root;

    public override int GetHashCode() => HashCode.Combine(Path, Root);
}

/// <summary>Send one source to one or more destinations.</summary>
internal sealed record CopyOperation(SourceFile Source, IReadOnlyList<Destination> Destinations);

/// <summary>
/// What a sync will do to one target instance, computed without touching it (Skaffold's split): copies, deletes, and
/// the state entries that only need their stat fields refreshed (touched, content unchanged).
/// </summary>
/// <param name="sources">How many sources are planned (sizes the map of destinations).</param>
internal sealed class SyncPlan(int sources = 0)
{
    public List<CopyOperation> Copies { get; } = [];

    public List<string> Deletes { get; } = [];

    /// <summary>Sources whose mtime moved but whose content hash did not: nothing to send, state refreshed.</summary>
    public List<SourceFile> Touched { get; } = [];

    /// <summary>Every destination of a current source (copied or already there), and that source's path relative to the context.</summary>
    public Dictionary<string, string> SourcesByDestination { get; } = new(sources, StringComparer.Ordinal);

    /// <summary>
    /// Known sources (by path) that left the items because a folder on their path cannot be listed, with that folder:
    /// not deleted, their state kept (an unreadable source is not a deleted one).
    /// </summary>
    public Dictionary<string, (string Folder, string Reason)> Unreadable { get; } = new(StringComparer.Ordinal);

    /// <summary>Known sources (by path) that own none of their recorded destinations any more (deleted, renamed, another
    /// rule or source took them): the state drops them unless they are sent again, kept or unreadable. Every other known
    /// source still owns what it recorded, so recording a sync need not go through them.</summary>
    public List<string> Departed { get; } = [];

    /// <summary>Known build outputs that left the sources but stay (<see cref="OutputsKept"/>): not deleted, their state kept.</summary>
    public HashSet<string> Kept { get; } = new(StringComparer.Ordinal);

    public bool HasWork => Copies.Count > 0 || Deletes.Count > 0;

    public long Bytes => Copies.Sum(copy => copy.Source.Size * copy.Destinations.Count);
}
