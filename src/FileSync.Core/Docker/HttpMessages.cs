namespace FileSync.Docker;

/// <summary>One request to the engine: a body of bytes, or one streamed from a callback (chunked, sent only once the
/// engine accepted the request: <c>Expect: 100-continue</c>), or none.</summary>
internal sealed record HttpRequest(string Method, string Target, string? ContentType = null, byte[]? Content = null, Func<Stream, CancellationToken, Task>? WriteContent = null);

/// <summary>A response whose status and headers arrived; disposing it releases the connection (back to the pool when
/// the body was read to its end).</summary>
internal sealed class HttpResponse(int statusCode, string reasonPhrase, HttpResponseStream body, HttpRequest request, IReadOnlyDictionary<string, string>? headers = null) : IDisposable
{
    /// <summary>A header field's value (the last one of that name), or null.</summary>
    public string? Header(string name) => headers is not null && headers.TryGetValue(name, out string? value) ? value : null;

    /// <summary>What was asked, for messages: e.g. <c>GET /containers/web/json</c>.</summary>
    public string RequestLine => request.Method + " " + request.Target;

    public int StatusCode => statusCode;

    public string ReasonPhrase => reasonPhrase;

    public bool IsSuccess => statusCode is >= 200 and <= 299;

    /// <summary>By Content-Length, chunked, or to the end of the connection (exec's raw stream); not seekable.</summary>
    public Stream Body => body;

    /// <summary>Reads the whole body, a small answer (JSON, an error), within the response timeout as a whole.</summary>
    public async Task<byte[]> ReadBodyAsync(CancellationToken ct)
    {
        BoundAsAWhole();
        using var buffer = new MemoryStream();
        await body.CopyToAsync(buffer, ct).ConfigureAwait(false);
        return buffer.ToArray();
    }

    /// <summary>From now on the rest of the body must arrive within the response timeout, instead of the stall timeout per
    /// read: for answers that are small (JSON, exec's output), so that an endpoint trickling bytes cannot keep them alive.</summary>
    public void BoundAsAWhole() => body.BoundAsAWhole();

    public void Dispose() => body.Dispose();
}
