using System.Runtime.Versioning;
using FileSync.Server;
using FileSync.Tests.Core;

namespace FileSync.Tests.Server;

/// <summary>Where the sync server listens, and the checks that keep its folder private.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class ServerEndpointTests : IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void The_socket_is_named_after_the_version_and_the_mvid_of_FileSync_Core()
    {
        ServerEndpoint endpoint = ServerEndpoint.ForThisVersion(name => name == ServerEndpoint.FolderVariable ? _temp.Path : null);

        string mvid = typeof(ServerEndpoint).Assembly.ManifestModule.ModuleVersionId.ToString("N");
        Assert.Equal(Path.Combine(_temp.Path, $"{typeof(ServerEndpoint).Assembly.GetName().Version!.ToString(3)}-{mvid[..12]}.sock"), endpoint.SocketPath);
        Assert.EndsWith("|" + mvid, endpoint.Key, StringComparison.Ordinal);
    }

    [Fact]
    public void A_relative_FILESYNC_SERVER_DIR_is_the_folder_below_the_current_one_not_silently_the_shared_default()
    {
        ServerEndpoint endpoint = ServerEndpoint.ForThisVersion(name => name == ServerEndpoint.FolderVariable ? "srv-relative" : null);

        Assert.Equal(Path.GetFullPath("srv-relative"), Path.GetDirectoryName(endpoint.SocketPath));
    }

    [Fact]
    public void A_missing_folder_is_made_with_mode_700()
    {
        var endpoint = Endpoint(Path.Combine(_temp.Path, "made"));

        Assert.Null(endpoint.EnsurePrivateFolder());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(endpoint.Folder));
    }

    [Fact]
    public void A_folder_others_can_enter_is_refused()
    {
        string folder = Directory.CreateDirectory(Path.Combine(_temp.Path, "open")).FullName;
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_101_000);

        Assert.Equal("its mode is 750, not 700 (others can reach it)", Endpoint(folder).EnsurePrivateFolder());
    }

    [Fact]
    public void A_link_in_place_of_the_folder_is_refused_even_to_a_private_folder()
    {
        string real = Directory.CreateDirectory(Path.Combine(_temp.Path, "real")).FullName;
        File.SetUnixFileMode(real, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        string link = Path.Combine(_temp.Path, "link");
        File.CreateSymbolicLink(link, real);

        Assert.Equal("it is not a folder (a link or a file)", Endpoint(link).EnsurePrivateFolder());
    }

    [Fact]
    public void A_socket_path_a_Unix_socket_cannot_hold_is_refused()
    {
        string folder = Path.Combine(_temp.Path, new string('d', 100));

        Assert.Equal("the socket path is longer than 107 bytes", Endpoint(folder).EnsurePrivateFolder());
        Assert.False(Directory.Exists(folder));
    }

    private static ServerEndpoint Endpoint(string folder) => ServerEndpoint.ForThisVersion(name => name == ServerEndpoint.FolderVariable ? folder : null);
}
