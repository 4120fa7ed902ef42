using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Docker;

namespace FileSync.Targets;

/// <summary>Finds the running instances a sync goes to: a named container, every container with some labels, or
/// every container of an image (Skaffold's way), or a folder.</summary>
internal static class TargetFactory
{
    /// <param name="kubeApi">The Kubernetes API for these settings; null: KubernetesClient on the kubeconfig (tests fake it).</param>
    public static async Task<IReadOnlyList<ISyncTarget>> ResolveAsync(TargetSettings settings, Func<string?, DockerClient> dockerClient, ILog log, CancellationToken cancellationToken, Func<TargetSettings, Kubernetes.IKubeApi>? kubeApi = null)
    {
        TargetDecision decision = settings.Decide();
        switch (decision.Kind)
        {
            case TargetKind.Directory:
                return [new DirectoryTarget(settings.Directory!, workingDirectory: null, settings.Owner)];
            case TargetKind.Docker:
                return await ResolveDockerAsync(settings, dockerClient, log, cancellationToken).ConfigureAwait(false);
            case TargetKind.Kubernetes:
                // Kept in its own method: KubernetesClient is loaded only by a Kubernetes sync.
                return await Kubernetes.KubernetesTargets.ResolveAsync(settings, kubeApi, log, cancellationToken).ConfigureAwait(false);
            default:
                // The caller decided first and logged the decision's warnings (FSYNC0001: nothing configured, no targets).
                return decision.Error is { } error ? throw new FileSyncException(error) : [];
        }
    }

    private static async Task<IReadOnlyList<ISyncTarget>> ResolveDockerAsync(TargetSettings settings, Func<string?, DockerClient> dockerClient, ILog log, CancellationToken cancellationToken)
    {
        DockerClient client;
        try
        {
            client = dockerClient(settings.DockerHost);
        }
        catch (DockerException e)
        {
            throw new FileSyncException(Diag.DockerUnreachable(Credentials.Redact(settings.DockerHost ?? "DOCKER_HOST"), e.Message), e);
        }

        try
        {
            if (!string.IsNullOrWhiteSpace(settings.Container))
            {
                ContainerInfo container = await client.InspectContainerAsync(settings.Container.Trim(), cancellationToken).ConfigureAwait(false)
                    ?? throw new FileSyncException(Diag.ContainerNotFound(settings.Container, client.Endpoint));
                if (!container.Running)
                {
                    throw new FileSyncException(Diag.ContainerNotRunning(container.Name, container.Status));
                }

                if (container.Paused)
                {
                    // Checked before anything is sent: the archive would land, then every exec would be refused.
                    throw new FileSyncException(Diag.ContainerPaused(container.Name));
                }

                return [Docker(client, container, settings, log)];
            }

            IReadOnlyList<ContainerSummary> running = await client.ListContainersAsync(settings.DockerLabels(), cancellationToken).ConfigureAwait(false);
            var matches = string.IsNullOrWhiteSpace(settings.Image)
                ? running
                : running.Where(summary => ImageReference.Matches(settings.Image, summary.Image, summary.ImageId)).ToList();
            if (matches.Count == 0)
            {
                if (!string.IsNullOrWhiteSpace(settings.ComposeService) && settings.ComposeProject is { } project)
                {
                    throw new FileSyncException(Diag.NoComposeContainers(settings.ComposeService.Trim(), project.Name, project.Origin, client.Endpoint));
                }

                string what = string.IsNullOrWhiteSpace(settings.Image) ? $"labels '{settings.Selector}'" : $"image '{settings.Image}'";
                throw new FileSyncException(Diag.NoContainerMatches(what, client.Endpoint));
            }

            var targets = new List<ISyncTarget>(matches.Count);
            foreach (ContainerSummary summary in matches)
            {
                ContainerInfo? container = await client.InspectContainerAsync(summary.Id, cancellationToken).ConfigureAwait(false);
                if (container is { Running: true, Paused: true })
                {
                    // Reported, not skipped: the other matches still get the sync, the build fails on this error.
                    log.Error(Diag.ContainerPaused(container.Name));
                }
                else if (container is { Running: true })
                {
                    targets.Add(Docker(client, container, settings, log));
                }
            }

            return targets;
        }
        catch (DockerException e)
        {
            throw new FileSyncException(DockerErrors.Describe(e, client.Endpoint), e);
        }
    }

    /// <summary>A container, written through its root when it is a local engine's and FileSyncDirectWrite allows it.</summary>
    private static DockerTarget Docker(DockerClient client, ContainerInfo container, TargetSettings settings, ILog log)
    {
        if (!settings.DirectWrite || OperatingSystem.IsWindows())
        {
            log.Detail($"FileSync: container '{container.Name}' through the engine's archive API ({(OperatingSystem.IsWindows() ? "Windows" : "FileSyncDirectWrite=false")})");
            return new DockerTarget(client, container, log);
        }

        if (ContainerRoot.Find(container, client.IsUnixSocket, out string why) is { } root)
        {
            log.Detail($"FileSync: container '{container.Name}' is on this host: files go straight into {root.Display}, without the engine's archive API");
            return new DockerTarget(client, container, log, new DirectoryTarget(root, new ContainerReporting(container.Name, log, container.ReadOnlyRoot)));
        }

        log.Detail($"FileSync: container '{container.Name}' through the engine's archive API ({why})");
        return new DockerTarget(client, container, log);
    }

    /// <summary>"k=v,k2=v2" (a bare "k" means the label is present), as the engine's label filter takes them.</summary>
    internal static IReadOnlyList<string> Labels(string? selector)
    {
        if (string.IsNullOrWhiteSpace(selector))
        {
            return [];
        }

        string[] labels = selector.Split(',', StringSplitOptions.TrimEntries);
        if (labels.Any(label => label.Length == 0 || label.StartsWith('=')))
        {
            throw new FileSyncException(Diag.InvalidSelector(selector));
        }

        return labels;
    }
}

/// <summary>Docker image references compared the way users write them: "web" is "web:latest" is "docker.io/library/web:latest";
/// and "localhost/web:latest", Podman's name for a local image with no registry (built, imported or tagged as "web").</summary>
internal static class ImageReference
{
    public static bool Matches(string wanted, string image, string imageId)
    {
        string want = wanted.Trim();
        if (want.StartsWith("sha256:", StringComparison.Ordinal))
        {
            return imageId.StartsWith(want, StringComparison.Ordinal);
        }

        return Normalize(want) == Normalize(image);
    }

    internal static string Normalize(string reference)
    {
        string name = reference;
        foreach (string prefix in (string[])["docker.io/library/", "index.docker.io/library/", "docker.io/", "index.docker.io/", "library/", "localhost/"])
        {
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                name = name[prefix.Length..];
                break;
            }
        }

        int slash = name.LastIndexOf('/');
        bool hasTagOrDigest = name.IndexOf('@') >= 0 || name.IndexOf(':', slash + 1) >= 0;
        return hasTagOrDigest ? name : name + ":latest";
    }
}
