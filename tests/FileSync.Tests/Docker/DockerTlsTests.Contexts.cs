using System.Security.Cryptography;
using FileSync.Docker;
using FileSync.Tests.Infrastructure;

namespace FileSync.Tests.Docker;

/// <summary>TLS contexts made by the real <c>docker context create</c>: its copy of ca/cert/key is what FileSync uses.</summary>
public sealed partial class DockerTlsTests
{
    [Fact]
    public async Task A_TLS_context_made_by_the_docker_CLI_trusts_its_ca_and_presents_its_client_certificate()
    {
        using var server = new FakeEngine(_pki.Issue("CN=engine", "127.0.0.1", _pki.Ca));
        string config = await CreateContextAsync("tls-engine", $"host=tcp://127.0.0.1:{server.Port},ca={_certDir}/ca.pem,cert={_certDir}/cert.pem,key={_certDir}/key.pem");
        Directory.Delete(_certDir, recursive: true); // the context holds its own copy
        Directory.CreateDirectory(_certDir);

        DockerEndpoint endpoint = DockerEndpoint.Resolve(null, Environment(config, "tls-engine"));
        using var client = DockerClient.Create(endpoint);

        Assert.Empty(await client.ListContainersAsync([], Ct));
        Assert.Equal("CN=docker-client", server.ClientSubject);
        Assert.Equal(DockerTransport.Https, endpoint.Transport);
        Assert.StartsWith(Path.Combine(config, "contexts", "tls"), endpoint.CertPath, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_TLS_context_refuses_an_engine_its_ca_did_not_sign()
    {
        using var otherCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherCa = Pki.CreateCa("CN=other-ca", otherCaKey);
        using var server = new FakeEngine(_pki.Issue("CN=engine", "127.0.0.1", otherCa));
        string config = await CreateContextAsync("tls-strict", $"host=tcp://127.0.0.1:{server.Port},ca={_certDir}/ca.pem,cert={_certDir}/cert.pem,key={_certDir}/key.pem");
        using var client = DockerClient.Create(DockerEndpoint.Resolve(null, Environment(config, "tls-strict")));

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.ListContainersAsync([], Ct));

        Assert.True(ex.Unreachable, ex.Message);
        AssertNoSecrets(ex);
    }

    [Fact]
    public async Task A_skip_tls_verify_context_accepts_any_engine_certificate_as_the_CLI_does()
    {
        using var otherCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherCa = Pki.CreateCa("CN=other-ca", otherCaKey);
        using var server = new FakeEngine(_pki.Issue("CN=engine", "127.0.0.1", otherCa));
        string config = await CreateContextAsync("tls-skip", $"host=tcp://127.0.0.1:{server.Port},ca={_certDir}/ca.pem,cert={_certDir}/cert.pem,key={_certDir}/key.pem,skip-tls-verify=true");

        DockerEndpoint endpoint = DockerEndpoint.Resolve(null, Environment(config, "tls-skip"));
        using var client = DockerClient.Create(endpoint);

        Assert.True(endpoint.SkipTlsVerify);
        Assert.Empty(await client.ListContainersAsync([], Ct));
        Assert.Equal("CN=docker-client", server.ClientSubject);
    }

    /// <summary>A config folder of its own holding one context made by the docker CLI; deleted with the cert folder's parent run.</summary>
    private async Task<string> CreateContextAsync(string name, string docker)
    {
        string config = Path.Combine(_certDir + "-config");
        _configFolders.Add(config);
        await DockerCli.RunCheckedAsync(["--config", config, "context", "create", name, "--docker", docker], Ct);
        return config;
    }

    private static Func<string, string?> Environment(string config, string context) => name => name switch
    {
        "DOCKER_CONFIG" => config,
        "DOCKER_CONTEXT" => context,
        _ => null,
    };
}
