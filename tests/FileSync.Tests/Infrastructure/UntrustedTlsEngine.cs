using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace FileSync.Tests.Infrastructure;

/// <summary>
/// A TLS listener on a loopback port whose certificate is self-signed (made here, trusted by nobody): a Docker client
/// connects, the handshake runs — the client receives the certificate and, asked for one, presents its own — and the
/// client then refuses the connection. Records each connection that got as far as a handshake, so that a test knows its
/// failure came from the handshake and not from before any connection, and whether any request was sent over it.
/// </summary>
/// <remarks>
/// With TLS 1.3 the client checks the server's certificate once its side of the handshake is done, so this side may see
/// the handshake succeed, and then the connection close without a request; with TLS 1.2 it sees the handshake fail.
/// </remarks>
internal sealed class UntrustedTlsEngine : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate = SelfSigned();
    private readonly CancellationTokenSource _stop = new();
    private readonly TaskCompletionSource _firstHandshakeEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _loop;
    private int _handshakes;
    private long _requestBytes;

    public UntrustedTlsEngine()
    {
        _listener.Start();
        _loop = Task.Run(AcceptLoopAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Connections that got a handshake and have ended.</summary>
    public int Handshakes => Volatile.Read(ref _handshakes);

    /// <summary>Application data received after a handshake: a client that refused the certificate sends none.</summary>
    public long RequestBytes => Interlocked.Read(ref _requestBytes);

    /// <summary>
    /// True once a connection with a handshake has ended on this side (the client's refusal reaches the listener after the
    /// client has reported it, so a test waits for the event, bounded by <paramref name="timeout"/>); false if none did.
    /// </summary>
    public async Task<bool> HandshakeEndedAsync(TimeSpan timeout)
    {
        try
        {
            await _firstHandshakeEnded.Task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(10));
        }
        catch (AggregateException)
        {
        }

        _certificate.Dispose();
        _stop.Dispose();
    }

    /// <summary>CN=untrusted-engine for 127.0.0.1, signed by its own key: the name matches, the chain never does.</summary>
    private static X509Certificate2 SelfSigned()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=untrusted-engine", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1));
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
            bool handshake = false;
            try
            {
                await using var ssl = new SslStream(tcp.GetStream());
                Task authentication = ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
                {
                    ServerCertificate = _certificate,
                    ClientCertificateRequired = true,
                    RemoteCertificateValidationCallback = (_, _, _, _) => true,
                }, _stop.Token);
                handshake = true; // a failure from here on is the handshake's (or the refusal after it)
                await authentication;

                byte[] buffer = new byte[4096];
                int read;
                while ((read = await ssl.ReadAsync(buffer, _stop.Token)) > 0)
                {
                    Interlocked.Add(ref _requestBytes, read);
                }
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
            {
                // the client refused the certificate: the expected end
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return; // the test ended
            }

            if (handshake)
            {
                Interlocked.Increment(ref _handshakes);
                _firstHandshakeEnded.TrySetResult();
            }
        }
    }
}
