using System.Net;
using System.Net.Sockets;
using FileSync.Docker;

namespace FileSync.Tests.Docker;

/// <summary>No engine at the endpoint: a <see cref="DockerException"/> with <see cref="DockerException.Unreachable"/>, from the connect's own error (no timeout).</summary>
public sealed class DockerUnreachableTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_socket_path_that_does_not_exist_is_unreachable_by_the_connect_error_not_a_timeout()
    {
        string path = Path.Combine(Path.GetTempPath(), "filesync-nosock-" + Guid.NewGuid().ToString("N") + ".sock");
        using var client = DockerClient.Create(DockerEndpoint.Parse("unix://" + path, tls: false, certPath: null));

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.InspectContainerAsync("web", Ct));

        Assert.True(ex.Unreachable);
        Assert.Null(ex.StatusCode);
        Assert.Contains("unix://" + path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
        Assert.Equal("unix://" + path, client.Endpoint);
        // Quick because of its cause: the connect's own "no such file" error, not a connect timeout running out.
        Assert.Equal(SocketError.AddressNotAvailable, Assert.IsType<SocketException>(ex.InnerException).SocketErrorCode);
    }

    [Theory]
    [InlineData("anonymous")] // reserved by .NET on every platform
    [InlineData("a-pipe-name-too-long-for-a-unix-socket-path-once-dotnet-maps-it-to-its-temp-folder-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")]
    public async Task A_pipe_name_dotnet_cannot_use_is_an_invalid_endpoint_naming_it_not_an_unhandled_exception(string name)
    {
        // Both were MSB4018 (ArgumentOutOfRangeException from NamedPipeClientStream) instead of FSYNC2001.
        using var client = DockerClient.Create(DockerEndpoint.Parse("npipe:////./pipe/" + name, tls: false, certPath: null), new DockerTimeouts(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)));

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.InspectContainerAsync("web", Ct));

        Assert.True(ex.InvalidEndpoint);
        Assert.Contains("npipe:////./pipe/" + name, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_socket_nobody_listens_on_is_unreachable()
    {
        string path = Path.Combine(Path.GetTempPath(), "filesync-deadsock-" + Guid.NewGuid().ToString("N") + ".sock");
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(path)); // bound, never listening: connections are refused
        try
        {
            using var client = DockerClient.Create(DockerEndpoint.Parse("unix://" + path, tls: false, certPath: null));

            var ex = await Assert.ThrowsAsync<DockerException>(() => client.InspectContainerAsync("x", Ct));

            Assert.True(ex.Unreachable, ex.Message);
            Assert.Contains("connection refused", ex.Message, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public async Task A_closed_tcp_port_is_unreachable()
    {
        int port;
        using (var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp))
        {
            probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            port = ((IPEndPoint)probe.LocalEndPoint!).Port; // free again once closed
        }

        using var client = DockerClient.Create(DockerEndpoint.Parse($"tcp://127.0.0.1:{port}", tls: false, certPath: null));

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.ListContainersAsync([], Ct));

        Assert.True(ex.Unreachable, ex.Message);
        Assert.Contains($"tcp://127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
    }
}
