using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FileSync.Docker;

internal enum DockerTransport
{
    /// <summary>HTTP over a Unix domain socket.</summary>
    Unix,
    /// <summary>Plain HTTP over TCP.</summary>
    Http,
    /// <summary>HTTPS over TCP: server validated against <c>ca.pem</c> (else the system roots), client certificate <c>cert.pem</c>/<c>key.pem</c>.</summary>
    Https,
}

/// <summary>Where the Docker engine listens, as given by FileSyncDockerHost, DOCKER_HOST or the default socket.</summary>
internal sealed class DockerEndpoint
{
    public const string DefaultSocketPath = "/var/run/docker.sock";
    public const int DefaultHttpPort = 2375;
    public const int DefaultHttpsPort = 2376;

    private DockerEndpoint(DockerTransport transport, string display, string? socketPath, string? host, int port, string basePath, string? certPath)
    {
        Transport = transport;
        Display = display;
        SocketPath = socketPath;
        Host = host;
        Port = port;
        BasePath = basePath;
        CertPath = certPath;
    }

    public DockerTransport Transport { get; }

    /// <summary>The endpoint for messages, e.g. <c>unix:///var/run/docker.sock</c> or <c>tcp://host:2376</c>. Never holds secrets.</summary>
    public string Display { get; }

    /// <summary>Unix transport: the socket's path.</summary>
    public string? SocketPath { get; }

    /// <summary>TCP transports: host name or IP address (IPv6 without brackets).</summary>
    public string? Host { get; }

    /// <summary>TCP transports: port.</summary>
    public int Port { get; }

    /// <summary>URL path prefix, always starting and ending with '/' (e.g. "/" or "/docker/").</summary>
    public string BasePath { get; }

    /// <summary>Https: the folder holding ca.pem, cert.pem, key.pem.</summary>
    public string? CertPath { get; }

    public override string ToString() => Display;

    /// <summary>Explicit host, else DOCKER_HOST, else the default socket; TLS from DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH.</summary>
    public static DockerEndpoint Resolve(string? host) => Resolve(host, Environment.GetEnvironmentVariable);

    /// <summary>Test seam: <paramref name="getEnvironmentVariable"/> stands for the process environment.</summary>
    internal static DockerEndpoint Resolve(string? host, Func<string, string?> getEnvironmentVariable)
    {
        string? value = string.IsNullOrWhiteSpace(host) ? getEnvironmentVariable("DOCKER_HOST") : host;
        // Like the docker CLI: any non-empty DOCKER_TLS_VERIFY turns TLS with verification on. DOCKER_TLS (TLS without
        // verification in the CLI) is also honoured, but FileSync always validates the server.
        bool tls = !string.IsNullOrEmpty(getEnvironmentVariable("DOCKER_TLS_VERIFY")) || !string.IsNullOrEmpty(getEnvironmentVariable("DOCKER_TLS"));
        string? certPath = getEnvironmentVariable("DOCKER_CERT_PATH");
        if (string.IsNullOrEmpty(certPath) && tls)
        {
            certPath = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker");
        }

        return Parse(value, tls, certPath);
    }

    /// <summary>Parses <c>unix:///path</c> or <c>tcp://host[:port][/prefix]</c>; null or blank means the default socket.</summary>
    internal static DockerEndpoint Parse(string? host, bool tls, string? certPath)
    {
        string value = host?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            return Unix(DefaultSocketPath);
        }

        int schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw Invalid(value, "expected unix:///path/to/docker.sock or tcp://host:port");
        }

        string scheme = value.Substring(0, schemeEnd).ToLowerInvariant();
        string rest = value.Substring(schemeEnd + 3);
        switch (scheme)
        {
            case "unix":
                if (rest.Length == 0)
                {
                    return Unix(DefaultSocketPath);
                }

                if (rest[0] != '/')
                {
                    throw Invalid(value, "the socket path must be absolute, e.g. unix:///var/run/docker.sock");
                }

                return Unix(rest);
            case "tcp":
                return Tcp(value, rest, tls, certPath);
            case "npipe":
            case "ssh":
            case "fd":
                throw Invalid(value, $"'{scheme}://' endpoints are not supported; use unix:// or tcp://");
            default:
                throw Invalid(value, $"unsupported scheme '{scheme}://'; use unix:// or tcp://");
        }
    }

    /// <summary>Connects to this endpoint: a Unix socket, TCP, or TCP + TLS, within the connect timeout (the TLS handshake
    /// included); the connection bounds its own waits with the others. Checks the socket path and loads the TLS files now
    /// (an <see cref="DockerException.InvalidEndpoint"/> when they are wrong), before any connection.</summary>
    internal Func<CancellationToken, Task<HttpConnection>> CreateConnector(DockerTimeouts timeouts)
    {
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

            return new HttpConnection(socket, stream, host, Display, timeouts);
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

    /// <summary>Https: trust <c>ca.pem</c> only (else the system roots), present <c>cert.pem</c>/<c>key.pem</c>, check the host name.</summary>
    internal SslClientAuthenticationOptions CreateSslOptions()
    {
        // Messages name files, never their contents.
        string folder = CertPath ?? string.Empty;
        string caFile = Path.Combine(folder, "ca.pem"), certFile = Path.Combine(folder, "cert.pem"), keyFile = Path.Combine(folder, "key.pem");
        var options = new SslClientAuthenticationOptions { TargetHost = Host };
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

        if (roots is not null)
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

    private static DockerEndpoint Unix(string path) =>
        new(DockerTransport.Unix, "unix://" + path, path, null, 0, "/", null);

    private static DockerEndpoint Tcp(string value, string rest, bool tls, string? certPath)
    {
        if (rest.IndexOfAny(['?', '#']) >= 0)
        {
            throw Invalid(value, "expected tcp://host:port[/prefix], without a query"); // a query could hold a token: never shown
        }

        string basePath = "/";
        int slash = rest.IndexOf('/');
        if (slash >= 0)
        {
            string prefix = rest.Substring(slash).TrimEnd('/');
            basePath = prefix.Length == 0 ? "/" : prefix + "/";
            rest = rest.Substring(0, slash);
        }

        if (rest.Contains('@'))
        {
            throw Invalid(value, "user information in a tcp:// address is not supported");
        }

        string hostName;
        string? portText = null;
        if (rest.StartsWith('['))
        {
            int close = rest.IndexOf(']');
            if (close < 0)
            {
                throw Invalid(value, "unterminated IPv6 address");
            }

            hostName = rest.Substring(1, close - 1);
            string after = rest.Substring(close + 1);
            if (after.Length > 0)
            {
                if (after[0] != ':')
                {
                    throw Invalid(value, "expected tcp://[address]:port");
                }

                portText = after.Substring(1);
            }
        }
        else
        {
            int colon = rest.LastIndexOf(':');
            if (colon >= 0 && rest.IndexOf(':') != colon)
            {
                throw Invalid(value, "an IPv6 address must be in brackets, e.g. tcp://[::1]:2375");
            }

            hostName = colon >= 0 ? rest.Substring(0, colon) : rest;
            portText = colon >= 0 ? rest.Substring(colon + 1) : null;
        }

        if (hostName.Length == 0)
        {
            hostName = "127.0.0.1"; // like the docker CLI: tcp://:2375
        }

        int port = tls ? DefaultHttpsPort : DefaultHttpPort;
        if (!string.IsNullOrEmpty(portText)
            && (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port < 1 || port > 65535))
        {
            throw Invalid(value, $"invalid port '{portText}'");
        }

        string hostForDisplay = hostName.Contains(':') ? "[" + hostName + "]" : hostName;
        string display = "tcp://" + hostForDisplay + ":" + port.ToString(CultureInfo.InvariantCulture) + (basePath == "/" ? string.Empty : basePath.TrimEnd('/'));
        return new DockerEndpoint(tls ? DockerTransport.Https : DockerTransport.Http, display, null, hostName, port, basePath, tls ? certPath : null);
    }

    private static DockerException Invalid(string value, string reason) =>
        new($"Invalid Docker endpoint '{Credentials.Redact(value)}': {reason}.", invalidEndpoint: true);
}
