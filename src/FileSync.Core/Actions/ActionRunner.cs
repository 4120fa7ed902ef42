using System.Diagnostics;
using FileSync.Diagnostics;
using FileSync.Targets;

namespace FileSync.Actions;

/// <summary>
/// Runs one instance's post-sync actions, in item order, after its sync succeeded: an action runs when a destination
/// this sync copied or deleted matches it, and only if every such destination was confirmed. A failing action is a
/// coded error (the synced files stay synced and recorded).
/// </summary>
internal sealed class ActionRunner(ILog log)
{
    private const int StderrLines = 10;

    /// <param name="planned">Destinations this sync meant to copy or delete.</param>
    /// <param name="confirmed">Those the target confirmed (written, or deleted).</param>
    public async Task RunAsync(ISyncTarget target, IReadOnlyList<PostSyncAction> actions, IReadOnlyCollection<string> planned, IReadOnlySet<string> confirmed, string workingDirectory, CancellationToken cancellationToken)
    {
        string label = Syncer.Label(target);
        foreach (PostSyncAction action in actions)
        {
            List<string> matched = planned.Where(path => action.Matches(path, workingDirectory)).ToList();
            if (matched.Count == 0)
            {
                continue;
            }

            List<string> unconfirmed = matched.Where(path => !confirmed.Contains(path)).ToList();
            if (unconfirmed.Count > 0)
            {
                log.Warning(Diag.ActionSkipped(action.Description, label, unconfirmed.Count, Describe(unconfirmed)));
                continue;
            }

            if (target is not IActionTarget runner)
            {
                log.Warning(Diag.ActionsNotSupported(action.Description, label));
                continue;
            }

            var clock = Stopwatch.StartNew();
            switch (action.Kind)
            {
                case ActionKind.Restart:
                    await runner.RestartAsync(cancellationToken).ConfigureAwait(false);
                    break;
                case ActionKind.Process:
                    Check(action, label, await runner.RestartProcessAsync(matched, cancellationToken).ConfigureAwait(false), process: true);
                    break;
                default:
                    Check(action, label, await runner.ExecAsync(action.Command, cancellationToken).ConfigureAwait(false), process: false);
                    break;
            }

            log.Summary($"FileSync: {action.Description} ({matched.Count} matching file(s)) -> {label} in {clock.ElapsedMilliseconds} ms");
        }
    }

    private static void Check(PostSyncAction action, string label, ActionResult result, bool process)
    {
        if (result.ExitCode == 0)
        {
            return;
        }

        string output = FirstLines(result.StdErr.Trim().Length > 0 ? result.StdErr : result.StdOut);
        if (process && result.ExitCode == 3)
        {
            throw new FileSyncException(Diag.LauncherNotRunning(label, output)); // the launcher's own "nobody listens" status
        }

        throw new FileSyncException(Diag.ActionFailed(label, action.Description, result.ExitCode, output));
    }

    internal static string FirstLines(string text)
    {
        string[] lines = text.Trim().Split('\n').Select(line => line.TrimEnd('\r')).ToArray();
        if (lines.Length == 1 && lines[0].Length == 0)
        {
            return "(no output)";
        }

        IEnumerable<string> shown = lines.Take(StderrLines).Select(line => line.Length > 300 ? line[..300] + "..." : line);
        return string.Join(" | ", shown) + (lines.Length > StderrLines ? $" | ... ({lines.Length - StderrLines} more line(s))" : "");
    }

    private static string Describe(List<string> paths) =>
        paths.Count <= 5 ? string.Join(", ", paths) : string.Join(", ", paths.Take(5)) + $" and {paths.Count - 5} more";
}
