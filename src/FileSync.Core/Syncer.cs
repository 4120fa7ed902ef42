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
}

/// <summary>What one instance's sync did (for the task's outputs and tests).</summary>
internal sealed record SyncOutcome(string Target, int Copied, int Deleted, long Bytes, bool DryRun);

/// <summary>
/// Plans, sends, deletes and records, per target instance. State advances only for what the target confirmed:
/// a failed upload records nothing, an unconfirmed delete stays pending.
/// </summary>
internal sealed class Syncer(ILog log)
{
    public async Task<IReadOnlyList<SyncOutcome>> SyncAsync(IReadOnlyList<SourceFile> sources, IReadOnlyList<ISyncTarget> targets, SyncOptions options, CancellationToken cancellationToken)
    {
        // Replicas get the sync in parallel; each has its own state and lock.
        Task<SyncOutcome>[] syncs = targets.Select(target => SyncOneAsync(sources, target, options, cancellationToken)).ToArray();
        return await Task.WhenAll(syncs).ConfigureAwait(false);
    }

    public async Task<SyncOutcome> SyncOneAsync(IReadOnlyList<SourceFile> sources, ISyncTarget target, SyncOptions options, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        string statePath = StatePath(options.StateDirectory, target);
        using StateLock _ = await StateLock.AcquireAsync(statePath, options.LockTimeout, cancellationToken).ConfigureAwait(false);
        SyncState state = StateStore.Load(statePath, target.InstanceId, log);

        string workingDirectory = UnixPath.Clean("/" + (options.WorkingDirectory ?? target.WorkingDirectory ?? options.FallbackWorkingDirectory ?? "/"));
        FileOwner owner = options.Owner ?? await target.ResolveDefaultOwnerAsync(state, cancellationToken).ConfigureAwait(false);
        bool ownerChanged = state.Entries.Count > 0 && state.Owner != owner.ToString();
        SyncPlan plan = Planner.Plan(sources, state, workingDirectory, resendAll: ownerChanged, log, options.Probe);
        log.Detail($"FileSync: planned {plan.Copies.Count} copies, {plan.Deletes.Count} deletes against {state.Entries.Count} known files in {clock.ElapsedMilliseconds} ms");
        string label = $"{target.Kind} {target.DisplayName} ({ShortId(target.InstanceId)})";

        if (options.DryRun)
        {
            LogPlan(plan, label);
            return new SyncOutcome(label, plan.Copies.Count, plan.Deletes.Count, plan.Bytes, DryRun: true);
        }

        cancellationToken.ThrowIfCancellationRequested();
        ArchiveResult sent = new();
        if (plan.Copies.Count > 0)
        {
            try
            {
                await target.UploadAsync((stream, token) => ArchiveWriter.WriteAsync(stream, plan.Copies, owner, log, sent, token), cancellationToken).ConfigureAwait(false);
            }
            catch when (sent.Writing is { } cut)
            {
                log.Warning(Diag.UploadCut(cut, label)); // extraction is streamed: part of it may have landed
                throw;
            }

            foreach (CopyOperation copy in plan.Copies.Where(copy => sent.Sent.ContainsKey(copy.Source)))
            {
                log.Detail($"  {copy.Source.RelativePath} -> {string.Join(", ", copy.Destinations.Select(d => d.Path))}");
            }
        }

        IReadOnlyList<string> notDeleted = [];
        if (plan.Deletes.Count > 0)
        {
            if (sent.Sent.Count > 0)
            {
                // Record the confirmed upload before deleting: a failed delete must not cost a resend.
                Record(state, sources, plan, sent, plan.Deletes, workingDirectory, owner);
                Save(statePath, state);
            }

            notDeleted = await target.DeleteAsync(plan.Deletes, cancellationToken).ConfigureAwait(false);
            foreach (string path in plan.Deletes.Except(notDeleted, StringComparer.Ordinal))
            {
                log.Detail($"  delete {path}");
            }
        }

        bool changed = Record(state, sources, plan, sent, notDeleted, workingDirectory, owner);
        if (changed)
        {
            Save(statePath, state);
        }

        int deleted = plan.Deletes.Count - notDeleted.Count;
        log.Summary(plan.HasWork
            ? $"FileSync: {sent.Sent.Count} changed, {deleted} deleted ({FormatBytes(sent.Bytes)}) -> {label} in {clock.ElapsedMilliseconds} ms"
            : $"FileSync: up to date -> {label} in {clock.ElapsedMilliseconds} ms");
        return new SyncOutcome(label, sent.Sent.Count, deleted, sent.Bytes, DryRun: false);
    }

    /// <summary>Moves the state forward by exactly what the target confirmed. Returns whether anything changed.</summary>
    private static bool Record(SyncState state, IReadOnlyList<SourceFile> sources, SyncPlan plan, ArchiveResult sent, IReadOnlyList<string> notDeleted, string workingDirectory, FileOwner owner)
    {
        bool changed = sent.Sent.Count > 0 || plan.Touched.Count > 0 || plan.Deletes.Count > 0
            || state.WorkingDirectory != workingDirectory || state.Owner != owner.ToString();
        var touched = plan.Touched.ToHashSet();
        var copies = plan.Copies.ToDictionary(copy => copy.Source);
        var entries = new Dictionary<string, StateEntry>(StringComparer.Ordinal);
        foreach (SourceFile source in sources)
        {
            state.Entries.TryGetValue(source.RelativePath, out StateEntry? known);
            if (sent.Sent.TryGetValue(source, out UInt128 hash))
            {
                string[] destinations = copies[source].Destinations.Select(d => d.Path).ToArray();
                entries[source.RelativePath] = new StateEntry(source.Size, source.MtimeTicks, hash, source.Mode, source.LinkTarget, destinations);
            }
            else if (known is not null && touched.Contains(source))
            {
                entries[source.RelativePath] = known with { MtimeTicks = source.MtimeTicks };
            }
            else if (known is not null && known.Destinations.All(path => plan.Owners.TryGetValue(path, out string? owner) && owner == source.RelativePath))
            {
                entries[source.RelativePath] = known; // unchanged, or not sent this time: the container holds what it held
            }
        }

        foreach (string kept in plan.Unreadable.Keys)
        {
            entries[kept] = state.Entries[kept]; // could not be read, so not deleted: its destinations stay as they were
        }

        changed |= entries.Count != state.Entries.Count;
        state.Entries.Clear();
        foreach ((string source, StateEntry entry) in entries)
        {
            state.Entries[source] = entry;
        }

        state.PendingDeletes.Clear();
        state.PendingDeletes.UnionWith(notDeleted);
        state.WorkingDirectory = workingDirectory;
        state.Owner = owner.ToString();
        return changed;
    }

    private void Save(string statePath, SyncState state)
    {
        try
        {
            StateStore.Save(statePath, state);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Warning(Diag.StateNotWritten(statePath, e.Message));
        }
    }

    private void LogPlan(SyncPlan plan, string label)
    {
        log.Summary($"FileSync (dry run): {plan.Copies.Count} to copy, {plan.Deletes.Count} to delete ({FormatBytes(plan.Bytes)}) -> {label}; nothing was changed");
        foreach (CopyOperation copy in plan.Copies)
        {
            foreach (Destination destination in copy.Destinations)
            {
                log.Summary($"  copy   {copy.Source.RelativePath} -> {destination.Path}");
            }
        }

        foreach (string path in plan.Deletes)
        {
            log.Summary($"  delete {path}");
        }
    }

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
