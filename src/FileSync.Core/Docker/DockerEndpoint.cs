using System.Globalization;
using FileSync.Diagnostics;

namespace FileSync.Docker;

internal enum DockerTransport
{
    /// <summary>HTTP over a Unix domain socket.</summary>
    Unix,
    /// <summary>Plain HTTP over TCP.</summary>
    Http,
    /// <summary>HTTPS over TCP: server validated against <c>ca.pem</c> (else the system roots), client certificate <c>cert.pem</c>/<c>key.pem</c>.</summary>
    Https,
    /// <summary>HTTP over a Windows named pipe (Docker Desktop on Windows); on Unix .NET maps it to a socket in the temp folder.</summary>
    NamedPipe,
    /// <summary>HTTP over the stdin/stdout of <c>ssh ... docker system dial-stdio</c>, as the docker CLI does it.</summary>
    Ssh,
}

/// <summary>Where the Docker engine listens, as given by FileSyncDockerHost, DOCKER_HOST, a Docker context or the platform default.</summary>
internal sealed partial class DockerEndpoint
{
    public const string DefaultSocketPath = "/var/run/docker.sock";
    public const string DefaultWindowsHost = "npipe:////./pipe/docker_engine";
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

    /// <summary>Unix transport: the socket's path. NamedPipe: the pipe's name. Ssh: the remote engine's socket path, if any.</summary>
    public string? SocketPath { get; }

    /// <summary>TCP transports: host name or IP address (IPv6 without brackets). NamedPipe: the server ("."). Ssh: the host.</summary>
    public string? Host { get; }

    /// <summary>TCP transports: port. Ssh: the port, 0 for ssh's own choice.</summary>
    public int Port { get; }

    /// <summary>Ssh: the user name, if the address has one.</summary>
    public string? User { get; private init; }

    /// <summary>URL path prefix, always starting and ending with '/' (e.g. "/" or "/docker/").</summary>
    public string BasePath { get; }

    /// <summary>Https: the folder holding ca.pem, cert.pem, key.pem.</summary>
    public string? CertPath { get; }

    /// <summary>Https from a Docker context with SkipTLSVerify: the engine's certificate is not checked.</summary>
    public bool SkipTlsVerify { get; private init; }

    /// <summary>Ssh: the build's PATH (which <c>ssh</c> runs) and SSH_AUTH_SOCK (its agent); the sync server runs in the
    /// environment of whichever build started it, so these come from the build's.</summary>
    public string? SshSearchPath { get; private init; }

    /// <inheritdoc cref="SshSearchPath"/>
    public string? SshAgent { get; private init; }

    /// <summary>What chose this endpoint, for the detail log: FileSyncDockerHost, DOCKER_HOST, a context, or the default.</summary>
    public string Source { get; private init; } = "the platform default";

    public override string ToString() => Display;

    /// <summary>Explicit host, else DOCKER_HOST, else DOCKER_CONTEXT or config.json's currentContext, else the platform
    /// default; TLS from DOCKER_TLS_VERIFY / DOCKER_TLS / DOCKER_CERT_PATH, or from the context's TLS files.</summary>
    public static DockerEndpoint Resolve(string? host) => Resolve(host, Environment.GetEnvironmentVariable);

    /// <summary>Test seam: <paramref name="getEnvironmentVariable"/> stands for the process environment.</summary>
    internal static DockerEndpoint Resolve(string? host, Func<string, string?> getEnvironmentVariable)
    {
        string? fromEnvironment = getEnvironmentVariable("DOCKER_HOST");
        string source = !string.IsNullOrWhiteSpace(host) ? "FileSyncDockerHost" : "DOCKER_HOST";
        string? value = !string.IsNullOrWhiteSpace(host) ? host : fromEnvironment;
        if (string.IsNullOrWhiteSpace(value))
        {
            // The docker CLI's order: DOCKER_HOST wins over any context; the context named "default" is no context.
            if (DockerContexts.Find(getEnvironmentVariable) is { } context)
            {
                DockerEndpoint endpoint;
                try
                {
                    endpoint = Parse(context.Host, context.TlsFolder is not null || context.SkipTlsVerify, context.TlsFolder);
                }
                catch (DockerException e)
                {
                    throw new FileSyncException(Diag.DockerContextInvalid(context.Name, context.ChosenBy, context.MetaFile, e.Message), e);
                }

                return endpoint.ChosenBy($"Docker context '{context.Name}' ({context.ChosenBy})", context.SkipTlsVerify && endpoint.Transport == DockerTransport.Https, getEnvironmentVariable);
            }

            return Parse(null, tls: false, certPath: null);
        }

        // Like the docker CLI: any non-empty DOCKER_TLS_VERIFY turns TLS with verification on. DOCKER_TLS (TLS without
        // verification in the CLI) is also honoured, but FileSync always validates the server.
        bool tls = !string.IsNullOrEmpty(getEnvironmentVariable("DOCKER_TLS_VERIFY")) || !string.IsNullOrEmpty(getEnvironmentVariable("DOCKER_TLS"));
        string? certPath = getEnvironmentVariable("DOCKER_CERT_PATH");
        if (string.IsNullOrEmpty(certPath) && tls)
        {
            certPath = DockerContexts.ConfigFolder(getEnvironmentVariable); // the CLI's default: its config folder
        }

        return Parse(value, tls, certPath).ChosenBy(source, skipTlsVerify: false, getEnvironmentVariable);
    }

    /// <summary>This endpoint, saying what chose it.</summary>
    private DockerEndpoint ChosenBy(string source, bool skipTlsVerify, Func<string, string?> getEnvironmentVariable) =>
        new(Transport, Display, SocketPath, Host, Port, BasePath, CertPath)
        {
            User = User,
            SkipTlsVerify = skipTlsVerify,
            Source = source,
            SshSearchPath = Transport == DockerTransport.Ssh ? getEnvironmentVariable("PATH") : null,
            SshAgent = Transport == DockerTransport.Ssh ? getEnvironmentVariable("SSH_AUTH_SOCK") : null,
        };

    /// <summary>Parses <c>unix:///path</c>, <c>tcp://host[:port][/prefix]</c>, <c>npipe:////./pipe/name</c> or
    /// <c>ssh://[user@]host[:port][/socket]</c>; null or blank means the platform default.</summary>
    internal static DockerEndpoint Parse(string? host, bool tls, string? certPath)
    {
        string value = host?.Trim() ?? string.Empty;
        if (value.Length == 0)
        {
            return OperatingSystem.IsWindows() ? Parse(DefaultWindowsHost, tls: false, certPath: null) : Unix(DefaultSocketPath);
        }

        int schemeEnd = value.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd <= 0)
        {
            throw Invalid(value, "expected unix:///path/to/docker.sock, tcp://host:port, npipe:////./pipe/name or ssh://user@host");
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
                return NamedPipe(value, rest);
            case "ssh":
                return Ssh(value);
            default:
                throw Invalid(value, $"unsupported scheme '{scheme}://'; use unix://, tcp://, npipe:// or ssh://");
        }
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

    /// <summary><c>npipe:////./pipe/docker_engine</c> (the docker CLI's spelling; backslashes work too): server ".", name "docker_engine".</summary>
    private static DockerEndpoint NamedPipe(string value, string rest)
    {
        string path = rest.Replace('\\', '/').TrimStart('/');
        if (path.Length == 0)
        {
            path = "./pipe/docker_engine";
        }

        string[] parts = path.Split('/', 3);
        if (parts.Length != 3 || parts[0].Length == 0 || !parts[1].Equals("pipe", StringComparison.OrdinalIgnoreCase) || parts[2].Length == 0 || parts[2].Contains('/'))
        {
            throw Invalid(value, "expected npipe:////./pipe/name, e.g. npipe:////./pipe/docker_engine");
        }

        return new DockerEndpoint(DockerTransport.NamedPipe, $"npipe:////{parts[0]}/pipe/{parts[2]}", parts[2], parts[0], 0, "/", null);
    }

    /// <summary><c>ssh://[user@]host[:port][/path/to/engine.sock]</c>, refused with a password, a query or a fragment (as the CLI).</summary>
    private static DockerEndpoint Ssh(string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out Uri? uri) || uri.Host.Length == 0)
        {
            throw Invalid(value, "expected ssh://[user@]host[:port]");
        }

        if (uri.UserInfo.Contains(':'))
        {
            throw Invalid(value, "a password in an ssh:// address is not supported; use a key or your ssh agent");
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            throw Invalid(value, "an ssh:// address takes no query and no fragment");
        }

        string? user = uri.UserInfo.Length == 0 ? null : Uri.UnescapeDataString(uri.UserInfo);
        string hostName = uri.IdnHost;
        if (hostName.StartsWith('-') || (user is not null && (user.Length == 0 || user.StartsWith('-'))) || hostName.Any(char.IsWhiteSpace))
        {
            throw Invalid(value, "the host or user name cannot start with '-'");
        }

        string path = Uri.UnescapeDataString(uri.AbsolutePath);
        string hostForDisplay = hostName.Contains(':') ? "[" + hostName + "]" : hostName;
        int port = uri.IsDefaultPort || uri.Port < 0 ? 0 : uri.Port;
        string display = "ssh://" + (user is null ? "" : user + "@") + hostForDisplay
            + (port == 0 ? "" : ":" + port.ToString(CultureInfo.InvariantCulture)) + (path.Trim('/').Length == 0 ? "" : path);
        return new DockerEndpoint(DockerTransport.Ssh, display, path.Trim('/').Length == 0 ? null : path, hostName, port, "/", null) { User = user };
    }

    private static DockerException Invalid(string value, string reason) =>
        new($"Invalid Docker endpoint '{Credentials.Redact(value)}': {reason}.", invalidEndpoint: true);
}
