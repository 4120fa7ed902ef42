using FileSync.Diagnostics;
using FileSync.Targets;

namespace FileSync.Kubernetes;

/// <summary>
/// Finds the pods a sync goes to: one by name (FileSyncPod), every pod a label selector matches (FileSyncSelector), or
/// every pod with a container of an image (FileSyncImage, Skaffold's way); in each, the container FileSyncContainer
/// names, or the only one (or the one of that image). Only a Running pod whose container runs and is ready is a target:
/// a pending or unready one is an error naming it (the others are still synced), a terminating one a warning.
/// </summary>
internal static class KubernetesTargets
{
    /// <summary>The API is the targets' (disposed with <see cref="Release"/>), or disposed here when none is returned.</summary>
    /// <param name="connect">null: KubernetesClient on the settings' kubeconfig (named only here, so that no other sync loads it).</param>
    public static async Task<IReadOnlyList<ISyncTarget>> ResolveAsync(TargetSettings settings, Func<TargetSettings, IKubeApi>? connect, ILog log, CancellationToken cancellationToken)
    {
        IKubeApi api = connect is null ? KubeApi.For(settings) : connect(settings);
        IReadOnlyList<ISyncTarget>? targets = null;
        try
        {
            return targets = await ResolveAsync(settings, api, log, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (targets is not { Count: > 0 })
            {
                (api as IDisposable)?.Dispose();
            }
        }
    }

    /// <summary>Closes the API client the targets share (its connections), once their sync is over.</summary>
    public static void Release(IEnumerable<ISyncTarget> targets)
    {
        foreach (IKubeApi api in targets.OfType<KubernetesTarget>().Select(target => target.Api).Distinct())
        {
            (api as IDisposable)?.Dispose();
        }
    }

    private static async Task<IReadOnlyList<ISyncTarget>> ResolveAsync(TargetSettings settings, IKubeApi api, ILog log, CancellationToken cancellationToken)
    {
        string ns = Trimmed(settings.Namespace) ?? api.ContextNamespace ?? "default";
        try
        {
            if (Trimmed(settings.Pod) is { } name)
            {
                KubePod pod = await api.GetPodAsync(ns, name, cancellationToken).ConfigureAwait(false)
                    ?? throw new FileSyncException(Diag.KubePodNotFound(name, ns, api.Endpoint));
                KubeContainer container = PickContainer(pod, settings);
                return NotReady(pod, container) is { } state
                    ? throw new FileSyncException(Diag.KubePodNotReady(pod.Name, container.Name, state))
                    : [new KubernetesTarget(api, pod, container, settings.Owner, log)];
            }

            string? image = Trimmed(settings.Image);
            IReadOnlyList<KubePod> listed = await api.ListPodsAsync(ns, Trimmed(settings.Selector), cancellationToken).ConfigureAwait(false);
            KubePod[] matches = [.. listed.Where(pod => image is null || pod.Containers.Any(c => ImageMatches(image, c)))
                .Where(pod => pod.Phase is not ("Succeeded" or "Failed")) // finished (a Job's): nothing runs there to sync to
                .OrderBy(pod => pod.Name, StringComparer.Ordinal)];
            string what = image is null ? $"the label selector '{settings.Selector!.Trim()}'" : $"the image '{image}'";
            var targets = new List<ISyncTarget>(matches.Length);
            foreach (KubePod pod in matches)
            {
                if (pod.Terminating)
                {
                    log.Warning(Diag.KubePodTerminating($"{pod.Namespace}/{pod.Name}"));
                    continue;
                }

                try
                {
                    KubeContainer container = PickContainer(pod, settings);
                    if (NotReady(pod, container) is { } state)
                    {
                        // Reported, not half-synced: the other pods still get the sync, the build fails on this error.
                        log.Error(Diag.KubePodNotReady(pod.Name, container.Name, state));
                        continue;
                    }

                    targets.Add(new KubernetesTarget(api, pod, container, settings.Owner, log));
                }
                catch (FileSyncException e)
                {
                    log.Error(e.Diagnostic);
                }
            }

            if (matches.Length == 0 || (targets.Count == 0 && matches.All(pod => pod.Terminating)))
            {
                throw new FileSyncException(Diag.KubeNoPodMatches(what, ns, api.Endpoint));
            }

            return targets;
        }
        catch (KubeApiException e)
        {
            throw new FileSyncException(e.Failure == KubeFailure.Unreachable
                ? Diag.KubeApiUnreachable(api.Endpoint, e.Message)
                : Diag.KubeApiFailed(api.Endpoint, $"list or get pods in namespace '{ns}'", e.Message), e);
        }
    }

    /// <summary>FileSyncContainer by name; else the only container; else (FileSyncImage) the only one of that image.</summary>
    internal static KubeContainer PickContainer(KubePod pod, TargetSettings settings)
    {
        string names = string.Join(", ", pod.Containers.Select(c => c.Name));
        if (Trimmed(settings.Container) is { } wanted)
        {
            return pod.Containers.FirstOrDefault(c => c.Name == wanted) ?? throw new FileSyncException(Diag.KubeContainerNotFound(wanted, pod.Name, names));
        }

        KubeContainer[] candidates = Trimmed(settings.Image) is { } image && pod.Containers.Count > 1
            ? [.. pod.Containers.Where(c => ImageMatches(image, c))]
            : [.. pod.Containers];
        return candidates.Length == 1 ? candidates[0] : throw new FileSyncException(Diag.KubeContainerAmbiguous(pod.Name, names));
    }

    /// <summary>Null when the pod can take a sync; else its state, for the message.</summary>
    internal static string? NotReady(KubePod pod, KubeContainer container) =>
        pod.Terminating ? "terminating"
        : pod.Phase != "Running" ? pod.Phase
        : !container.Running ? "Running, but its container is not running (waiting or restarting)"
        : !container.Ready ? "Running, but its container is not ready"
        : container.ContainerId is null ? "Running, but its container has no id yet"
        : null;

    /// <summary>Skaffold's image match: the spec's image as users write it, or a digest against the running image's id
    /// (containerStatuses[].imageID: "sha256:...", "repo@sha256:...", or with the runtime's scheme, as cri-dockerd
    /// (minikube's default) reports it: "docker://sha256:..." for a locally built image, "docker-pullable://repo@sha256:...").</summary>
    internal static bool ImageMatches(string wanted, KubeContainer container)
    {
        string imageId = container.ImageId ?? "";
        int scheme = imageId.IndexOf("://", StringComparison.Ordinal);
        imageId = scheme >= 0 ? imageId[(scheme + 3)..] : imageId;
        int at = imageId.LastIndexOf('@');
        return ImageReference.Matches(wanted, container.Image, at >= 0 ? imageId[(at + 1)..] : imageId)
            || (at >= 0 && wanted.Trim().Contains('@', StringComparison.Ordinal) && ImageReference.Matches(wanted, imageId, ""));
    }

    private static string? Trimmed(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
