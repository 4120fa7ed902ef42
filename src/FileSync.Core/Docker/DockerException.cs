namespace FileSync.Docker;

/// <summary>A failure talking to the Docker engine.</summary>
/// <remarks>
/// <see cref="StatusCode"/> is the HTTP status when the engine answered with an error (its message is the engine's own);
/// <see cref="Unreachable"/> is set when no connection could be made (socket missing, refused, permission denied,
/// TLS handshake failure, connect timeout); <see cref="InvalidEndpoint"/> when the host string cannot be used;
/// <see cref="TimedOut"/> names the bound a silent engine ran into; <see cref="Broken"/> is set when the connection broke
/// or the answer was not HTTP. Messages never contain certificate or key material, nor credentials.
/// </remarks>
internal sealed class DockerException : Exception
{
    public DockerException(string message, int? statusCode = null, bool unreachable = false, bool invalidEndpoint = false, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        Unreachable = unreachable;
        InvalidEndpoint = invalidEndpoint;
    }

    /// <summary>The engine's HTTP status code, when it answered.</summary>
    public int? StatusCode { get; }

    /// <summary>No connection to the engine could be made.</summary>
    public bool Unreachable { get; }

    /// <summary>The endpoint (DOCKER_HOST / FileSyncDockerHost, or its TLS files) is malformed or unsupported.</summary>
    public bool InvalidEndpoint { get; }

    /// <summary>The bound the engine's silence ran into, or <see cref="DockerBound.None"/>.</summary>
    public DockerBound TimedOut { get; init; }

    /// <summary>With <see cref="TimedOut"/>: the bound, in whole seconds.</summary>
    public int TimeoutSeconds { get; init; }

    /// <summary>The connection broke, or the engine's answer was not HTTP (as opposed to an answer with an error status).</summary>
    public bool Broken { get; init; }

    /// <summary>The coded error to report as is (ssh's failures), instead of one made from the other properties.</summary>
    public FileSync.Diagnostics.Diagnostic? Diagnostic { get; init; }

    /// <summary>The request, e.g. <c>GET /containers/web/json</c>, when one was under way.</summary>
    public string? Request { get; init; }

    /// <summary>With <see cref="DockerBound.Stall"/>: what stopped moving ("sending the request body", "receiving the response").</summary>
    public string? Activity { get; init; }
}
