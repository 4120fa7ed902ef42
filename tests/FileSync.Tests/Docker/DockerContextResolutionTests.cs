using System.Security.Cryptography;
using System.Text;
using FileSync.Diagnostics;
using FileSync.Docker;

namespace FileSync.Tests.Docker;

/// <summary>Which engine FileSync picks, in the docker CLI's order: FileSyncDockerHost, DOCKER_HOST, DOCKER_CONTEXT,
/// config.json's currentContext, the platform default. A fake environment over a real config folder.</summary>
public sealed class DockerContextResolutionTests : IDisposable
{
    private readonly string _home = Path.Combine(Path.GetTempPath(), "filesync-contexts-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _env = new();

    public DockerContextResolutionTests()
    {
        Directory.CreateDirectory(ConfigFolder);
        _env["HOME"] = _home;
        _env["USERPROFILE"] = _home;
        WriteContext("colima", "unix:///home/me/.colima/default/docker.sock");
        WriteContext("remote", "ssh://me@build-host");
        WriteConfig("""{ "auths": { "example.com": {} }, "currentContext": "colima" }""");
    }

    private string ConfigFolder => Path.Combine(_home, ".docker");

    private string ConfigFile => Path.Combine(ConfigFolder, "config.json");

    public void Dispose() => Directory.Delete(_home, recursive: true);

    [Fact]
    public void CurrentContext_in_config_json_is_used_when_nothing_else_is_set()
    {
        DockerEndpoint endpoint = Resolve(null);

        Assert.Equal("unix:///home/me/.colima/default/docker.sock", endpoint.Display);
        Assert.Equal($"Docker context 'colima' (currentContext in {ConfigFile})", endpoint.Source);
    }

    [Fact]
    public void DOCKER_CONTEXT_wins_over_currentContext()
    {
        _env["DOCKER_CONTEXT"] = "remote";

        DockerEndpoint endpoint = Resolve(null);

        Assert.Equal(DockerTransport.Ssh, endpoint.Transport);
        Assert.Equal("Docker context 'remote' (DOCKER_CONTEXT)", endpoint.Source);
    }

    [Fact]
    public void DOCKER_HOST_wins_over_any_context()
    {
        _env["DOCKER_CONTEXT"] = "remote";
        _env["DOCKER_HOST"] = "tcp://10.0.0.5:2375";

        DockerEndpoint endpoint = Resolve(null);

        Assert.Equal("tcp://10.0.0.5:2375", endpoint.Display);
        Assert.Equal("DOCKER_HOST", endpoint.Source);
    }

    [Fact]
    public void FileSyncDockerHost_wins_over_everything()
    {
        _env["DOCKER_CONTEXT"] = "remote";
        _env["DOCKER_HOST"] = "tcp://10.0.0.5:2375";

        DockerEndpoint endpoint = Resolve("unix:///run/mine.sock");

        Assert.Equal("unix:///run/mine.sock", endpoint.Display);
        Assert.Equal("FileSyncDockerHost", endpoint.Source);
    }

    [Theory]
    [InlineData("DOCKER_CONTEXT")]
    [InlineData("currentContext")]
    public void The_context_named_default_is_the_platform_default(string how)
    {
        if (how == "DOCKER_CONTEXT")
        {
            _env["DOCKER_CONTEXT"] = "default";
        }
        else
        {
            WriteConfig("""{ "currentContext": "default" }""");
        }

        DockerEndpoint endpoint = Resolve(null);

        Assert.Equal("unix:///var/run/docker.sock", endpoint.Display);
        Assert.Equal("the platform default", endpoint.Source);
    }

    [Fact]
    public void No_config_file_is_the_platform_default()
    {
        File.Delete(ConfigFile);

        Assert.Equal("unix:///var/run/docker.sock", Resolve(null).Display);
    }

    [Fact]
    public void DOCKER_CONFIG_replaces_the_home_folder()
    {
        string other = Path.Combine(_home, "other-config");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "config.json"), """{"currentContext":"elsewhere"}""");
        WriteContext("elsewhere", "unix:///elsewhere.sock", folder: other);
        _env["DOCKER_CONFIG"] = other;

        Assert.Equal("unix:///elsewhere.sock", Resolve(null).Display);
    }

    [Fact]
    public void A_context_that_does_not_exist_is_FSYNC2050_naming_it_and_the_config_file()
    {
        WriteConfig("""{ "currentContext": "gone" }""");

        var ex = Assert.Throws<FileSyncException>(() => Resolve(null));

        Assert.Equal("FSYNC2050", ex.Diagnostic.Code);
        Assert.Contains("'gone'", ex.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains(ConfigFile, ex.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_DOCKER_CONTEXT_that_does_not_exist_is_FSYNC2050_naming_the_variable()
    {
        _env["DOCKER_CONTEXT"] = "typo";

        var ex = Assert.Throws<FileSyncException>(() => Resolve(null));

        Assert.Equal("FSYNC2050", ex.Diagnostic.Code);
        Assert.Contains("'typo' (chosen by DOCKER_CONTEXT)", ex.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{"Name":"colima","Endpoints":{}}""")]
    [InlineData("""{"Name":"colima","Endpoints":{"docker":{"Host":42}}}""")]
    public void A_broken_meta_json_is_FSYNC2051_naming_the_file(string meta)
    {
        File.WriteAllText(MetaFile("colima"), meta);

        var ex = Assert.Throws<FileSyncException>(() => Resolve(null));

        Assert.Equal("FSYNC2051", ex.Diagnostic.Code);
        Assert.Contains(MetaFile("colima"), ex.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_context_with_an_unusable_host_is_FSYNC2051_naming_the_context_and_the_host()
    {
        WriteContext("colima", "http://nope");

        var ex = Assert.Throws<FileSyncException>(() => Resolve(null));

        Assert.Equal("FSYNC2051", ex.Diagnostic.Code);
        Assert.Contains("'colima'", ex.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Contains("'http://nope': unsupported scheme", ex.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_context_with_a_password_in_its_host_never_shows_it()
    {
        WriteContext("colima", "tcp://me:s3cr3t@engine.example:2376");

        var ex = Assert.Throws<FileSyncException>(() => Resolve(null));

        Assert.Equal("FSYNC2051", ex.Diagnostic.Code);
        Assert.DoesNotContain("s3cr3t", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_config_json_that_is_not_json_is_FSYNC2052()
    {
        WriteConfig("{ \"currentContext\": ");

        var ex = Assert.Throws<FileSyncException>(() => Resolve(null));

        Assert.Equal("FSYNC2052", ex.Diagnostic.Code);
        Assert.Contains(ConfigFile, ex.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_context_with_TLS_files_is_https_with_its_own_folder()
    {
        WriteContext("secure", "tcp://engine.example:2376");
        string tls = Path.Combine(ConfigFolder, "contexts", "tls", Id("secure"), "docker");
        Directory.CreateDirectory(tls);
        File.WriteAllText(Path.Combine(tls, "ca.pem"), "-");
        _env["DOCKER_CONTEXT"] = "secure";
        _env["DOCKER_TLS_VERIFY"] = null;

        DockerEndpoint endpoint = Resolve(null);

        Assert.Equal(DockerTransport.Https, endpoint.Transport);
        Assert.Equal(tls, endpoint.CertPath);
        Assert.False(endpoint.SkipTlsVerify);
    }

    [Fact]
    public void A_tcp_context_without_TLS_is_plain_http_and_DOCKER_TLS_VERIFY_does_not_apply_to_it()
    {
        WriteContext("plain", "tcp://engine.example:2375");
        _env["DOCKER_CONTEXT"] = "plain";
        _env["DOCKER_TLS_VERIFY"] = "1";

        Assert.Equal(DockerTransport.Http, Resolve(null).Transport);
    }

    [Fact]
    public void SkipTLSVerify_is_https_without_checking_the_engine()
    {
        WriteContext("insecure", "tcp://engine.example:2376", skipTlsVerify: true);
        _env["DOCKER_CONTEXT"] = "insecure";

        DockerEndpoint endpoint = Resolve(null);

        Assert.Equal(DockerTransport.Https, endpoint.Transport);
        Assert.True(endpoint.SkipTlsVerify);
    }

    [Fact]
    public void An_explicit_host_reads_no_config_file()
    {
        WriteConfig("{ broken");

        Assert.Equal("unix:///x.sock", Resolve("unix:///x.sock").Display);
    }

    [Fact]
    public void DOCKER_TLS_VERIFY_without_DOCKER_CERT_PATH_reads_the_TLS_files_from_DOCKER_CONFIG()
    {
        // The CLI's default cert path is its config folder (DOCKER_CONFIG), not always ~/.docker.
        string other = Path.Combine(_home, "elsewhere");
        _env["DOCKER_CONFIG"] = other;
        _env["DOCKER_HOST"] = "tcp://build-host:2376";
        _env["DOCKER_TLS_VERIFY"] = "1";

        Assert.Equal(other, Resolve(null).CertPath);
    }

    [Fact]
    public void A_relative_DOCKER_CONFIG_is_the_build_folder_s_even_in_the_sync_server()
    {
        // The server runs in another folder: the build's relative DOCKER_CONFIG must still name the build's config.
        var request = new FileSync.Jobs.SyncRequest { BaseDirectory = _home, Environment = new Dictionary<string, string> { ["DOCKER_CONFIG"] = ".docker" } };

        DockerEndpoint endpoint = DockerEndpoint.Resolve(null, request.GetEnvironmentVariable);

        Assert.Equal("unix:///home/me/.colima/default/docker.sock", endpoint.Display);
        Assert.Equal($"Docker context 'colima' (currentContext in {ConfigFile})", endpoint.Source);
    }

    [Fact]
    public void A_relative_DOCKER_CERT_PATH_is_the_build_folder_s_even_in_the_sync_server()
    {
        var request = new FileSync.Jobs.SyncRequest
        {
            BaseDirectory = _home,
            Environment = new Dictionary<string, string> { ["DOCKER_HOST"] = "tcp://build-host:2376", ["DOCKER_TLS_VERIFY"] = "1", ["DOCKER_CERT_PATH"] = "certs" },
        };

        Assert.Equal(Path.Combine(_home, "certs"), DockerEndpoint.Resolve(null, request.GetEnvironmentVariable).CertPath);
    }

    private DockerEndpoint Resolve(string? host) => DockerEndpoint.Resolve(host, name => _env.GetValueOrDefault(name));

    private void WriteConfig(string json) => File.WriteAllText(ConfigFile, json);

    private string MetaFile(string name, string? folder = null) => Path.Combine(folder ?? ConfigFolder, "contexts", "meta", Id(name), "meta.json");

    private void WriteContext(string name, string host, bool skipTlsVerify = false, string? folder = null)
    {
        string meta = MetaFile(name, folder);
        Directory.CreateDirectory(Path.GetDirectoryName(meta)!);
        // What `docker context create` writes (docker 28).
        File.WriteAllText(meta, "{\"Name\":\"" + name + "\",\"Metadata\":{\"Description\":\"\"},\"Endpoints\":{\"docker\":{\"Host\":\"" + host + "\",\"SkipTLSVerify\":" + (skipTlsVerify ? "true" : "false") + "}}}");
    }

    private static string Id(string name) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name))).ToLowerInvariant();
}
