using System.Net;
using System.Net.WebSockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace FileSync.KubeStandIn.Tests;

/// <summary>The wire, byte by byte, with a plain HttpClient and ClientWebSocket that trust only the stand-in's CA.</summary>
public sealed class RawProtocolTests(StandInFixture fixture) : IClassFixture<StandInFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Without_the_token_every_request_gets_401_and_a_Status()
    {
        using var http = Http(token: null);
        using var response = await http.GetAsync("api/v1/namespaces/shop/pods", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Status", json.RootElement.GetProperty("kind").GetString());
        Assert.Equal("Unauthorized", json.RootElement.GetProperty("reason").GetString());
        Assert.Equal(401, json.RootElement.GetProperty("code").GetInt32());

        using var withToken = Http(KubeStandIn.Token);
        using var ok = await withToken.GetAsync("api/v1/namespaces/shop/pods", Ct);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        // The log of requests holds method, path and query: never a header, so never the token.
        Assert.DoesNotContain(fixture.StandIn.Requests, r => r.Contains(KubeStandIn.Token, StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_request_hook_that_throws_resets_the_connection()
    {
        await using var standIn = await KubeStandIn.StartAsync(Ct);
        standIn.BeforeRequestAsync = line => line.StartsWith("GET /api/v1/pods", StringComparison.Ordinal)
            ? throw new InvalidOperationException("dies") : Task.CompletedTask;
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => Trusted(standIn, certificate) };
        using var http = new HttpClient(handler) { BaseAddress = standIn.BaseAddress };
        http.DefaultRequestHeaders.Authorization = new("Bearer", KubeStandIn.Token);
        await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync("api/v1/pods", Ct));
        using var version = await http.GetAsync("version", Ct);
        Assert.Equal(HttpStatusCode.OK, version.StatusCode);
    }

    [Fact]
    public async Task A_missing_pod_is_a_404_Status_naming_it()
    {
        using var http = Http(KubeStandIn.Token);
        using var response = await http.GetAsync("api/v1/namespaces/shop/pods/nosuch", Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("pods \"nosuch\" not found", json.RootElement.GetProperty("message").GetString());
        Assert.Equal("NotFound", json.RootElement.GetProperty("reason").GetString());
        Assert.Equal("pods", json.RootElement.GetProperty("details").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task V5_exec_sends_output_then_the_status_then_a_normal_close()
    {
        using var socket = await ConnectAsync("web-1", ["sh", "-c", "printf hi"], "v5.channel.k8s.io", stdin: false);
        Assert.Equal("v5.channel.k8s.io", socket.SubProtocol);
        var messages = new List<byte[]>();
        var buffer = new byte[64 * 1024];
        while (true)
        {
            using var message = new MemoryStream();
            WebSocketReceiveResult result;
            do
            {
                result = await socket.ReceiveAsync(buffer, Ct);
                message.Write(buffer, 0, result.Count);
            }
            while (!result.EndOfMessage);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                Assert.Equal(WebSocketCloseStatus.NormalClosure, result.CloseStatus);
                break;
            }

            Assert.Equal(WebSocketMessageType.Binary, result.MessageType);
            messages.Add(message.ToArray());
        }

        Assert.Equal([(byte)1, .. "hi"u8.ToArray()], messages[0]);
        Assert.Equal([(byte)3, .. """{"metadata":{},"status":"Success"}"""u8.ToArray()], messages[^1]);
        Assert.Equal(2, messages.Count);
    }

    [Fact]
    public async Task An_exec_offering_no_protocol_the_server_speaks_is_refused_with_403_before_the_upgrade()
    {
        var error = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync("web-1", ["true"], "channel.k8s.io", stdin: false));
        Assert.Contains("403", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_without_v5_refuses_it_and_serves_v4()
    {
        await using var standIn = await KubeStandIn.StartAsync(Ct);
        standIn.ExecProtocols = ["v4.channel.k8s.io"];
        await standIn.AddPodAsync("old", "p", new Dictionary<string, string>(), new StandInContainer("app", StandInFixture.Image));
        // A bare 403 (no body, no Content-Type), unlike an RBAC refusal, which is a 403 with a JSON Status.
        using var http = Http(standIn, KubeStandIn.Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/namespaces/old/pods/p/exec?command=true&stdout=true");
        request.Headers.Add("Connection", "Upgrade");
        request.Headers.Add("Upgrade", "websocket");
        request.Headers.Add("Sec-WebSocket-Version", "13");
        request.Headers.Add("Sec-WebSocket-Key", Convert.ToBase64String(Guid.NewGuid().ToByteArray()));
        request.Headers.Add("Sec-WebSocket-Protocol", "v5.channel.k8s.io");
        using var refused = await http.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Null(refused.Content.Headers.ContentType);
        Assert.Empty(await refused.Content.ReadAsByteArrayAsync(Ct));
        using var v4 = await ConnectAsync(standIn, "old", "p", ["true"], "v4.channel.k8s.io", stdin: false);
        Assert.Equal("v4.channel.k8s.io", v4.SubProtocol);
    }

    private HttpClient Http(string? token) => Http(fixture.StandIn, token);

    private static HttpClient Http(KubeStandIn standIn, string? token)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, certificate, _, _) => Trusted(standIn, certificate) };
        var http = new HttpClient(handler) { BaseAddress = standIn.BaseAddress };
        if (token is not null)
        {
            http.DefaultRequestHeaders.Authorization = new("Bearer", token);
        }

        return http;
    }

    private Task<ClientWebSocket> ConnectAsync(string pod, string[] command, string protocol, bool stdin) =>
        ConnectAsync(fixture.StandIn, StandInFixture.Namespace, pod, command, protocol, stdin);

    private static async Task<ClientWebSocket> ConnectAsync(KubeStandIn standIn, string ns, string pod, string[] command, string protocol, bool stdin)
    {
        var socket = new ClientWebSocket();
        socket.Options.AddSubProtocol(protocol);
        socket.Options.SetRequestHeader("Authorization", "Bearer " + KubeStandIn.Token);
        socket.Options.RemoteCertificateValidationCallback = (_, certificate, _, _) => Trusted(standIn, certificate);
        var query = new StringBuilder($"api/v1/namespaces/{ns}/pods/{pod}/exec?stdout=true&stderr=true&stdin={(stdin ? "true" : "false")}");
        foreach (string part in command)
        {
            query.Append("&command=").Append(Uri.EscapeDataString(part));
        }

        var uri = new UriBuilder(new Uri(standIn.BaseAddress, query.ToString())) { Scheme = "wss" }.Uri;
        try
        {
            await socket.ConnectAsync(uri, Ct);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private bool Trusted(X509Certificate? certificate) => Trusted(fixture.StandIn, certificate);

    private static bool Trusted(KubeStandIn standIn, X509Certificate? certificate) =>
        certificate is not null && X509Certificate2.CreateFromPem(standIn.CertificateAuthorityPem).Thumbprint == new X509Certificate2(certificate).Thumbprint;
}
