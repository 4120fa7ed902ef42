using System.Globalization;
using System.IO.Pipes;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FileSync.Docker;

/// <summary>Connecting to an endpoint: a Unix socket, TCP (+ TLS), a named pipe, or ssh.</summary>
internal sealed partial class DockerEndpoint
{
    /// <summary>Connects to this endpoint: a Unix socket, TCP, or TCP + TLS, within the connect timeout (the TLS handshake
    /// included); the connection bounds its own waits with the others. Checks the socket path and loads the TLS files now
    /// (an <see cref="DockerException.InvalidEndpoint"/> when they are wrong), before any connection.</summary>
    internal Func<CancellationToken, Task<HttpConnection>> CreateConnector(DockerTimeouts timeouts)
    {
        switch (Transport)
        {
            case DockerTransport.NamedPipe:
                return ct => ConnectPipeAsync(timeouts, ct);
            case DockerTransport.Ssh:
                string[] argv = SshConnection.Arguments(this, timeouts);
                return ct => SshConnection.ConnectAsync(argv, this, timeouts, ct);
        }

        EndPoint target;
        SslClientAuthenticationOptions? ssl = null;
        if (Transport == DockerTransport.Unix)
        {
            try
            {
                target = new UnixDomainSocketEndPoint(SocketPath!);
            }
            catch (ArgumentException ex)
            {
                throw new DockerException($"Invalid Docker endpoint '{Display}': {ex.Message}", invalidEndpoint: true, innerException: ex);
            }
        }
        else
        {
            target = IPAddress.TryParse(Host, out IPAddress? address) ? new IPEndPoint(address, Port) : new DnsEndPoint(Host!, Port);
            ssl = Transport == DockerTransport.Https ? CreateSslOptions() : null;
        }

        // The Host header: for a socket any name does (HttpClient sent "localhost"); for TCP, the address as given.
        string host = Transport == DockerTransport.Unix ? "localhost"
            : (Host!.Contains(':') ? "[" + Host + "]" : Host) + ":" + Port.ToString(CultureInfo.InvariantCulture);
        return ct => ConnectAsync(target, ssl, host, timeouts, ct);
    }

    private async Task<HttpConnection> ConnectAsync(EndPoint target, SslClientAuthenticationOptions? ssl, string host, DockerTimeouts timeouts, CancellationToken ct)
    {
        var socket = Transport == DockerTransport.Unix
            ? new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified)
            : new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        Stream? stream = null;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(timeouts.Connect);
        try
        {
            await socket.ConnectAsync(target, timeout.Token).ConfigureAwait(false);
            stream = new NetworkStream(socket, ownsSocket: true);
            if (ssl is not null)
            {
                var tls = new SslStream(stream);
                stream = tls;
                await tls.AuthenticateAsClientAsync(ssl, timeout.Token).ConfigureAwait(false);
            }

            return new HttpConnection(() => !socket.Poll(0, SelectMode.SelectRead), stream, host, Display, timeouts);
        }
        catch (Exception ex)
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            socket.Dispose();
            if (ct.IsCancellationRequested || ex is not (SocketException or IOException or AuthenticationException or OperationCanceledException))
            {
                throw;
            }

            int seconds = (int)Math.Ceiling(timeouts.Connect.TotalSeconds);
            throw ex is OperationCanceledException
                ? new DockerException($"Cannot connect to the Docker engine at {Display}: no answer within {seconds} s (the connect timeout).", unreachable: true, innerException: ex)
                {
                    TimedOut = DockerBound.Connect,
                    TimeoutSeconds = seconds,
                }
                : new DockerException($"Cannot connect to the Docker engine at {Display}: {ConnectFailure(ex)}", unreachable: true, innerException: ex);
        }
    }

    private string ConnectFailure(Exception ex)
    {
        if (ex is SocketException socketError && Transport == DockerTransport.Unix)
        {
            return !File.Exists(SocketPath) ? "the socket " + SocketPath + " does not exist (is the Docker engine running?)"
                : socketError.SocketErrorCode == SocketError.AccessDenied ? "permission denied on " + SocketPath + " (is this user allowed to use Docker?)"
                : socketError.SocketErrorCode == SocketError.ConnectionRefused ? "connection refused (is the Docker engine running?)"
                : socketError.Message;
        }

        // TLS: "Authentication failed, see inner exception." needs the innermost message (never key material).
        Exception inner = ex;
        while (inner.InnerException is not null)
        {
            inner = inner.InnerException;
        }

        return ex is AuthenticationException ? "the TLS handshake failed: " + inner.Message : ex.Message.Contains(inner.Message, StringComparison.Ordinal) ? ex.Message : ex.Message + " " + inner.Message;
    }

    /// <summary>Https: when each of ca.pem, cert.pem and key.pem was written, and its size; empty for other transports. A
    /// client kept by the sync server is replaced when this changes (certificates made again in the same folder).</summary>
    internal string TlsFilesStamp()
    {
        if (Transport != DockerTransport.Https || CertPath is null)
        {
            return "";
        }

        return string.Join(",", ((string[])["ca.pem", "cert.pem", "key.pem"]).Select(name => new FileInfo(Path.Combine(CertPath, name)))
            .Select(file => file.Exists ? file.LastWriteTimeUtc.Ticks.ToString(CultureInfo.InvariantCulture) + ":" + file.Length.ToString(CultureInfo.InvariantCulture) : "-"));
    }

    /// <summary>Https: trust <c>ca.pem</c> only (else the system roots), present <c>cert.pem</c>/<c>key.pem</c>, check the host name.</summary>
    internal SslClientAuthenticationOptions CreateSslOptions()
    {
        // Messages name files, never their contents.
        string folder = CertPath ?? string.Empty;
        string caFile = Path.Combine(folder, "ca.pem"), certFile = Path.Combine(folder, "cert.pem"), keyFile = Path.Combine(folder, "key.pem");
        var options = new SslClientAuthenticationOptions { TargetHost = Host };
        if (SkipTlsVerify)
        {
            // The context says so (docker context create --docker skip-tls-verify=true): the CLI does not check either.
            options.RemoteCertificateValidationCallback = (_, _, _, _) => true;
        }

        X509Certificate2Collection? roots = null;
        try
        {
            if (File.Exists(caFile))
            {
                roots = new X509Certificate2Collection();
                roots.ImportFromPemFile(caFile);
                if (roots.Count == 0)
                {
                    throw new DockerException($"The Docker CA file {caFile} holds no certificate.", invalidEndpoint: true);
                }
            }

            bool hasCert = File.Exists(certFile), hasKey = File.Exists(keyFile);
            if (hasCert != hasKey)
            {
                throw new DockerException($"Docker TLS needs both {certFile} and {keyFile}; only {(hasCert ? certFile : keyFile)} exists.", invalidEndpoint: true);
            }

            if (hasCert)
            {
                var client = X509Certificate2.CreateFromPemFile(certFile, keyFile);
                if (OperatingSystem.IsWindows())
                {
                    // SChannel cannot use the ephemeral key of a PEM-loaded certificate.
                    using var pemLoaded = client;
                    client = new X509Certificate2(pemLoaded.Export(X509ContentType.Pkcs12));
                }

                options.ClientCertificates = [client];
            }
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            throw new DockerException($"Cannot load the Docker TLS files from {folder} (ca.pem, cert.pem, key.pem): {ex.GetType().Name}.", invalidEndpoint: true, innerException: ex);
        }

        if (roots is not null && !SkipTlsVerify)
        {
            options.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNotAvailable | SslPolicyErrors.RemoteCertificateNameMismatch)) != 0)
                {
                    return false;
                }

                using var custom = new X509Chain();
                custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                custom.ChainPolicy.CustomTrustStore.AddRange(roots);
                custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                if (chain is not null)
                {
                    foreach (var element in chain.ChainElements)
                    {
                        custom.ChainPolicy.ExtraStore.Add(element.Certificate);
                    }
                }

                using var leaf = new X509Certificate2(certificate);
                return custom.Build(leaf);
            };
        }

        return options;
    }

    /// <summary>A named pipe (<c>\\.\pipe\docker_engine</c>) within the connect timeout. The same code on every
    /// platform: on Unix .NET connects to the socket <c>CoreFxPipe_&lt;name&gt;</c> in the temp folder.</summary>
    private async Task<HttpConnection> ConnectPipeAsync(DockerTimeouts timeouts, CancellationToken ct)
    {
        NamedPipeClientStream pipe;
        try
        {
            pipe = new NamedPipeClientStream(Host!, SocketPath!, PipeDirection.InOut, PipeOptions.Asynchronous);
        }
        catch (ArgumentException ex)
        {
            throw PipeNameUnusable(ex); // "anonymous" is reserved
        }

        try
        {
            await pipe.ConnectAsync((int)Math.Min(int.MaxValue, timeouts.Connect.TotalMilliseconds), ct).ConfigureAwait(false);
            return new HttpConnection(() => pipe.IsConnected, pipe, "localhost", Display, timeouts);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && ex is TimeoutException or IOException or UnauthorizedAccessException or PlatformNotSupportedException)
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
            int seconds = (int)Math.Ceiling(timeouts.Connect.TotalSeconds);
            // A pipe that does not exist is waited for until the bound, as busy ones are: say both.
            throw ex is TimeoutException
                ? new DockerException($"Cannot connect to the Docker engine at {Display}: the named pipe '{SocketPath}' did not accept a connection within {seconds} s (does it exist: is Docker Desktop running?).", unreachable: true, innerException: ex)
                {
                    TimedOut = DockerBound.Connect,
                    TimeoutSeconds = seconds,
                }
                : new DockerException($"Cannot connect to the Docker engine at {Display}: {(ex is UnauthorizedAccessException ? "access to the named pipe '" + SocketPath + "' is denied (is this user allowed to use Docker?)" : ex.Message)}", unreachable: true, innerException: ex);
        }
        catch (ArgumentException ex) when (!ct.IsCancellationRequested)
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
            throw PipeNameUnusable(ex); // on Unix: a name too long for the socket path .NET maps it to
        }
        catch
        {
            await pipe.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private DockerException PipeNameUnusable(ArgumentException ex) =>
        new($"Invalid Docker endpoint '{Display}': {ex.Message}", invalidEndpoint: true, innerException: ex);
}
