using FileSync.Diagnostics;

namespace FileSync.Actions;

internal enum ActionKind
{
    /// <summary>Restart the container (Docker: the Engine API; its writable layer, with the synced files, survives).</summary>
    Restart,

    /// <summary>Restart only the app's process, through filesync-launcher in the container.</summary>
    Process,

    /// <summary>Run a command (argv, no shell) in the container; its exit status is checked.</summary>
    Exec,
}

/// <summary>One FileSyncAction item: what to do after a sync whose copied or deleted destinations match <see cref="Match"/>.</summary>
internal sealed record PostSyncAction(ActionKind Kind, DestinationGlob? Match, IReadOnlyList<string> Command)
{
    /// <summary>"exec /app/reload --soft", "process", ...: how messages name it.</summary>
    public string Description => Kind == ActionKind.Exec ? "exec " + string.Join(' ', Command) : Kind.ToString().ToLowerInvariant();

    /// <summary>
    /// From the item's Include, Match and Command: a ';'-separated argv in MSBuild's escaped form, split before it is
    /// unescaped, so that <c>%3B</c> is a ';' inside an argument and <c>%5C</c> a backslash (MSBuild turns a plain '\'
    /// in metadata into '/' on Linux and macOS). A coded error when it cannot be used.
    /// </summary>
    public static PostSyncAction Create(string include, string? match, string? command)
    {
        string name = include.Trim();
        ActionKind kind = name.ToLowerInvariant() switch
        {
            "restart" => ActionKind.Restart,
            "process" => ActionKind.Process,
            "exec" => ActionKind.Exec,
            _ => throw new FileSyncException(Diag.UnknownActionKind(name)),
        };

        string[] argv = [.. (command ?? "").Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(Uri.UnescapeDataString)];
        if (kind == ActionKind.Exec && argv.Length == 0)
        {
            throw new FileSyncException(Diag.ActionWithoutCommand(name));
        }

        DestinationGlob? glob = null;
        if (!string.IsNullOrWhiteSpace(match))
        {
            glob = DestinationGlob.TryParse(match.Trim(), out string? reason) ?? throw new FileSyncException(Diag.ActionMatchInvalid(name, match.Trim(), reason!));
        }

        return new PostSyncAction(kind, glob, argv);
    }

    /// <summary>No Match: every synced file.</summary>
    public bool Matches(string destination, string workingDirectory) => Match is null || Match.IsMatch(destination, workingDirectory);
}
