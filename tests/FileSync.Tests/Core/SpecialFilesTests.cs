using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using FileSync.Planning;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>
/// A FIFO, a socket or a device node that a rule's glob matches is neither a file nor a link: it is skipped with a
/// warning that says what it is (not "changed between the scan and the read" on every sync), and a sync with nothing
/// else to do says "up to date".
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class SpecialFilesTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;
    private readonly Socket _socket = new(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);

    public SpecialFilesTests() => _context = _temp.Folder("ctx");

    public void Dispose()
    {
        _socket.Dispose();
        _temp.Dispose();
    }

    private IReadOnlyList<SourceFile> Scan() => new SourceScanner(_context, _log).Scan(
        Directory.EnumerateFileSystemEntries(_context).Order(StringComparer.Ordinal)
            .Select(path => new SyncItem(Path.GetFileName(path), path, "/app", null)));

    private void MakeSpecialFiles()
    {
        _temp.Write("ctx/empty.txt", "");
        Assert.Equal(0, mkfifo(_temp.Combine("ctx/pipe"), 0b110_100_100));
        _socket.Bind(new UnixDomainSocketEndPoint(_temp.Combine("ctx/listen.sock"))); // .NET removes the file on dispose
    }

    [Fact]
    public void A_fifo_and_a_socket_are_skipped_with_a_warning_naming_each_and_an_empty_file_is_kept()
    {
        MakeSpecialFiles();

        IReadOnlyList<SourceFile> sources = Scan();

        Assert.Equal(["empty.txt"], sources.Select(source => source.RelativePath));
        Assert.Equal(["FSYNC1040", "FSYNC1040"], _log.Codes);
        Assert.Contains(_log.Warnings, w => w.Message.Contains($"'{_temp.Combine("ctx/listen.sock")}' is a socket", StringComparison.Ordinal));
        Assert.Contains(_log.Warnings, w => w.Message.Contains($"'{_temp.Combine("ctx/pipe")}' is a FIFO", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_sync_after_the_first_is_up_to_date_with_a_fifo_in_the_rule()
    {
        MakeSpecialFiles();
        var target = new FakeTarget();
        target.Paths["/app"] = PathKind.Folder;
        var options = new SyncOptions(_temp.Combine("obj/filesync"));
        await new Syncer(_log).SyncOneAsync(Scan(), target, options, TestContext.Current.CancellationToken);

        SyncOutcome second = await new Syncer(_log).SyncOneAsync(Scan(), target, options, TestContext.Current.CancellationToken);

        Assert.Equal(0, second.Copied);
        Assert.Single(target.Uploads);
        Assert.Contains(_log.Summaries, line => line.StartsWith("FileSync: up to date", StringComparison.Ordinal));
        Assert.DoesNotContain("FSYNC1012", _log.Codes);
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int mkfifo(string path, int mode);
}
