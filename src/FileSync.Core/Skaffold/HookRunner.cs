using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using FileSync.Actions;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.State;
using FileSync.Targets;

namespace FileSync.Skaffold;

/// <summary>The files of one sync, as Skaffold hands them to host hooks: full local paths, ';'-separated.</summary>
internal sealed record HookFiles(IReadOnlyList<string> AddedOrModified, IReadOnlyList<string> Deleted)
{
    /// <summary>What <paramref name="plan"/> copies, and the known sources it deletes because they are gone (taken before the state moves on).</summary>
    public static HookFiles Of(SyncPlan plan, SyncState state, IReadOnlyList<SourceFile> sources, string context)
    {
        var current = sources.Select(source => source.RelativePath).ToHashSet(StringComparer.Ordinal);
        var deletes = plan.Deletes.ToHashSet(StringComparer.Ordinal);
        string[] copied = [.. plan.Copies.Select(copy => copy.Source.FullPath).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        string[] deleted = [.. state.Entries
            .Where(entry => !current.Contains(entry.Key) && !OutputScanner.IsOutput(entry.Key) && entry.Value.Destinations.Any(deletes.Contains))
            .Select(entry => Path.Combine(context, entry.Key))
            .Order(StringComparer.Ordinal)];
        return new HookFiles(copied, deleted);
    }
}

/// <summary>
/// Runs a skaffold.yaml artifact's <c>sync.hooks</c> around each target instance's sync that copies or deletes something,
/// as Skaffold runs them around each sync: in order, host commands on this machine (argv, no shell, with Skaffold's
/// SKAFFOLD_* variables; skipped where <c>os</c> does not name this system), container commands exec'd in the target.
/// A failing hook is a coded error: a before hook's stops that instance's sync before anything is copied.
/// </summary>
internal sealed class HookRunner(SyncHooks hooks, string context, ILog log)
{
    /// <summary>Host commands of several instances' syncs (replicas sync in parallel) run one at a time.</summary>
    private readonly SemaphoreSlim _hostGate = new(1, 1);

    public SyncHooks Hooks => hooks;

    public string Context => context;

    public async Task RunAsync(bool before, ISyncTarget target, string label, HookFiles files, CancellationToken cancellationToken)
    {
        IReadOnlyList<SyncHook> list = before ? hooks.Before : hooks.After;
        foreach (SyncHook hook in list)
        {
            if (!hook.RunsHere)
            {
                log.Detail($"FileSync: {hook.Describe()} skipped: its os ({string.Join(",", hook.Os)}) does not name {SyncHook.ThisOs}");
                continue;
            }

            var clock = Stopwatch.StartNew();
            ActionResult result;
            if (hook.OnHost)
            {
                await _hostGate.WaitAsync(cancellationToken).ConfigureAwait(false);
                try
                {
                    result = await RunHostAsync(hook, files, before, label, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    _hostGate.Release();
                }
            }
            else if (target is IActionTarget container)
            {
                result = await container.ExecAsync(hook.Command, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                log.Warning(Diag.HookNeedsContainer(hook.Describe(), hook.CommandText(), label));
                continue;
            }

            foreach (string line in Lines(result.StdOut).Concat(Lines(result.StdErr)))
            {
                log.Summary($"  {line}");
            }

            if (result.ExitCode != 0)
            {
                string output = ActionRunner.FirstLines(result.StdErr.Trim().Length > 0 ? result.StdErr : result.StdOut);
                throw new FileSyncException(before
                    ? Diag.HookBeforeFailed(hook.Describe(), hook.CommandText(), label, result.ExitCode, output)
                    : Diag.HookAfterFailed(hook.Describe(), hook.CommandText(), label, result.ExitCode, output));
            }

            log.Summary($"FileSync: {hook.Describe()} {hook.CommandText()} -> {(hook.OnHost ? "this machine" : label)} in {clock.ElapsedMilliseconds} ms");
        }
    }

    private async Task<ActionResult> RunHostAsync(SyncHook hook, HookFiles files, bool before, string label, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(hook.Command[0])
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = hook.Dir ?? Path.GetDirectoryName(hooks.File) ?? "",
        };
        foreach (string argument in hook.Command.Skip(1))
        {
            start.ArgumentList.Add(argument);
        }

        foreach ((string name, string value) in Environment(files))
        {
            // Skaffold appends the machine's environment after its own variables, so a variable already set there wins.
            start.Environment.TryAdd(name, value);
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new Win32Exception("no process was started");
        }
        catch (Exception e) when (e is Win32Exception or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            string reason = Directory.Exists(start.WorkingDirectory) ? e.Message : $"its dir '{start.WorkingDirectory}' does not exist";
            throw new FileSyncException(Diag.HookNotStarted(hook.Describe(), hook.CommandText(), reason, before ? $"nothing was synced to {label}" : $"the files are synced to {label}"));
        }

        using (process)
        {
            process.StandardInput.Close(); // a hook never waits on the build's console
            var stdout = new StringBuilder();
            var stderr = new StringBuilder();
            Task pumps = Task.WhenAll(PumpAsync(process.StandardOutput, stdout), PumpAsync(process.StandardError, stderr));
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);

                // A process the hook left running in the background ('server &') may hold its output open for good:
                // the hook is done when its own process is, so its output is read only a little longer.
                await Task.WhenAny(pumps, Task.Delay(OutputGrace, cancellationToken)).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            lock (stdout)
            {
                lock (stderr)
                {
                    return new ActionResult(process.ExitCode, stdout.ToString(), stderr.ToString());
                }
            }
        }
    }

    /// <summary>How long a hook's output is still read after its process exited.</summary>
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(1);

    private static async Task PumpAsync(StreamReader reader, StringBuilder text)
    {
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                lock (text)
                {
                    text.Append(buffer, 0, read);
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            // The pipe closed under us (the Process was disposed while a background child held it): what was read is kept.
        }
    }

    /// <summary>Exactly the variables Skaffold gives sync hooks (hooks/env.go: the static ones FileSync has, then SyncEnvOpts).</summary>
    internal IEnumerable<(string Name, string Value)> Environment(HookFiles files)
    {
        yield return ("SKAFFOLD_WORK_DIR", Path.GetDirectoryName(hooks.File) ?? "");
        yield return ("SKAFFOLD_IMAGE", hooks.Image);
        yield return ("SKAFFOLD_BUILD_CONTEXT", hooks.BuildContext);
        yield return ("SKAFFOLD_FILES_ADDED_OR_MODIFIED", string.Join(';', files.AddedOrModified));
        yield return ("SKAFFOLD_FILES_DELETED", string.Join(';', files.Deleted));
        yield return ("SKAFFOLD_KUBE_CONTEXT", "");
        yield return ("SKAFFOLD_NAMESPACES", "");
    }

    private static IEnumerable<string> Lines(string text) =>
        text.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Length > 0);
}
