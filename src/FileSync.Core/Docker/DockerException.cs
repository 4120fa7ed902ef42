namespace FileSync.Docker;

/// <summary>A failure talking to the Docker engine.</summary>
/// <remarks>
/// <see cref="StatusCode"/> is the HTTP status when the engine answered with an error (its message is the engine's own);
/// <see cref="Unreachable"/> is set when no connection could be made (socket missing, refused, permission denied,
/// TLS handshake failure, connect timeout); <see cref="InvalidEndpoint"/> when the host string cannot be used.
/// Messages never contain certificate or key material.
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
}
