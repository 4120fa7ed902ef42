using System.Net;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using FileSync.EndToEnd.Tests.Infrastructure;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Faults;

/// <summary>
/// The contents of the TLS files in DOCKER_CERT_PATH never reach the build log, even at diagnostic verbosity, whether they
/// load and are used in a real handshake with an engine whose (self-signed) certificate they do not trust, or they are
/// damaged and fail before any connection: the build fails with FSYNC2001 naming the endpoint only.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class TlsSecretsInBuildLogTests(PackageFixture package)
{
    public static TheoryData<string, bool> Cases => new()
    {
        { "real TLS files (with a marker beside the armor) and an engine they do not trust", true },
        { "a key.pem whose body is the marker, not a key", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Tls_file_contents_stay_out_of_a_diagnostic_build_log(string sentence, bool validKey)
    {
        string marker = "SECRET" + Guid.NewGuid().ToString("N").ToUpperInvariant();
        string certs = Directory.CreateTempSubdirectory("filesync-e2e-certs-").FullName;
        try
        {
            string keyBody = WriteTlsFiles(certs, marker, validKey);
            using var project = new ConsumerProject(package, "tls-secrets").Rule("a.txt", dest: "www");
            project.WriteFile("a.txt", "a\n");
            using var engine = new UntrustedTlsEngine();
            int port = validKey ? engine.Port : ClosedPort();
            var environment = new Dictionary<string, string?>
            {
                ["DOCKER_TLS_VERIFY"] = "1",
                ["DOCKER_CERT_PATH"] = certs,
                ["DOCKER_HOST"] = null,
            };

            var result = await project.BuildAsync(["-t:SyncToContainer", "-v:diag", "-p:FileSyncContainer=web", $"-p:FileSyncDockerHost=tcp://127.0.0.1:{port}"], environment);

            Assert.True(result.ExitCode != 0, $"{sentence}: the build succeeded. {result}");
            // At diagnostic verbosity the error shows twice: with a timestamp as it happens, and in the closing summary.
            IReadOnlyList<string> errors = FaultKit.Diagnostics(result, "error", "FSYNC2001");
            Assert.NotEmpty(errors);
            Assert.All(errors, error => Assert.Contains($"tcp://127.0.0.1:{port}", error, StringComparison.Ordinal));
            Assert.DoesNotContain(marker, result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain(keyBody, result.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("-----BEGIN", result.Output, StringComparison.Ordinal);
            if (validKey)
            {
                // The failure came from the handshake (the key was loaded and offered), not from before any connection.
                Assert.True(await engine.HandshakeEndedAsync(TimeSpan.FromSeconds(30)), $"{sentence}: the engine saw no handshake. {result}");
                Assert.Equal(0, engine.RequestBytes);
            }
        }
        finally
        {
            Directory.Delete(certs, recursive: true);
        }
    }

    /// <summary>ca.pem, cert.pem and key.pem with the marker as text beside each armor; returns the key's first base64 line.</summary>
    private static string WriteTlsFiles(string folder, string marker, bool validKey)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=filesync-e2e-ca", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        using var clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using X509Certificate2 client = new CertificateRequest("CN=docker-client", clientKey, HashAlgorithmName.SHA256)
            .Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddHours(12), [1, 2, 3, 4]);

        string keyPem = validKey ? clientKey.ExportPkcs8PrivateKeyPem() : $"-----BEGIN PRIVATE KEY-----\n{marker}\n-----END PRIVATE KEY-----\n";
        File.WriteAllText(Path.Combine(folder, "ca.pem"), $"{marker} ca\n{ca.ExportCertificatePem()}\n");
        File.WriteAllText(Path.Combine(folder, "cert.pem"), $"{marker} cert\n{client.ExportCertificatePem()}\n");
        File.WriteAllText(Path.Combine(folder, "key.pem"), $"{marker} key\n{keyPem}");
        return keyPem.Split('\n')[1];
    }

    /// <summary>A loopback port nobody listens on (bound, then released): connections to it are refused.</summary>
    private static int ClosedPort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }
}
