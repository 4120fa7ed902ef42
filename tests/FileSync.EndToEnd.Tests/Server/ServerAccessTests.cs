using System.Diagnostics;
using System.Runtime.Versioning;
using FileSync.EndToEnd.Tests.Faults;
using FileSync.EndToEnd.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Server;

/// <summary>
/// Only its own user reaches the sync server: its folder must be private (0700, the user's), and even a socket made
/// reachable to others answers no one but its uid (SO_PEERCRED). When the server cannot be used, it is not, and the
/// sync runs in-process.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ServerAccessTests(PackageFixture package)
{
    private const int OtherUid = 1000;

    [Fact]
    public async Task A_client_of_another_uid_gets_nothing_from_the_server_even_through_an_open_socket()
    {
        await using var sandbox = new ServerSandbox();
        await using var container = await CustomContainer.StartAsync();
        using var project = new ConsumerProject(package, "server-peer")
            .Rule("site/**/*", dest: "site", strip: "site/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("site/a.txt", "one\n");
        (await sandbox.SyncAsync(project)).Succeeded();
        int pid = Assert.IsType<int>(sandbox.PidFromFile());
        string socket = sandbox.SocketPath!;

        // Open the way that the folder's mode closes, so that only the server's own check stands.
        File.SetUnixFileMode(sandbox.Folder, (UnixFileMode)0b111_001_001);
        File.SetUnixFileMode(socket, (UnixFileMode)0b111_111_111);
        string answer = await ConnectAsAsync(OtherUid, socket);
        File.SetUnixFileMode(sandbox.Folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        Assert.Equal("connected; closed with 0 bytes", answer);
        Assert.Contains($"refused a connection from uid {OtherUid}", sandbox.LogText, StringComparison.Ordinal);

        project.WriteFile("site/a.txt", "one, edited\n");
        var result = (await sandbox.SyncAsync(project)).Succeeded();
        Assert.Contains($"FSYNC7020: Synced by the FileSync sync server (pid {pid},", result.Output, StringComparison.Ordinal);
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/site", project.PathOf("site"));
    }

    [Fact]
    public async Task A_folder_others_can_enter_is_not_used_with_a_warning()
    {
        await using var sandbox = new ServerSandbox();
        await using var container = await CustomContainer.StartAsync();
        using var project = new ConsumerProject(package, "server-folder")
            .Rule("site/**/*", dest: "site", strip: "site/")
            .Property("FileSyncContainer", container.Name);
        project.WriteFile("site/a.txt", "one\n");
        File.SetUnixFileMode(sandbox.Folder, (UnixFileMode)0b111_101_101);

        var result = (await sandbox.SyncAsync(project)).Succeeded();

        Assert.Contains($"warning FSYNC7026: The sync server's folder '{sandbox.Folder}' cannot be used: its mode is 755", result.Output, StringComparison.Ordinal);
        Assert.Equal(1, SyncSummary.Single(result).Changed);
        await FaultKit.AssertContainerMatchesAsync(container.Id, "/app/site", project.PathOf("site"));
        Assert.Empty(Directory.EnumerateFileSystemEntries(sandbox.Folder));
    }

    /// <summary>A client running as <paramref name="uid"/> (setpriv) connects, sends a frame header and reads what comes back.</summary>
    private static async Task<string> ConnectAsAsync(int uid, string socket)
    {
        const string Client = """
            import socket, sys
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sys.argv[1])
            try:
                s.sendall(bytes([1, 0, 0, 0, 0]))
            except OSError:
                pass
            s.settimeout(20)
            data = b""
            try:
                while True:
                    chunk = s.recv(4096)
                    if not chunk:
                        break
                    data += chunk
            except ConnectionResetError:
                pass
            print("connected; closed with %d bytes" % len(data))
            """;
        var start = new ProcessStartInfo("setpriv") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in (string[])[$"--reuid={uid}", $"--regid={uid}", "--clear-groups", "/usr/bin/python3", "-c", Client, socket])
        {
            start.ArgumentList.Add(argument);
        }

        using Process client = Process.Start(start)!;
        Task<string> output = client.StandardOutput.ReadToEndAsync();
        Task<string> error = client.StandardError.ReadToEndAsync();
        await client.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (await output).Trim() + (await error).Trim();
    }
}
