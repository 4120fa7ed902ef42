using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FileSync.Diagnostics;
using FileSync.Docker;
using FileSync.Targets;
using FileSync.Tests.Core;
using FileSync.Tests.Infrastructure;

namespace FileSync.Tests.Reliability;

/// <summary>
/// What FileSync reads to reach the engine (the TLS files of DOCKER_CERT_PATH, a password in the Docker host) never reaches
/// its diagnostics: the FSYNC2001 error the build logs, and every line logged on the way, name files and endpoints only.
/// DockerTlsTests checks the client's own exceptions; this checks what a build would print, through TargetFactory. Files
/// that load are used in a real TLS handshake (with an engine whose self-signed certificate is trusted by nobody), so the
/// failure comes from the handshake, after the key was loaded and offered, not from before any connection.
/// </summary>
public sealed class TlsAndCredentialSecretsTests : IDisposable
{
    private readonly string _certs = Directory.CreateTempSubdirectory("filesync-secrets-").FullName;
    private readonly string _marker = "SECRET" + Guid.NewGuid().ToString("N").ToUpperInvariant();
    private readonly RecordingLog _log = new();

    public void Dispose() => Directory.Delete(_certs, recursive: true);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public enum Secret
    {
        /// <summary>Loadable ca.pem, cert.pem, key.pem with the marker beside each armor; the engine's certificate is untrusted.</summary>
        TlsFilesUntrustedEngine,

        /// <summary>key.pem's body is the marker, not a key.</summary>
        KeyIsGarbage,

        /// <summary>ca.pem's body is the marker, not a certificate.</summary>
        CaIsGarbage,

        /// <summary>FileSyncDockerHost holds a password (user information): tcp://user:marker@host:port.</summary>
        PasswordInFileSyncDockerHost,

        /// <summary>DOCKER_HOST holds a password.</summary>
        PasswordInDockerHostVariable,
    }

    public static TheoryData<string, Secret> Cases => new()
    {
        { "real TLS files and an engine whose certificate they do not trust", Secret.TlsFilesUntrustedEngine },
        { "a key.pem whose body is not a key", Secret.KeyIsGarbage },
        { "a ca.pem whose body is not a certificate", Secret.CaIsGarbage },
        { "a password in FileSyncDockerHost", Secret.PasswordInFileSyncDockerHost },
        { "a password in DOCKER_HOST", Secret.PasswordInDockerHostVariable },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Secrets_never_reach_the_diagnostics(string sentence, Secret secret)
    {
        string keyBody = WriteTlsFiles(secret);
        using var engine = new UntrustedTlsEngine();
        // Files that load reach a real handshake, which fails on the engine's certificate; damaged files, and an address
        // with user information (refused as an endpoint), fail before any connection.
        bool handshake = secret == Secret.TlsFilesUntrustedEngine;
        int port = handshake ? engine.Port : ClosedPort();
        string endpoint = $"tcp://127.0.0.1:{port}";
        string passwordHost = $"tcp://filesync:{_marker}@127.0.0.1:{port}";
        string? dockerHostVariable = secret == Secret.PasswordInDockerHostVariable ? passwordHost : null;
        var settings = new TargetSettings("docker")
        {
            Container = "web",
            DockerHost = secret switch
            {
                Secret.PasswordInFileSyncDockerHost => passwordHost,
                Secret.PasswordInDockerHostVariable => null,
                _ => endpoint,
            },
        };
        string? Environment(string name) => name switch
        {
            "DOCKER_TLS_VERIFY" => "1",
            "DOCKER_CERT_PATH" => _certs,
            "DOCKER_HOST" => dockerHostVariable,
            _ => null,
        };

        var failure = await Assert.ThrowsAsync<FileSyncException>(() =>
            TargetFactory.ResolveAsync(settings, host => DockerClient.Create(DockerEndpoint.Resolve(host, Environment)), _log, Ct));

        Assert.True(failure.Diagnostic.Code == "FSYNC2001", $"{sentence}: expected FSYNC2001, got {failure.Diagnostic}");
        if (handshake)
        {
            Assert.True(await engine.HandshakeEndedAsync(TimeSpan.FromSeconds(30)), $"{sentence}: the engine saw no handshake. {failure.Diagnostic}");
            Assert.Equal(0, engine.RequestBytes); // refused: not a byte of a request over the untrusted connection
        }

        string logged = string.Join('\n', [failure.Diagnostic.ToString(), .. _log.Summaries, .. _log.Details, .. _log.Warnings.Concat(_log.Errors).Select(d => d.ToString())]);
        Assert.DoesNotContain(_marker, logged, StringComparison.Ordinal);
        Assert.DoesNotContain(keyBody, logged, StringComparison.Ordinal);
        Assert.DoesNotContain("-----BEGIN", logged, StringComparison.Ordinal);
        // Nor anywhere in the exception chain a host could log.
        Assert.DoesNotContain(_marker, failure.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(keyBody, failure.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Writes ca.pem, cert.pem and key.pem with the marker as text beside each armor; returns the key's first base64 line.</summary>
    private string WriteTlsFiles(Secret secret)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=filesync-secrets-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 client = new CertificateRequest("CN=docker-client", clientKey, HashAlgorithmName.SHA256)
            .Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [5, 6, 7, 8]);

        string keyPem = secret == Secret.KeyIsGarbage ? Armor("PRIVATE KEY") : clientKey.ExportPkcs8PrivateKeyPem();
        string caPem = secret == Secret.CaIsGarbage ? Armor("CERTIFICATE") : ca.ExportCertificatePem();
        File.WriteAllText(Path.Combine(_certs, "ca.pem"), $"{_marker} ca\n{caPem}\n");
        File.WriteAllText(Path.Combine(_certs, "cert.pem"), $"{_marker} cert\n{client.ExportCertificatePem()}\n");
        File.WriteAllText(Path.Combine(_certs, "key.pem"), $"{_marker} key\n{keyPem}\n");
        return clientKey.ExportPkcs8PrivateKeyPem().Split('\n')[1];
    }

    private string Armor(string label) => $"-----BEGIN {label}-----\n{_marker}\n-----END {label}-----\n";

    /// <summary>A loopback port nobody listens on (bound, then released): connections to it are refused.</summary>
    private static int ClosedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
