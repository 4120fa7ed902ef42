using System.Security.Cryptography;
using FileSync.Docker;
using FileSync.Jobs;
using FileSync.Server;

namespace FileSync.Tests.Docker;

/// <summary>The warm sync server keeps a Docker client per endpoint: TLS files replaced in the same folder (minikube
/// recreated, docker-machine regenerate-certs, a context made again) must be read again, as the docker CLI does.</summary>
public sealed partial class DockerTlsTests
{
    [Fact]
    public async Task The_sync_server_reads_the_TLS_files_again_once_they_are_replaced()
    {
        using var engine = new FakeEngine(_pki.Issue("CN=engine", "127.0.0.1", _pki.Ca));
        var request = new SyncRequest
        {
            Environment = new Dictionary<string, string>
            {
                ["DOCKER_HOST"] = $"tcp://127.0.0.1:{engine.Port}",
                ["DOCKER_TLS_VERIFY"] = "1",
                ["DOCKER_CERT_PATH"] = _certDir,
            },
        };
        var server = new SyncServer(new ServerEndpoint(_certDir, Path.Combine(_certDir, "server.sock"), "test"), TimeSpan.FromMinutes(1));
        DockerClient first = server.ClientsFor(request, new FileSync.Tests.Core.RecordingLog())(null, DockerTimeouts.Default);
        Assert.Empty(await first.ListContainersAsync([], Ct));
        Assert.Same(first, server.ClientsFor(request, new FileSync.Tests.Core.RecordingLog())(null, DockerTimeouts.Default));

        using var newCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var newCa = Pki.CreateCa("CN=new-ca", newCaKey);
        File.WriteAllText(Path.Combine(_certDir, "ca.pem"), newCa.ExportCertificatePem());
        DockerClient second = server.ClientsFor(request, new FileSync.Tests.Core.RecordingLog())(null, DockerTimeouts.Default);

        // The new CA did not sign the engine: a client that read the new files refuses it (the kept one trusted it).
        var ex = await Assert.ThrowsAsync<DockerException>(() => second.ListContainersAsync([], Ct));
        Assert.True(ex.Unreachable, ex.Message);
    }
}
