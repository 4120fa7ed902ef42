namespace FileSync.Kubernetes;

/// <summary>What a sync needs of a pod: who it is, whether it runs, and its containers as the spec and the status say.</summary>
internal sealed record KubePod(string Namespace, string Name, string Uid, string Phase, bool Terminating, IReadOnlyList<KubeContainer> Containers);

/// <summary>A container of a pod: its spec (image, workingDir) and status (ready, the runtime's container id).</summary>
/// <param name="ContainerId">containerStatuses[].containerID: a container restarted in its pod has a new one (and only its image's files).</param>
internal sealed record KubeContainer(string Name, string Image, string? ImageId, string? WorkingDir, bool Ready, bool Running, string? ContainerId);

/// <summary>The outcome of an exec: the exit code from the status channel, or -1 with <see cref="Failure"/> when the
/// status was another failure (the runtime could not start the command). Output is capped.</summary>
internal sealed record KubeExecResult(int ExitCode, string StdOut, string StdErr, string? Failure = null)
{
    /// <summary>The command does not exist in the container: runc's "executable file not found" / "no such file or
    /// directory" (through the status's message or stderr), or a shell-like 127.</summary>
    public bool CommandNotFound
    {
        get
        {
            if (ExitCode == 0)
            {
                return false;
            }

            string text = $"{Failure}\n{StdErr}";
            bool runtimeSaysMissing = text.Contains("executable file not found", StringComparison.OrdinalIgnoreCase)
                || (text.Contains("exec", StringComparison.OrdinalIgnoreCase) && text.Contains("no such file or directory", StringComparison.OrdinalIgnoreCase));
            return runtimeSaysMissing || (ExitCode == 127 && StdOut.Length == 0);
        }
    }

    /// <summary>The first lines of what the command said (stderr first), or the status's failure.</summary>
    public string Describe()
    {
        string text = (StdErr.Trim().Length > 0 ? StdErr : StdOut).Trim();
        if (text.Length == 0)
        {
            text = Failure ?? "no output";
        }

        string[] lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string head = string.Join(" | ", lines.Take(5).Select(line => line.TrimEnd('\r')));
        return lines.Length > 5 ? head + $" (and {lines.Length - 5} more lines)" : head;
    }
}

/// <summary>Why the API could not be used, for the coded error.</summary>
internal enum KubeFailure
{
    /// <summary>No answer: refused, unreachable, TLS, timed out.</summary>
    Unreachable,

    /// <summary>401/403: credentials or RBAC.</summary>
    Refused,

    /// <summary>404.</summary>
    NotFound,

    /// <summary>400: for an exec upgrade, a server that does not speak the protocol asked for (before 1.30: v5).</summary>
    BadRequest,

    /// <summary>v4.channel.k8s.io only: tar never learnt that stdin ended.</summary>
    StdinNotClosed,

    /// <summary>Anything else the server said.</summary>
    Other,
}

/// <summary>An API call that failed; the message never carries a credential (the client's requests are not printed).</summary>
internal sealed class KubeApiException(KubeFailure failure, string message, Exception? inner = null) : Exception(message, inner)
{
    public KubeFailure Failure { get; } = failure;
}

/// <summary>
/// The Kubernetes API as a sync uses it: pods by name or label selector, and exec (argv, optional stdin). The seam that
/// unit tests fake; <see cref="KubeApi"/> is the real one, on KubernetesClient.
/// </summary>
internal interface IKubeApi
{
    /// <summary>The API server's address, without credentials.</summary>
    string Endpoint { get; }

    /// <summary>The namespace the kubeconfig context names, or null.</summary>
    string? ContextNamespace { get; }

    Task<KubePod?> GetPodAsync(string ns, string name, CancellationToken cancellationToken);

    Task<IReadOnlyList<KubePod>> ListPodsAsync(string ns, string? labelSelector, CancellationToken cancellationToken);

    /// <summary>Runs <paramref name="argv"/> (no shell) in a container; <paramref name="stdin"/>, when given, is written to
    /// its standard input, which is then closed. Returns once the command ended and its status is known.</summary>
    Task<KubeExecResult> ExecAsync(string ns, string pod, string container, IReadOnlyList<string> argv, Func<Stream, CancellationToken, Task>? stdin, CancellationToken cancellationToken);
}
