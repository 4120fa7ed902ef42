using FileSync.Diagnostics;
using FileSync.Rules;
using FileSync.State;

namespace FileSync.Planning;

/// <summary>
/// Compares the sources (stat only) with what a target instance is known to hold and decides what to send and
/// delete. Size+mtime is the fast path; a file whose stat moved but size did not is hashed to confirm.
/// </summary>
internal static class Planner
{
    /// <param name="outputBase">What build outputs' relative FileSyncOutputDest resolves against; null: the working directory.</param>
    /// <param name="keptOutputs">Build outputs that stay although not among the sources; null: none.</param>
    public static SyncPlan Plan(IReadOnlyList<SourceFile> sources, SyncState state, string workingDirectory, bool resendAll, ILog log, SourceProbe? probe = null, string? outputBase = null, OutputsKept? keptOutputs = null)
    {
        var plan = new SyncPlan(sources.Count);
        // Only a destination two sources share needs the first one's file (rare): looked up then, not recorded for each.
        var bySource = new Lazy<Dictionary<string, SourceFile>>(() => sources.DistinctBy(source => source.RelativePath).ToDictionary(source => source.RelativePath, StringComparer.Ordinal));
        foreach (SourceFile source in sources)
        {
            IReadOnlyList<Destination> destinations = Map(source, workingDirectory, outputBase, plan, bySource, log);
            if (destinations.Count == 0)
            {
                continue;
            }

            state.Entries.TryGetValue(source.RelativePath, out StateEntry? known);
            switch (resendAll ? Change.Content : Compare(source, known, destinations))
            {
                case Change.None:
                    break;
                case Change.Touched:
                    plan.Touched.Add(source);
                    break;
                default:
                    plan.Copies.Add(new CopyOperation(source, destinations));
                    break;
            }
        }

        // Whatever the instance holds that no current source owns any more: deleted sources, changed rules, retries.
        var deletes = new SortedSet<string>(state.PendingDeletes, StringComparer.Ordinal);
        HashSet<string>? current = null; // made only when a known build output may be kept
        foreach ((string known, StateEntry entry) in state.Entries)
        {
            // One look-up per destination: a current source's own destinations are neither deleted nor probed (most known files).
            bool owned = false;
            List<string>? orphaned = null;
            foreach (string destination in entry.Destinations)
            {
                if (plan.SourcesByDestination.TryGetValue(destination, out string? owner))
                {
                    owned |= owner == known;
                }
                else
                {
                    (orphaned ??= []).Add(destination);
                }
            }

            if (owned && orphaned is null)
            {
                continue;
            }

            if (!owned)
            {
                plan.Departed.Add(known);
            }

            if (keptOutputs is not null && keptOutputs.Keeps(known)
                && !(current ??= new HashSet<string>(sources.Select(source => source.RelativePath), StringComparer.Ordinal)).Contains(known))
            {
                plan.Kept.Add(known);
            }
            else if (owned || probe is null || !KeepUnreadable(known, plan, probe))
            {
                deletes.UnionWith(orphaned ?? []); // a current source's destination never is
            }
        }

        foreach (string kept in plan.Kept)
        {
            deletes.ExceptWith(state.Entries[kept].Destinations); // a pending retry of them waits too
        }

        deletes.ExceptWith(plan.SourcesByDestination.Keys);
        ReportUnreadable(plan, state, deletes, log);
        plan.Deletes.AddRange(deletes);
        return plan;
    }

    /// <summary>
    /// A known source that left the items but that the glob could not have seen (a folder it cannot list) is kept:
    /// unreadable is not deleted. Only sources that own none of their destinations any more are probed (the caller checks).
    /// </summary>
    private static bool KeepUnreadable(string known, SyncPlan plan, SourceProbe probe)
    {
        if (probe.FindUnlistableFolder(known) is not { } hidden)
        {
            return false;
        }

        plan.Unreadable[known] = hidden;
        return true;
    }

    private static void ReportUnreadable(SyncPlan plan, SyncState state, SortedSet<string> deletes, ILog log)
    {
        foreach (var folder in plan.Unreadable.GroupBy(kept => kept.Value.Folder, StringComparer.Ordinal))
        {
            log.Warning(Diag.SourceFolderUnreadable(folder.Key, folder.First().Value.Reason, folder.Count()));
            foreach (var kept in folder)
            {
                deletes.ExceptWith(state.Entries[kept.Key].Destinations); // even a pending retry waits until it can be read
            }
        }
    }

    private enum Change
    {
        None,
        Touched,
        Content,
    }

    private static Change Compare(SourceFile source, StateEntry? known, IReadOnlyList<Destination> destinations)
    {
        if (known is null || known.Hash == StateEntry.UnknownHash || known.Mode != source.Mode
            || known.Size != source.Size || known.LinkTarget != source.LinkTarget
            || !SameDestinations(known.Destinations, destinations))
        {
            return Change.Content;
        }

        if (known.MtimeTicks == source.MtimeTicks)
        {
            return Change.None;
        }

        try
        {
            Hash128 hash = source.Kind == SourceKind.Symlink ? ContentHash.OfText(source.LinkTarget!) : ContentHash.Of(source);
            return hash == known.Hash ? Change.Touched : Change.Content;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Change.Content; // the archive writer reports it with the file's name
        }
    }

    private static bool SameDestinations(string[] known, IReadOnlyList<Destination> current)
    {
        if (known.Length != current.Count)
        {
            return false;
        }

        for (int i = 0; i < known.Length; i++)
        {
            if (!string.Equals(known[i], current[i].Path, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Every destination of a source, sorted; one source per destination (the first, by path, wins).</summary>
    private static IReadOnlyList<Destination> Map(SourceFile source, string workingDirectory, string? outputBase, SyncPlan plan, Lazy<Dictionary<string, SourceFile>> bySource, ILog log)
    {
        Destination[] mapping = Mapping(source, workingDirectory, outputBase);
        if (mapping.Length == 1 && plan.SourcesByDestination.TryAdd(mapping[0].Path, source.RelativePath))
        {
            return mapping; // one rule, its destination free (most files): nothing to sort, no list to make
        }

        var destinations = new List<Destination>(source.Rules.Count);
        foreach (Destination mapped in mapping)
        {
            string path = mapped.Path;
            if (plan.SourcesByDestination.TryGetValue(path, out string? first))
            {
                if (first != source.RelativePath && OutputScanner.IsOutput(source.RelativePath) && !OutputScanner.IsOutput(first)
                    && bySource.Value[first].Size == source.Size)
                {
                    // A rule's file copied to the output folder too (appsettings.json): the same bytes, from the rule's source.
                    // Of another size it is another file (a rule's file over the app's own assembly): FSYNC1010 below.
                    log.Detail($"FileSync: {path} comes from the rule's '{first}', not the build output '{source.RelativePath}'");
                }
                else if (first != source.RelativePath)
                {
                    log.Warning(Diag.DestinationConflict(first, source.RelativePath, path));
                }

                continue;
            }

            plan.SourcesByDestination[path] = source.RelativePath;
            destinations.Add(mapped);
        }

        if (destinations.Count > 1)
        {
            destinations.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        }

        return destinations;
    }

    /// <summary>The destination of each rule of the source (checked against Linux's limits), kept with the source.</summary>
    private static Destination[] Mapping(SourceFile source, string workingDirectory, string? outputBase)
    {
        if (source.Mapped is { } kept && kept.WorkingDirectory == workingDirectory && kept.OutputBase == outputBase
            && kept.Rules.AsSpan().SequenceEqual(System.Runtime.InteropServices.CollectionsMarshal.AsSpan(source.Rules)))
        {
            return kept.Destinations;
        }

        var destinations = new Destination[source.Rules.Count];
        for (int i = 0; i < destinations.Length; i++)
        {
            SyncRule rule = source.Rules[i];
            string ruleBase = rule.BaseFor(workingDirectory, outputBase);
            string path = rule.MapDestination(source.RelativePath, ruleBase);
            if (!UnixPath.FitsLinuxLimits(path, out int bytes))
            {
                throw new FileSyncException(Diag.PathTooLong(path, bytes));
            }

            destinations[i] = new Destination(path, rule.DestinationRoot(ruleBase)) { Rule = rule };
        }

        source.Mapped = new SourceMapping(workingDirectory, outputBase, [.. source.Rules], destinations);
        return destinations;
    }
}
