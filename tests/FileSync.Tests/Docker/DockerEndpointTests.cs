using FileSync.Docker;

namespace FileSync.Tests.Docker;

public sealed class DockerEndpointTests
{
    /// <summary>sentence, host argument, DOCKER_HOST, DOCKER_TLS_VERIFY, expected display, transport.</summary>
    public static TheoryData<string, string?, string?, string?, string, string> Valid => new()
    {
        { "Nothing given means the local socket", null, null, null, "unix:///var/run/docker.sock", "Unix" },
        { "DOCKER_HOST is used when no host is given", null, "unix:///run/user/1000/docker.sock", null, "unix:///run/user/1000/docker.sock", "Unix" },
        { "The host argument wins over DOCKER_HOST", "tcp://10.0.0.5:2375", "unix:///other.sock", null, "tcp://10.0.0.5:2375", "Http" },
        { "A blank host argument falls back to DOCKER_HOST", "  ", "tcp://docker.local:1234", null, "tcp://docker.local:1234", "Http" },
        { "A blank DOCKER_HOST means the local socket", null, "", null, "unix:///var/run/docker.sock", "Unix" },
        { "unix:// without a path is the local socket", "unix://", null, null, "unix:///var/run/docker.sock", "Unix" },
        { "tcp without a port uses 2375", "tcp://docker.local", null, null, "tcp://docker.local:2375", "Http" },
        { "tcp without a port uses 2376 under TLS", "tcp://docker.local", null, "1", "tcp://docker.local:2376", "Https" },
        { "DOCKER_TLS_VERIFY turns tcp into https", null, "tcp://192.168.99.100:2376", "1", "tcp://192.168.99.100:2376", "Https" },
        { "TLS does not apply to a unix socket", "unix:///var/run/docker.sock", null, "1", "unix:///var/run/docker.sock", "Unix" },
        { "An IPv6 address goes in brackets", "tcp://[::1]:2375", null, null, "tcp://[::1]:2375", "Http" },
        { "A named pipe, the docker CLI's spelling", "npipe:////./pipe/docker_engine", null, null, "npipe:////./pipe/docker_engine", "NamedPipe" },
        { "A named pipe with backslashes", @"npipe://\\.\pipe\dockerDesktopLinuxEngine", null, null, "npipe:////./pipe/dockerDesktopLinuxEngine", "NamedPipe" },
        { "npipe:// alone is Docker Desktop's pipe", "npipe://", null, null, "npipe:////./pipe/docker_engine", "NamedPipe" },
        { "ssh with a user", "ssh://me@build-host", null, null, "ssh://me@build-host", "Ssh" },
        { "ssh with a port and a remote socket", "ssh://build-host:2222/run/user/1000/docker.sock", null, null, "ssh://build-host:2222/run/user/1000/docker.sock", "Ssh" },
        { "ssh to an IPv6 address", "ssh://me@[::1]:22", null, null, "ssh://me@[::1]:22", "Ssh" },
        { "An empty host is the loopback address", "tcp://:2375", null, null, "tcp://127.0.0.1:2375", "Http" },
        { "A path prefix is kept", "tcp://proxy.local:80/docker/", null, null, "tcp://proxy.local:80/docker", "Http" },
        { "The scheme is case-insensitive and spaces around are ignored", "  TCP://h:1  ", null, null, "tcp://h:1", "Http" },
    };

    [Theory]
    [MemberData(nameof(Valid))]
    public void Resolves(string sentence, string? host, string? dockerHost, string? tlsVerify, string display, string transport)
    {
        var env = new Dictionary<string, string?> { ["DOCKER_HOST"] = dockerHost, ["DOCKER_TLS_VERIFY"] = tlsVerify, ["DOCKER_CERT_PATH"] = "/certs", ["DOCKER_CONFIG"] = "/nonexistent/docker-config" };

        var endpoint = DockerEndpoint.Resolve(host, name => env.GetValueOrDefault(name));

        Assert.True(display == endpoint.Display, $"{sentence}: expected {display}, got {endpoint.Display}");
        Assert.Equal(transport, endpoint.Transport.ToString());
        Assert.Equal(transport == "Https" ? "/certs" : null, endpoint.CertPath);
    }

    /// <summary>sentence, host, text expected in the message.</summary>
    public static TheoryData<string, string, string> Invalid => new()
    {
        { "A named pipe needs /pipe/ and a name", "npipe:////./docker_engine", "expected npipe:////./pipe/name" },
        { "A named pipe's name has no slash", "npipe:////./pipe//tmp/x", "expected npipe:////./pipe/name" },
        { "ssh with a query is refused", "ssh://me@build-host?token=s3cr3t", "no query" },
        { "ssh with a user that looks like an option is refused", "ssh://-oProxyCommand=x@build-host", "cannot start with '-'" },
        { "ssh to a host that looks like an option is refused", "ssh://-oProxyCommand=x", "ssh://" },
        { "fd:// is not supported", "fd://3", "unsupported scheme" },
        { "http:// is not a Docker host", "http://docker.local:2375", "unsupported scheme" },
        { "A bare path is not a Docker host", "/var/run/docker.sock", "expected unix:///path" },
        { "A relative socket path is refused", "unix://docker.sock", "must be absolute" },
        { "A port must be a number", "tcp://docker.local:abc", "invalid port 'abc'" },
        { "A port must be in range", "tcp://docker.local:70000", "invalid port '70000'" },
        { "An IPv6 address needs brackets", "tcp://::1:2375", "brackets" },
        { "Credentials are refused and not echoed", "tcp://me:s3cr3t@docker.local:2375", "'tcp://***@docker.local:2375': user information" },
        { "ssh credentials are not echoed either", "ssh://me:s3cr3t@build-host", "'ssh://***@build-host': a password" },
        { "A password holding '/' is not echoed", "tcp://me:s3/cr3t@docker.local:2375", "'tcp://***@docker.local:2375'" },
        { "A query after a path prefix is refused and its token not echoed", "tcp://docker.local:2375/docker?token=s3cr3t", "'tcp://docker.local:2375/docker?token=***'" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Refuses(string sentence, string host, string expected)
    {
        var ex = Assert.Throws<DockerException>(() => DockerEndpoint.Resolve(host, _ => null));

        Assert.True(ex.InvalidEndpoint, sentence);
        Assert.False(ex.Unreachable);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_refuses_an_unsupported_host_with_a_DockerException()
    {
        var ex = Assert.Throws<DockerException>(() => DockerClient.Create("fd://3"));

        Assert.True(ex.InvalidEndpoint);
    }

    [Fact]
    public void TLS_without_DOCKER_CERT_PATH_reads_the_user_docker_folder()
    {
        var endpoint = DockerEndpoint.Resolve("tcp://h:2376", name => name == "DOCKER_TLS_VERIFY" ? "1" : null);

        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".docker"), endpoint.CertPath);
    }

    [Fact]
    public void Ssh_never_prompts_a_build_for_a_password_or_a_host_key()
    {
        // On a terminal ssh asked for the password in the middle of the build's output, and the build waited the whole
        // response timeout, then said the engine did not answer (FSYNC2021). A build has nobody to answer a prompt.
        string[] argv = SshConnection.Arguments(DockerEndpoint.Resolve("ssh://me@build-host", _ => null), DockerTimeouts.Default);

        int batch = Array.IndexOf(argv, "BatchMode=yes");
        Assert.True(batch > 0 && argv[batch - 1] == "-o" && batch < Array.IndexOf(argv, "--"), string.Join(' ', argv));
    }

    [Fact]
    public void The_ssh_argv_is_the_docker_CLIs()
    {
        var endpoint = DockerEndpoint.Resolve("ssh://me@build-host:2222", _ => null);
        var remoteSocket = DockerEndpoint.Resolve("ssh://build-host/run/my docker.sock", _ => null);

        Assert.Equal(["-l", "me", "-p", "2222", "-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-T", "--", "build-host", "docker system dial-stdio"], SshConnection.Arguments(endpoint, DockerTimeouts.Default));
        Assert.Equal(["-o", "BatchMode=yes", "-o", "ConnectTimeout=10", "-T", "--", "build-host", "docker '--host=unix:///run/my docker.sock' system dial-stdio"], SshConnection.Arguments(remoteSocket, DockerTimeouts.Default));
    }

    [Theory]
    [InlineData("docker", "docker")]
    [InlineData("--host=unix:///run/docker.sock", "--host=unix:///run/docker.sock")]
    [InlineData("/run/$(reboot).sock", "'/run/$(reboot).sock'")]
    [InlineData("it's `x`; rm -rf ~", "'it'\\''s `x`; rm -rf ~'")]
    [InlineData("", "''")]
    public void The_remote_command_quotes_every_word_for_the_remote_shell(string word, string quoted)
    {
        Assert.Equal(quoted, SshConnection.ShellQuote(word));
    }

    [Fact]
    public void A_remote_socket_path_with_shell_syntax_stays_one_quoted_word()
    {
        var endpoint = DockerEndpoint.Resolve("ssh://build-host/run/$(reboot).sock", _ => null);

        Assert.Equal("docker '--host=unix:///run/$(reboot).sock' system dial-stdio", SshConnection.Arguments(endpoint, DockerTimeouts.Default)[^1]);
    }
}
