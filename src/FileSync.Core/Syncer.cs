using System.Diagnostics;
using System.Globalization;
using System.IO.Hashing;
using System.Text;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Rules;
using FileSync.State;
using FileSync.Targets;

namespace FileSync;

/// <summary>How a sync runs, from the build's properties.</summary>
internal sealed record SyncOptions(string StateDirectory)
{
    /// <summary>FileSyncWorkingDirectory: wins over the container's WORKDIR.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>ContainerWorkingDirectory (SDK container support): used when the container has no WORKDIR.</summary>
    public string? FallbackWorkingDirectory { get; init; }

    public FileOwner? Owner { get; init; }

    public bool DryRun { get; init; }

    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Tells a deleted source from one the glob could not see (an unreadable folder); null: every source that left the items is deleted.</summary>
    public SourceProbe? Probe { get; init; }

    /// <summary>FileSyncAction items: run per instance after its sync, when a synced destination matches.</summary>
    public IReadOnlyList<Actions.PostSyncAction> Actions { get; init; } = [];

    /// <summary>A skaffold.yaml artifact's sync.hooks: run before and after each instance's sync that has work; null: none.</summary>
    public Skaffold.HookRunner? Hooks { get; init; }

    /// <summary>The build outputs' rule (FileSyncIncludeBuildOutput), null without: tells a target where the launcher goes.</summary>
    public SyncRule? OutputRule { get; init; }

    /// <summary>Build outputs that stay in the container although not among the sources; null: none.</summary>
    public OutputsKept? KeptOutputs { get; init; }

    /// <summary>How often a running upload reports what it sent so far (FSYNC7050), and the clock that times it.</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(2);

    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <summary>A resident process's states kept between syncs (FileSyncWatch, the sync server); null: read each time.</summary>
    public StateCache? States { get; init; }
}

/// <summary>What one instance's sync did (for the task's outputs and tests).</summary>
internal sealed record SyncOutcome(string Target, int Copied, int Deleted, long Bytes, bool DryRun)
{
    /// <summary>What was planned for this instance (the task's FileSyncPlanned items).</summary>
    public SyncPlan? Plan { get; init; }
}

/// <summary>
/// Plans, sends, deletes and records, per target instance. State advances only for what the target confirmed:
/// a failed upload records nothing, an unconfirmed delete stays pending.
/// </summary>
internal sealed class Syncer(ILog log)
{
    /// <summary>
    /// Syncs every instance, in parallel, and reports each one's outcome: a failing replica's coded error is logged
    /// (naming it when there are several) without hiding another's, and the others still record their state and print
    /// their summary. Returns the outcomes of the instances that succeeded; the caller fails the build on logged errors.
    /// </summary>
    public async Task<IReadOnlyList<SyncOutcome>> SyncAsync(IReadOnlyList<SourceFile> sources, IReadOnlyList<ISyncTarget> targets, SyncOptions options, CancellationToken cancellationToken)
    {
        // Each has its own state and lock.
        Task<SyncOutcome>[] syncs = targets.Select(target => SyncOneAsync(sources, target, options, cancellationToken)).ToArray();
        var outcomes = new List<SyncOutcome>(syncs.Length);
        Exception? unexpected = null;
        for (int i = 0; i < syncs.Length; i++)
        {
            try
            {
                outcomes.Add(await syncs[i].ConfigureAwait(false));
            }
            catch (FileSyncException e)
            {
                Failed(targets[i], e.Diagnostic, several: syncs.Length > 1);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Failed(targets[i], Diag.FileOperationFailed(e.Message), several: syncs.Length > 1);
            }
            catch (Exception e)
            {
                unexpected ??= e; // cancellation (or a defect): rethrown once every instance has finished
            }
        }

        if (unexpected is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(unexpected);
        }

        return outcomes;
    }

    private void Failed(ISyncTarget target, Diagnostic error, bool several)
    {
        log.Error(error);
        if (several)
        {
            log.Summary($"FileSync: failed ({error.Code}) -> {Label(target)}");
        }
    }

    internal static string Label(ISyncTarget target) => $"{target.Kind} {target.DisplayName} ({ShortId(target.InstanceId)})";

    public async Task<SyncOutcome> SyncOneAsync(IReadOnlyList<SourceFile> sources, ISyncTarget target, SyncOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string statePath = StatePath(options.StateDirectory, target);
        using StateLock _ = await StateLock.AcquireAsync(statePath, options.LockTimeout, cancellationToken).ConfigureAwait(false);
        string workingDirectory = UnixPath.Clean("/" + (options.WorkingDirectory ?? target.WorkingDirectory ?? options.FallbackWorkingDirectory ?? "/"));
        string outputBase = UnixPath.Clean("/" + (options.WorkingDirectory ?? target.WorkingDirectory ?? options.FallbackWorkingDirectory ?? "/app")); // build outputs: /app when nothing says
        IEnumerable<string> destinationFolders = DestinationFolders(sources, workingDirectory, outputBase);
        SyncState state = options.States is { } states ? states.Load(statePath, target.InstanceId, log, destinationFolders) : StateStore.Load(statePath, target.InstanceId, log, destinationFolders);
        if (target is IActionTarget actionTarget && options.OutputRule is { } outputRule)
        {
            actionTarget.OutputFolder = outputRule.DestinationRoot(outputBase); // deletes and actions may need the launcher there
        }

        FileOwner owner = options.Owner ?? await target.ResolveDefaultOwnerAsync(state, cancellationToken).ConfigureAwait(false);
        bool ownerChanged = state.Entries.Count > 0 && state.AppliedOwner != owner.ToString();
        SyncPlan plan = Planner.Plan(sources, state, workingDirectory, resendAll: ownerChanged, log, options.Probe, outputBase, options.KeptOutputs);
        log.Detail($"FileSync: planned {plan.Copies.Count} copies, {plan.Deletes.Count} deletes against {state.Entries.Count} known files in {clock.ElapsedMilliseconds} ms");
        string label = $"{target.Kind} {target.DisplayName} ({ShortId(target.InstanceId)})";

        if (options.DryRun)
        {
            LogPlan(plan, label);
            return new SyncOutcome(label, plan.Copies.Count, plan.Deletes.Count, plan.Bytes, DryRun: true) { Plan = plan };
        }

        cancellationToken.ThrowIfCancellationRequested();
        Skaffold.HookFiles? hookFiles = null;
        if (options.Hooks is { } hooks && plan.HasWork)
        {
            // Before anything is copied: a failing before hook stops this sync with nothing sent and nothing recorded.
            hookFiles = Skaffold.HookFiles.Of(plan, state, sources, hooks.Context);
            await hooks.RunAsync(before: true, target, label, hookFiles, cancellationToken).ConfigureAwait(false);
        }

        ArchiveResult sent = new();
        var written = new HashSet<string>(StringComparer.Ordinal); // destinations the target confirmed, for the actions
        var notDeleted = new List<string>();
        var deletes = new List<string>(plan.Deletes);
        bool foldersChanged = false;
        bool stateWritable = true; // false: the write-ahead already warned FSYNC3003; the later saves would repeat it
        if (plan.Copies.Count > 0)
        {
            FolderPlan folders = await FolderPlanner.PlanAsync(plan, state, target, owner, label, log, cancellationToken).ConfigureAwait(false);
            List<CopyOperation> copies = await ClearTheWayAsync(folders, state, target, label, notDeleted, cancellationToken).ConfigureAwait(false);
            if (folders.DeletesFirst.Count > 0 || folders.FoldersToRemove.Count > 0)
            {
                // What was deleted or removed is gone, whatever the upload does next.
                deletes.RemoveAll(folders.DeletesFirst.Contains);
                Recorder.Record(state, sources, plan, sent, [.. deletes, .. notDeleted], workingDirectory, owner);
                Save(statePath, state);
                foldersChanged = true;
            }

            if (copies.Count > 0)
            {
                var undo = new Dictionary<string, StateEntry>(StringComparer.Ordinal);
                var noted = new List<string>();
                stateWritable = RecordInFlight(statePath, state, copies, undo, noted);
                try
                {
                    using var progress = new SyncProgress(log, sent, label, copies.Count, copies.Sum(copy => copy.Source.Size * copy.Destinations.Count), options.Clock, options.ProgressInterval);
                    await UploadAsync(target, folders.Layout, copies, owner, plan, label, sent, log, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (stateWritable)
                {
                    // The note is taken back for what cannot have landed, so a file the image has at a destination is never
                    // deleted because of a sync that did not replace it: everything when the engine refused before
                    // extracting (read-only root, paused), else the copies the archive never reached.
                    bool nothingWritten = e is FileSyncException { Diagnostic.Code: "FSYNC2012" or "FSYNC2030" };
                    foreach (CopyOperation copy in copies.Where(copy => nothingWritten
                        || (!sent.Sent.ContainsKey(copy.Source) && !copy.Destinations.Any(d => d.Path == sent.Writing))))
                    {
                        state.PendingDeletes.ExceptWith(copy.Destinations.Select(d => d.Path).Where(noted.Contains));
                        if (undo.TryGetValue(copy.Source.RelativePath, out StateEntry? entry))
                        {
                            state.Entries[copy.Source.RelativePath] = entry;
                        }
                    }

                    Save(statePath, state);
                    throw;
                }
                foldersChanged |= !state.CreatedFolders.IsSupersetOf(sent.Folders);
                state.CreatedFolders.UnionWith(sent.Folders);
            }

            foreach (CopyOperation copy in copies.Where(copy => sent.Sent.ContainsKey(copy.Source)))
            {
                written.UnionWith(copy.Destinations.Select(d => d.Path));
                log.Detail($"  {copy.Source.RelativePath} -> {string.Join(", ", copy.Destinations.Select(d => d.Path))}");
            }
        }

        if (deletes.Count > 0)
        {
            if (sent.Sent.Count > 0 && stateWritable)
            {
                // Record the confirmed upload before deleting: a failed delete must not cost a resend.
                Recorder.Record(state, sources, plan, sent, [.. deletes, .. notDeleted], workingDirectory, owner);
                Save(statePath, state);
            }

            IReadOnlyList<string> failed = await target.DeleteAsync(deletes, cancellationToken).ConfigureAwait(false);
            notDeleted.AddRange(failed);
            foreach (string path in deletes.Except(failed, StringComparer.Ordinal))
            {
                log.Detail($"  delete {path}");
            }
        }

        bool changed = Recorder.Record(state, sources, plan, sent, notDeleted, workingDirectory, owner) | foldersChanged;
        if (changed && stateWritable)
        {
            Save(statePath, state);
        }

        int deleted = plan.Deletes.Count - notDeleted.Count;
        log.Summary(plan.HasWork
            ? $"FileSync: {sent.Sent.Count} changed, {deleted} deleted ({FormatBytes(sent.Bytes)}) -> {label} in {clock.ElapsedMilliseconds} ms"
            : $"FileSync: up to date -> {label} in {clock.ElapsedMilliseconds} ms");
        if (options.Hooks is { } afterHooks && hookFiles is not null)
        {
            await afterHooks.RunAsync(before: false, target, label, hookFiles, cancellationToken).ConfigureAwait(false);
        }

        if (options.Actions.Count > 0 && plan.HasWork)
        {
            written.UnionWith(plan.Deletes.Except(notDeleted, StringComparer.Ordinal));
            string[] planned = [.. plan.Copies.SelectMany(copy => copy.Destinations.Select(d => d.Path)), .. plan.Deletes];
            await new Actions.ActionRunner(log).RunAsync(target, options.Actions, planned, written, workingDirectory, cancellationToken).ConfigureAwait(false);
        }

        return new SyncOutcome(label, sent.Sent.Count, deleted, sent.Bytes, DryRun: false) { Plan = plan };
    }

    /// <summary>
    /// Kind changes: old files where a folder now goes are deleted, and folders FileSync created where a file now goes
    /// are removed (only when empty), before the upload. Returns the copies whose way is clear.
    /// </summary>
    private async Task<List<CopyOperation>> ClearTheWayAsync(FolderPlan folders, SyncState state, ISyncTarget target, string label, List<string> notDeleted, CancellationToken cancellationToken)
    {
        var blocked = new List<string>();
        if (folders.DeletesFirst.Count > 0)
        {
            IReadOnlyList<string> failed = await target.DeleteAsync([.. folders.DeletesFirst], cancellationToken).ConfigureAwait(false);
            notDeleted.AddRange(failed);
            blocked.AddRange(failed);
            foreach (string path in folders.DeletesFirst.Except(failed, StringComparer.Ordinal))
            {
                log.Detail($"  delete {path} (a folder goes there)");
            }
        }

        if (folders.FoldersToRemove.Count > 0)
        {
            IReadOnlyList<string> kept = await target.RemoveFoldersAsync([.. folders.FoldersToRemove.Select(removal => removal.Folder)], cancellationToken).ConfigureAwait(false);
            state.CreatedFolders.ExceptWith(folders.FoldersToRemove.Select(removal => removal.Folder).Except(kept, StringComparer.Ordinal));
            foreach ((string folder, string source) in folders.FoldersToRemove.Where(removal => kept.Contains(removal.Folder, StringComparer.Ordinal)))
            {
                if (!kept.Any(other => folder.StartsWith(other + "/", StringComparison.Ordinal)))
                {
                    log.Error(Diag.FolderNotRemoved(label, folder, source)); // once, for the outermost folder kept
                }
            }

            blocked.AddRange(kept);
        }

        return folders.CopiesClearOf(blocked);
    }

    private static async Task UploadAsync(ISyncTarget target, ArchiveLayout layout, List<CopyOperation> copies, FileOwner owner, SyncPlan plan, string label, ArchiveResult sent, ILog log, CancellationToken cancellationToken)
    {
        try
        {
            await target.UploadAsync(layout.Root, (stream, token) => ArchiveWriter.WriteAsync(stream, copies, layout, owner, log, sent, token), cancellationToken).ConfigureAwait(false);
        }
        catch (FileSyncException e) when (e.InnerException is EngineRefusal refusal)
        {
            // The target knows the path; the plan knows which source goes there.
            string source = plan.SourcesByDestination.TryGetValue(refusal.Path, out string? exact) ? exact
                : plan.SourcesByDestination.FirstOrDefault(pair => pair.Key.StartsWith(refusal.Path + "/", StringComparison.Ordinal)).Value ?? refusal.Path;
            throw new FileSyncException(Diag.ReplaceRefused(label, refusal.HeldFolder ? "folder" : "file", refusal.Path, source, refusal.HeldFolder ? "file" : "folder"), e);
        }
        catch when (sent.Writing is { } cut)
        {
            log.Warning(Diag.UploadCut(cut, label)); // extraction is streamed: part of it may have landed
            throw;
        }
    }

    /// <summary>
    /// Write-ahead for destinations the state does not know yet: they are recorded as pending deletes before they are
    /// sent, so an upload that lands but is never recorded (an engine that fails after extracting, Ctrl+C, kill -9, a
    /// state that cannot be written afterwards) cannot leave a file FileSync forgets: once its source is gone the next
    /// sync deletes it. While the source exists the planner never deletes its own destination; it is sent again.
    /// A known file that is sent again loses its recorded hash first: a cut copy of the new content may be in the target,
    /// so a source reverted to the recorded content (same size, new mtime) must be sent, not taken as merely touched.
    /// A state that cannot take this record (a read-only or full state folder) is warned about once (FSYNC3003) and the
    /// sync goes on as before this note existed. Returns false then. <paramref name="undo"/> and <paramref name="noted"/>
    /// receive what was changed, to take it back for what a failed upload did not reach.
    /// </summary>
    private bool RecordInFlight(string statePath, SyncState state, List<CopyOperation> copies, Dictionary<string, StateEntry> undo, List<string> noted)
    {
        // Every known destination only when a copy goes somewhere its own entry does not (a new file, a changed rule):
        // a changed file of 100,000 known ones is looked up in its own entry.
        HashSet<string>? known = null;
        foreach (CopyOperation copy in copies)
        {
            state.Entries.TryGetValue(copy.Source.RelativePath, out StateEntry? entry);
            foreach (Destination destination in copy.Destinations)
            {
                if (entry?.Destinations.Contains(destination.Path, StringComparer.Ordinal) != true
                    && !(known ??= new HashSet<string>(state.Entries.Values.SelectMany(other => other.Destinations), StringComparer.Ordinal)).Contains(destination.Path)
                    && state.PendingDeletes.Add(destination.Path))
                {
                    noted.Add(destination.Path);
                }
            }

            if (entry is not null && entry.Hash != StateEntry.UnknownHash)
            {
                undo[copy.Source.RelativePath] = entry;
                state.Entries[copy.Source.RelativePath] = entry with { Hash = StateEntry.UnknownHash };
            }
        }

        return (undo.Count == 0 && noted.Count == 0) || Save(statePath, state);
    }

    private bool Save(string statePath, SyncState state)
    {
        try
        {
            StateStore.Save(statePath, state);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning(Diag.StateNotWritten(statePath, e.Message));
            return false;
        }
    }

    private void LogPlan(SyncPlan plan, string label)
    {
        log.Summary($"FileSync (dry run): {plan.Copies.Count} to copy, {plan.Deletes.Count} to delete ({FormatBytes(plan.Bytes)}) -> {label}; nothing was changed");
        foreach (CopyOperation copy in plan.Copies)
        {
            foreach (Destination destination in copy.Destinations)
            {
                log.Summary($"  copy   {copy.Source.RelativePath} -> {destination.Path}{(destination.Rule is { } rule ? $"  [{rule.Describe()}]" : "")}");
            }
        }

        foreach (string path in plan.Deletes)
        {
            log.Summary($"  delete {path}");
        }
    }

    /// <summary>The rules' destination folders (deferred: only a discarded state names them).</summary>
    private static IEnumerable<string> DestinationFolders(IReadOnlyList<SourceFile> sources, string workingDirectory, string outputBase) =>
        sources.SelectMany(source => source.Rules).Distinct().Select(rule => rule.DestinationRoot(rule.BaseFor(workingDirectory, outputBase)));

    /// <summary>One state file per target instance: a replaced container starts from nothing and gets everything.</summary>
    internal static string StatePath(string stateDirectory, ISyncTarget target)
    {
        ulong key = XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(target.InstanceId));
        return Path.Combine(stateDirectory, $"{target.Kind}-{key:x16}.state");
    }

    internal static string ShortId(string instanceId)
    {
        string id = instanceId.StartsWith("dir:", StringComparison.Ordinal)
            ? XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(instanceId)).ToString("x16", CultureInfo.InvariantCulture)
            : instanceId;
        return id.Length > 12 ? id[..12] : id;
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KB"),
        < 1024L * 1024 * 1024 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.00} GB"),
    };
}
