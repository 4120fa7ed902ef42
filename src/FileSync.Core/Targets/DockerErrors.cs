using FileSync.Diagnostics;
using FileSync.Docker;

namespace FileSync.Targets;

/// <summary>The client's failures that say nothing about a container (unreachable, a timeout, a broken answer, an
/// engine error outside a container's calls) as coded errors naming the endpoint: every Engine API call reports them alike.</summary>
internal static class DockerErrors
{
    public static Diagnostic Describe(DockerException e, string endpoint) => e.Diagnostic ?? e.TimedOut switch
    {
        DockerBound.Connect => Diag.DockerConnectTimeout(endpoint, e.TimeoutSeconds),
        DockerBound.Response => Diag.DockerResponseTimeout(endpoint, e.Request ?? "?", e.TimeoutSeconds),
        DockerBound.Stall => Diag.DockerStalled(endpoint, e.TimeoutSeconds, e.Activity ?? "transferring", e.Request ?? "?"),
        _ when e.Unreachable || e.InvalidEndpoint => Diag.DockerUnreachable(endpoint, e.Message),
        _ => Diag.DockerRequestFailed(e.Request ?? "a request to " + endpoint, e.Message),
    };
}
