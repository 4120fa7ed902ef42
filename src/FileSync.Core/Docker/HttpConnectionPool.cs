namespace FileSync.Docker;

/// <summary>Idle connections to one engine, reused by the next request: a sync makes several in a row.</summary>
internal sealed class HttpConnectionPool(Func<CancellationToken, Task<HttpConnection>> connect) : IDisposable
{
    private const long IdleTimeoutMs = 30_000;
    private const int MaxIdle = 8;
    private readonly Stack<HttpConnection> _idle = new();
    private bool _disposed;

    public async Task<HttpResponse> SendAsync(HttpRequest request, CancellationToken ct)
    {
        while (TakeIdle() is { } idle)
        {
            try
            {
                return await idle.SendAsync(request, ct).ConfigureAwait(false);
            }
            catch (DockerException e) when (idle.NothingExchanged && e.TimedOut == DockerBound.None)
            {
                idle.Dispose(); // the engine had closed it in the meantime: nothing was done, try the next one
            }
            catch
            {
                idle.Dispose();
                throw;
            }
        }

        HttpConnection connection = await connect(ct).ConfigureAwait(false);
        connection.Pool = this;
        try
        {
            return await connection.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    public void Return(HttpConnection connection)
    {
        lock (_idle)
        {
            if (!_disposed && _idle.Count < MaxIdle)
            {
                connection.IdleSince = Environment.TickCount64;
                _idle.Push(connection);
                return;
            }
        }

        connection.Dispose();
    }

    public void Dispose()
    {
        lock (_idle)
        {
            _disposed = true;
            while (_idle.TryPop(out HttpConnection? connection))
            {
                connection.Dispose();
            }
        }
    }

    private HttpConnection? TakeIdle()
    {
        lock (_idle)
        {
            while (_idle.TryPop(out HttpConnection? connection))
            {
                if (Environment.TickCount64 - connection.IdleSince < IdleTimeoutMs && connection.IsOpen)
                {
                    return connection;
                }

                connection.Dispose();
            }
        }

        return null;
    }
}
