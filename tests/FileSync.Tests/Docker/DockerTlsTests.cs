using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using FileSync.Docker;

namespace FileSync.Tests.Docker;

/// <summary>DOCKER_TLS_VERIFY / DOCKER_CERT_PATH against a minimal HTTPS stand-in for the engine (certificates made here).</summary>
public sealed partial class DockerTlsTests : IDisposable
{
    private readonly string _certDir = Path.Combine(Path.GetTempPath(), "filesync-tls-" + Guid.NewGuid().ToString("N"));
    private readonly Pki _pki = new();
    private readonly List<string> _configFolders = [];

    public DockerTlsTests()
    {
        Directory.CreateDirectory(_certDir);
        File.WriteAllText(Path.Combine(_certDir, "ca.pem"), _pki.Ca.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_certDir, "cert.pem"), _pki.Client.ExportCertificatePem());
        File.WriteAllText(Path.Combine(_certDir, "key.pem"), _pki.ClientKeyPem);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Directory.Delete(_certDir, recursive: true);
        foreach (string folder in _configFolders.Where(Directory.Exists))
        {
            Directory.Delete(folder, recursive: true);
        }

        _pki.Dispose();
    }

    [Fact]
    public async Task Https_trusts_ca_pem_and_presents_the_client_certificate()
    {
        using var server = new FakeEngine(_pki.Issue("CN=engine", "127.0.0.1", _pki.Ca));
        using var client = DockerClient.Create(Endpoint(server.Port));

        Assert.Empty(await client.ListContainersAsync([], Ct));
        Assert.Equal("CN=docker-client", server.ClientSubject);
        Assert.Equal($"tcp://127.0.0.1:{server.Port}", client.Endpoint);
    }

    [Fact]
    public async Task Https_refuses_a_server_not_signed_by_ca_pem_and_shows_no_key_material()
    {
        using var otherCaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var otherCa = Pki.CreateCa("CN=other-ca", otherCaKey);
        using var server = new FakeEngine(_pki.Issue("CN=engine", "127.0.0.1", otherCa));
        using var client = DockerClient.Create(Endpoint(server.Port));

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.ListContainersAsync([], Ct));

        Assert.True(ex.Unreachable, ex.Message);
        AssertNoSecrets(ex);
    }

    [Fact]
    public async Task Https_refuses_a_server_whose_name_does_not_match()
    {
        using var server = new FakeEngine(_pki.Issue("CN=engine", "10.9.9.9", _pki.Ca));
        using var client = DockerClient.Create(Endpoint(server.Port));

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.ListContainersAsync([], Ct));

        Assert.True(ex.Unreachable, ex.Message);
    }

    [Fact]
    public void A_certificate_without_its_key_is_an_invalid_endpoint()
    {
        File.Delete(Path.Combine(_certDir, "key.pem"));

        var ex = Assert.Throws<DockerException>(() => DockerClient.Create(Endpoint(2376)));

        Assert.True(ex.InvalidEndpoint);
        Assert.Contains("key.pem", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_corrupt_key_is_an_invalid_endpoint_and_its_content_is_not_shown()
    {
        File.WriteAllText(Path.Combine(_certDir, "key.pem"), "-----BEGIN PRIVATE KEY-----\nTOPSECRETKEYDATA\n-----END PRIVATE KEY-----\n");

        var ex = Assert.Throws<DockerException>(() => DockerClient.Create(Endpoint(2376)));

        Assert.True(ex.InvalidEndpoint);
        Assert.DoesNotContain("TOPSECRETKEYDATA", ex.ToString(), StringComparison.Ordinal);
        AssertNoSecrets(ex);
    }

    private DockerEndpoint Endpoint(int port) =>
        DockerEndpoint.Resolve($"tcp://127.0.0.1:{port}", name => name switch
        {
            "DOCKER_TLS_VERIFY" => "1",
            "DOCKER_CERT_PATH" => _certDir,
            _ => null,
        });

    private void AssertNoSecrets(Exception ex)
    {
        string all = ex.ToString();
        Assert.DoesNotContain("-----BEGIN", all, StringComparison.Ordinal);
        string keyBody = _pki.ClientKeyPem.Split('\n')[1];
        Assert.DoesNotContain(keyBody, all, StringComparison.Ordinal);
    }

    private sealed class Pki : IDisposable
    {
        private readonly ECDsa _clientKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public Pki()
        {
            Ca = CreateCa("CN=filesync-test-ca", CaKey);
            var request = new CertificateRequest("CN=docker-client", _clientKey, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
            Client = request.Create(Ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), Serial());
            ClientKeyPem = _clientKey.ExportPkcs8PrivateKeyPem();
        }

        public ECDsa CaKey { get; } = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        public X509Certificate2 Ca { get; }

        public X509Certificate2 Client { get; }

        public string ClientKeyPem { get; }

        public static X509Certificate2 CreateCa(string subject, ECDsa key)
        {
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
            request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
            return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(2)); // wider than any leaf
        }

        /// <summary>A server certificate for <paramref name="ipAddress"/>, signed by <paramref name="issuer"/> (which holds its key).</summary>
        public X509Certificate2 Issue(string subject, string ipAddress, X509Certificate2 issuer)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddIpAddress(IPAddress.Parse(ipAddress));
            request.CertificateExtensions.Add(san.Build());
            request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
            using var cert = request.Create(issuer, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), Serial());
            return cert.CopyWithPrivateKey(key);
        }

        private static byte[] Serial()
        {
            byte[] serial = RandomNumberGenerator.GetBytes(8);
            serial[0] = (byte)((serial[0] & 0x7F) | 0x01); // positive, no leading zero
            return serial;
        }

        public void Dispose()
        {
            Ca.Dispose();
            Client.Dispose();
            CaKey.Dispose();
            _clientKey.Dispose();
        }
    }

    /// <summary>Answers every request on one TLS port with an empty container list; requires a client certificate.</summary>
    private sealed class FakeEngine : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly X509Certificate2 _certificate;
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;

        public FakeEngine(X509Certificate2 certificate)
        {
            _certificate = certificate;
            _listener.Start();
            _loop = Task.Run(AcceptLoopAsync);
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public string? ClientSubject { get; private set; }

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            try
            {
                _loop.Wait(TimeSpan.FromSeconds(5));
            }
            catch (AggregateException)
            {
            }

            _certificate.Dispose();
            _stop.Dispose();
        }

        private async Task AcceptLoopAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient tcp;
                try
                {
                    tcp = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                _ = Task.Run(() => ServeAsync(tcp));
            }
        }

        private async Task ServeAsync(TcpClient tcp)
        {
            using (tcp)
            {
                try
                {
                    await using var ssl = new SslStream(tcp.GetStream());
                    await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                    {
                        ServerCertificate = _certificate,
                        ClientCertificateRequired = true,
                        RemoteCertificateValidationCallback = (_, cert, _, _) => cert is not null,
                    }, _stop.Token);
                    ClientSubject = ssl.RemoteCertificate?.Subject;
                    var buffer = new byte[4096];
                    var request = new StringBuilder();
                    while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                    {
                        int n = await ssl.ReadAsync(buffer, _stop.Token);
                        if (n == 0)
                        {
                            return;
                        }

                        request.Append(Encoding.ASCII.GetString(buffer, 0, n));
                    }

                    byte[] body = "[]"u8.ToArray();
                    string head = $"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n";
                    await ssl.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
                    await ssl.WriteAsync(body, _stop.Token);
                }
                catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException or ObjectDisposedException)
                {
                    // The client refused us (the point of some tests) or the test ended.
                }
            }
        }
    }
}
