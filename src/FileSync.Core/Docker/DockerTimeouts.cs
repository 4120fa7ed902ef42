using System.Globalization;

namespace FileSync.Docker;

/// <summary>Which bound a call to the engine ran into.</summary>
internal enum DockerBound
{
    /// <summary>No timeout: the call failed otherwise.</summary>
    None,

    /// <summary>Connecting (TCP, Unix socket, TLS handshake).</summary>
    Connect,

    /// <summary>From the request sent to the response's headers; for a small answer (JSON, exec's output) to its end.</summary>
    Response,

    /// <summary>No progress on an upload or a streamed body (an archive): not a bound on the total time.</summary>
    Stall,
}

/// <summary>
/// How long the engine may stay silent: every call has a bound, so an endpoint that accepts and never answers fails
/// with a coded error instead of hanging the build. A transfer that keeps moving is never cut, however long it takes.
/// </summary>
internal sealed record DockerTimeouts(TimeSpan Connect, TimeSpan Response, TimeSpan Stall)
{
    /// <summary>A local engine connects in milliseconds; an exec of rm or a PUT may take a while before its headers.</summary>
    public static readonly DockerTimeouts Default = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));

    /// <summary>FileSyncDockerTimeout: blank means the defaults; a whole number of seconds (1 or more) sets all three bounds.</summary>
    public static bool TryParse(string? seconds, out DockerTimeouts timeouts)
    {
        timeouts = Default;
        if (string.IsNullOrWhiteSpace(seconds))
        {
            return true;
        }

        if (!int.TryParse(seconds.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int value) || value < 1 || value > 86_400)
        {
            return false;
        }

        TimeSpan bound = TimeSpan.FromSeconds(value);
        timeouts = new DockerTimeouts(bound, bound, bound);
        return true;
    }

    public TimeSpan For(DockerBound bound) => bound switch
    {
        DockerBound.Connect => Connect,
        DockerBound.Response => Response,
        _ => Stall,
    };
}
