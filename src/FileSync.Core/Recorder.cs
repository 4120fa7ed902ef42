using FileSync.Archive;
using FileSync.Planning;
using FileSync.State;

namespace FileSync;

/// <summary>Moves a state forward by exactly what a sync's target confirmed (see <see cref="Syncer"/>).</summary>
internal static class Recorder
{
    /// <summary>Moves the state forward by exactly what the target confirmed. Returns whether anything changed.</summary>
    /// <remarks>In place: of 100,000 entries only those that change are written (a table rebuilt whole per sync is most
    /// of a one-file sync's time); the order of the entries that stay is kept (the journal's record walks them in step).</remarks>
    public static bool Record(SyncState state, IReadOnlyList<SourceFile> sources, SyncPlan plan, ArchiveResult sent, IReadOnlyList<string> notDeleted, string workingDirectory, FileOwner owner)
    {
        // Files not sent under a new owner still have the old one: kept (so a delete still finds them), but resent.
        bool ownerChanged = state.AppliedOwner != owner.ToString();
        bool changed = sent.Sent.Count > 0 || plan.Touched.Count > 0 || plan.Deletes.Count > 0
            || state.WorkingDirectory != workingDirectory || ownerChanged;
        var touched = plan.Touched.ToHashSet();
        var kept = plan.Unreadable.Keys.Concat(plan.Kept).Distinct(StringComparer.Ordinal).ToDictionary(key => key, key => state.Entries[key], StringComparer.Ordinal);
        if (!ownerChanged)
        {
            changed |= RecordChanges(state, plan, sent, kept, touched);
            Settle(state, notDeleted, workingDirectory, owner);
            return changed;
        }

        var copies = plan.Copies.ToDictionary(copy => copy.Source);
        int staying = 0; // sources (by path) that keep an entry
        string? path = null;
        StateEntry? known = null; // the path's entry as it was before this loop: sources are sorted, a path twice comes in a row
        bool set = false;
        foreach (SourceFile source in sources)
        {
            if (source.RelativePath != path)
            {
                path = source.RelativePath;
                state.Entries.TryGetValue(path, out known);
                set = false;
            }

            StateEntry? next = null;
            if (sent.Sent.TryGetValue(source, out Planning.Hash128 hash))
            {
                next = Sent(copies[source], hash);
            }
            else if (known is not null && touched.Contains(source))
            {
                next = known with { MtimeTicks = source.MtimeTicks };
            }
            else if (known is not null && known.Destinations.All(destination => plan.SourcesByDestination.TryGetValue(destination, out string? current) && current == path))
            {
                // unchanged, or not sent this time: the container holds what it held
                next = ownerChanged ? known with { Hash = StateEntry.UnknownHash } : known;
            }

            if (next is not null)
            {
                staying += set ? 0 : 1;
                set = true;
                if (!state.Entries.TryGetValue(path, out StateEntry? now) || !ReferenceEquals(now, next))
                {
                    state.Entries[path] = next;
                }
            }
            else if (!set && known is not null)
            {
                changed |= state.Entries.Remove(path); // a later source of the same path may set it again
            }
        }

        foreach ((string key, StateEntry entry) in kept)
        {
            state.Entries[key] = entry; // could not be read, so not deleted: its destinations stay as they were
        }

        if (state.Entries.Count != staying + kept.Count)
        {
            // Known sources that left the sources (deleted, or a rule that no longer takes them): gone from the state.
            var current = new HashSet<string>(sources.Select(source => source.RelativePath), StringComparer.Ordinal);
            foreach (string key in state.Entries.Keys.Where(key => !current.Contains(key) && !kept.ContainsKey(key)).ToList())
            {
                state.Entries.Remove(key);
            }

            changed = true;
        }

        Settle(state, notDeleted, workingDirectory, owner);
        return changed;
    }

    /// <summary>
    /// The state moved by what the plan changed only: every known source the plan did not name still owns what it
    /// recorded (<see cref="SyncPlan.Departed"/> names those that do not), so of 100,000 entries only the sent, touched,
    /// departed and kept ones are written.
    /// </summary>
    private static bool RecordChanges(SyncState state, SyncPlan plan, ArchiveResult sent, Dictionary<string, StateEntry> kept, HashSet<SourceFile> touched)
    {
        bool changed = false;
        foreach (string departed in plan.Departed)
        {
            changed |= state.Entries.Remove(departed);
        }

        foreach (SourceFile source in touched)
        {
            if (state.Entries.TryGetValue(source.RelativePath, out StateEntry? known))
            {
                state.Entries[source.RelativePath] = known with { MtimeTicks = source.MtimeTicks };
            }
        }

        foreach (CopyOperation copy in plan.Copies)
        {
            string path = copy.Source.RelativePath;
            if (sent.Sent.TryGetValue(copy.Source, out Planning.Hash128 hash))
            {
                state.Entries[path] = Sent(copy, hash);
            }
            else if (state.Entries.TryGetValue(path, out StateEntry? known)
                && !known.Destinations.All(destination => plan.SourcesByDestination.TryGetValue(destination, out string? current) && current == path))
            {
                changed |= state.Entries.Remove(path); // not sent, and what it recorded is another's now
            }
        }

        foreach ((string key, StateEntry entry) in kept)
        {
            state.Entries[key] = entry; // could not be read, so not deleted: its destinations stay as they were
        }

        return changed;
    }

    private static StateEntry Sent(CopyOperation copy, Planning.Hash128 hash)
    {
        SourceFile source = copy.Source;
        return new StateEntry(source.Size, source.MtimeTicks, hash, source.Mode, source.LinkTarget, [.. copy.Destinations.Select(d => d.Path)]);
    }

    private static void Settle(SyncState state, IReadOnlyList<string> notDeleted, string workingDirectory, FileOwner owner)
    {
        state.PendingDeletes.Clear();
        state.PendingDeletes.UnionWith(notDeleted);
        state.WorkingDirectory = workingDirectory;
        state.AppliedOwner = owner.ToString();
    }

}
