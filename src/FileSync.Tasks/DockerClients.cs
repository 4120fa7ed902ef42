using FileSync.Diagnostics;
using FileSync.Docker;
using Microsoft.Build.Framework;

namespace FileSync.Tasks;

/// <summary>
/// One Docker client per endpoint for the life of the MSBuild node: a resident node (IDE, dotnet watch, node reuse)
/// keeps its connection warm between builds.
/// </summary>
internal static class DockerClients
{
    public static Func<string?, DockerClient> For(IBuildEngine engine, ILog log, DockerTimeouts timeouts) => host =>
    {
        // Resolved on every build (a file read or two at most, never a process): `docker context use` between builds
        // switches engines, as it does for the CLI.
        DockerEndpoint endpoint = DockerEndpoint.Resolve(host);
        log.Detail($"FileSync: Docker endpoint {endpoint.Display}, from {endpoint.Source}");
        string key = string.Join("|", "FileSync.DockerClient", endpoint.Display, endpoint.CertPath, endpoint.SkipTlsVerify, timeouts.Connect.Ticks, timeouts.Response.Ticks, timeouts.Stall.Ticks);
        if (engine is IBuildEngine4 registry)
        {
            // An ssh connection is a process and a login on the remote host: kept for this build's syncs only (MSBuild
            // disposes the client when the build ends), never by an idle node.
            RegisteredTaskObjectLifetime lifetime = endpoint.Transport == DockerTransport.Ssh ? RegisteredTaskObjectLifetime.Build : RegisteredTaskObjectLifetime.AppDomain;
            if (registry.GetRegisteredTaskObject(key, lifetime) is DockerClient cached)
            {
                log.Detail($"FileSync: reusing the Docker client for {cached.Endpoint}");
                return cached;
            }

            DockerClient client = DockerClient.Create(endpoint, timeouts);
            registry.RegisterTaskObject(key, client, lifetime, allowEarlyCollection: false);
            return client;
        }

        return DockerClient.Create(endpoint, timeouts);
    };
}
