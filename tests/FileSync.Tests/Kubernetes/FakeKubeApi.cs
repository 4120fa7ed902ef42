using System.Collections.Concurrent;
using System.Formats.Tar;
using FileSync.Kubernetes;

namespace FileSync.Tests.Kubernetes;

/// <summary>
/// A fake API server over pods whose containers are dictionaries of files: tar extracts the stdin archive into them
/// (read with System.Formats.Tar), stat/rm/rmdir work on them. Every exec's argv is recorded. Pods listed in
/// <see cref="NoTar"/> answer like a chiseled image's runtime; <see cref="Failing"/> pods' tar exits 2.
/// </summary>
internal sealed class FakeKubeApi : IKubeApi
{
    public List<KubePod> Pods { get; } = [];

    public ConcurrentDictionary<string, ConcurrentDictionary<string, byte[]>> Files { get; } = new();

    public ConcurrentQueue<(string Pod, string Container, string[] Argv)> Execs { get; } = new();

    public HashSet<string> NoTar { get; } = [];

    /// <summary>Pods whose image has filesync-launcher at /app (used where tar is missing).</summary>
    public HashSet<string> Launcher { get; } = [];

    public HashSet<string> Failing { get; } = [];

    /// <summary>Pods where every rm of a path fails (exit 1), deleting nothing.</summary>
    public HashSet<string> FailingRm { get; } = [];

    public KubeApiException? ListFailure { get; set; }

    public string Endpoint => "https://fake.cluster:6443";

    public string? ContextNamespace { get; set; }

    public List<string?> Selectors { get; } = [];

    public static KubePod Pod(string name, string ns = "default", string uid = "", string phase = "Running", bool terminating = false, params KubeContainer[] containers) =>
        new(ns, name, uid.Length > 0 ? uid : "uid-" + name, phase, terminating, containers.Length > 0 ? containers : [Container("app")]);

    public static KubeContainer Container(string name, string image = "web:dev", bool ready = true, string? id = null, string? workingDir = null) =>
        new(name, image, "docker-pullable://web@sha256:abc123", workingDir, ready, Running: ready, id ?? "containerd://" + name + "-1");

    public Task<KubePod?> GetPodAsync(string ns, string name, CancellationToken cancellationToken) =>
        ListFailure is { } failure ? Task.FromException<KubePod?>(failure) : Task.FromResult(Pods.FirstOrDefault(pod => pod.Namespace == ns && pod.Name == name));

    public Task<IReadOnlyList<KubePod>> ListPodsAsync(string ns, string? labelSelector, CancellationToken cancellationToken)
    {
        Selectors.Add(labelSelector);
        return ListFailure is { } failure ? Task.FromException<IReadOnlyList<KubePod>>(failure) : Task.FromResult<IReadOnlyList<KubePod>>([.. Pods.Where(pod => pod.Namespace == ns)]);
    }

    public async Task<KubeExecResult> ExecAsync(string ns, string pod, string container, IReadOnlyList<string> argv, Func<Stream, CancellationToken, Task>? stdin, CancellationToken cancellationToken)
    {
        Execs.Enqueue((pod, container, [.. argv]));
        ConcurrentDictionary<string, byte[]> files = Files.GetOrAdd(pod, _ => new ConcurrentDictionary<string, byte[]>(StringComparer.Ordinal));
        var input = new MemoryStream();
        if (stdin is not null)
        {
            await stdin(input, cancellationToken);
            input.Position = 0;
        }

        string tool = argv[0];
        if (tool == "dotnet" || tool.EndsWith("/dotnet", StringComparison.Ordinal))
        {
            if (!Launcher.Contains(pod) || argv[1] != "/app/filesync-launcher.dll")
            {
                return Launcher.Contains(pod) ? new KubeExecResult(1, "", "The application does not exist.") : NotFound(tool);
            }

            tool = argv[2] == "--fsync-extract" ? "tar" : argv[2] == "--fsync-rm" ? "rm" : argv[2];
        }
        else if (NoTar.Contains(pod) && tool is "tar" or "stat" or "rm" or "rmdir")
        {
            return NotFound(tool);
        }

        switch (tool)
        {
            case "tar" when stdin is null:
                return new KubeExecResult(0, "usage", "");
            case "tar":
                if (Failing.Contains(pod))
                {
                    return new KubeExecResult(2, "", "tar: can't open 'app/a.txt': No space left on device\ntar: error exit delayed from previous errors");
                }

                string root = argv.Contains("-C") ? argv[argv.ToList().IndexOf("-C") + 1] : argv[^1];
                using (var reader = new TarReader(input))
                {
                    while (reader.GetNextEntry() is { } entry)
                    {
                        string path = (root.TrimEnd('/') + "/" + entry.Name).TrimEnd('/');
                        if (entry.EntryType == TarEntryType.Directory)
                        {
                            files[path + "/"] = [];
                            continue;
                        }

                        var bytes = new MemoryStream();
                        entry.DataStream?.CopyTo(bytes);
                        files[path] = bytes.ToArray();
                    }
                }

                return new KubeExecResult(0, "", "");
            case "stat":
                string target = argv[^1];
                return target is "/app" or "/etc" or "/" || files.ContainsKey(target + "/") ? new KubeExecResult(0, "directory\n", "")
                    : files.ContainsKey(target) ? new KubeExecResult(0, "regular file\n", "")
                    : new KubeExecResult(1, "", $"stat: can't stat '{target}': No such file or directory");
            case "rm" when FailingRm.Contains(pod) && argv[^1] != "--":
                return new KubeExecResult(1, "", "filesync-launcher: cannot remove: Permission denied");
            case "rm":
                foreach (string path in argv.SkipWhile(arg => arg != "--").Skip(1))
                {
                    files.TryRemove(path, out _);
                }

                return new KubeExecResult(0, "", "");
            default:
                return new KubeExecResult(0, "", "");
        }
    }

    private static KubeExecResult NotFound(string tool) =>
        new(-1, "", "", $"OCI runtime exec failed: exec failed: unable to start container process: exec: \"{tool}\": executable file not found in $PATH: unknown");
}
