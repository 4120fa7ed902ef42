namespace FileSync.Skaffold;

/// <summary>
/// One <c>sync.hooks.before</c>/<c>after</c> entry of a skaffold.yaml: a <c>host</c> command (argv, run on this machine,
/// only on the operating systems <c>os</c> names, in <c>dir</c>) or a <c>container</c> command (exec'd in each target container).
/// </summary>
internal sealed record SyncHook(string Phase, int Number, bool OnHost, IReadOnlyList<string> Command)
{
    /// <summary>Host hooks: the operating systems it runs on (Go's names: linux, darwin, windows); empty: every one.</summary>
    public IReadOnlyList<string> Os { get; init; } = [];

    /// <summary>Host hooks: the folder it runs in (a full path; <c>dir</c> is relative to the skaffold.yaml, as Skaffold's filepath fields).</summary>
    public string? Dir { get; init; }

    /// <summary>Where it was written: "skaffold.yaml:12".</summary>
    public string Origin { get; init; } = "";

    /// <summary>"before hook 1 (host, skaffold.yaml:12)" for messages.</summary>
    public string Describe() => $"sync.hooks.{Phase}[{Number - 1}] ({(OnHost ? "host" : "container")}, {Origin})";

    /// <summary>The argv as Skaffold's schema writes it: ["sh", "-c", "echo hi"].</summary>
    public string CommandText() => "[" + string.Join(", ", Command.Select(arg => "\"" + arg.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"")) + "]";

    /// <summary>Whether a host hook runs on this machine (Skaffold skips it, with an info line, when <c>os</c> does not name it).</summary>
    public bool RunsHere => !OnHost || Os.Count == 0 || Os.Contains(ThisOs, StringComparer.Ordinal);

    internal static string ThisOs => OperatingSystem.IsWindows() ? "windows" : OperatingSystem.IsMacOS() ? "darwin" : OperatingSystem.IsFreeBSD() ? "freebsd" : "linux";
}

/// <summary>An artifact's sync hooks, with what Skaffold tells host hooks about the artifact.</summary>
internal sealed record SyncHooks(IReadOnlyList<SyncHook> Before, IReadOnlyList<SyncHook> After)
{
    public static readonly SyncHooks None = new([], []);

    public bool Any => Before.Count > 0 || After.Count > 0;

    /// <summary>The skaffold.yaml (for messages) and its folder (SKAFFOLD_WORK_DIR, the default <c>dir</c>).</summary>
    public string File { get; init; } = "";

    /// <summary>SKAFFOLD_IMAGE: the image the artifact's containers run.</summary>
    public string Image { get; init; } = "";

    /// <summary>SKAFFOLD_BUILD_CONTEXT: the artifact's context, a full path.</summary>
    public string BuildContext { get; init; } = "";
}
