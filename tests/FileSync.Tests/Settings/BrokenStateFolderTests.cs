using System.Runtime.Versioning;
using FileSync.Diagnostics;
using FileSync.State;
using FileSync.Tests.Core;

namespace FileSync.Tests.Settings;

/// <summary>
/// The state folder's environment: a state path that is a folder, a lock path that is a folder, a state folder that is a
/// file. Each is a coded error naming the path, at once (not a lock timeout, never an unhandled exception).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class BrokenStateFolderTests : IDisposable
{
    /// <summary>Long enough that waiting for it would be noticed as FSYNC3002 instead of the code asserted.</summary>
    private static readonly TimeSpan LockTimeout = TimeSpan.FromMinutes(2);

    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _path;

    public BrokenStateFolderTests()
    {
        _path = _temp.Combine("obj/filesync/docker-0123456789abcdef.state");
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_lock_path_that_is_a_folder_is_FSYNC3004_naming_it_not_a_wait_for_another_build()
    {
        _temp.Folder("obj/filesync/docker-0123456789abcdef.state.lock");

        var error = await Assert.ThrowsAsync<FileSyncException>(() => StateLock.AcquireAsync(_path, LockTimeout, Ct));

        Assert.Equal("FSYNC3004", error.Diagnostic.Code);
        Assert.Contains(_path + ".lock", error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_state_folder_that_is_a_file_is_FSYNC3004_naming_the_lock()
    {
        _temp.Write("obj/filesync", "not a folder");

        var error = await Assert.ThrowsAsync<FileSyncException>(() => StateLock.AcquireAsync(_path, LockTimeout, Ct));

        Assert.Equal("FSYNC3004", error.Diagnostic.Code);
        Assert.Contains(_path + ".lock", error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_path_that_is_a_folder_is_FSYNC3005_naming_it_not_an_empty_state()
    {
        _temp.Folder("obj/filesync/docker-0123456789abcdef.state");

        var error = Assert.Throws<FileSyncException>(() => StateStore.Load(_path, "id", _log));

        Assert.Equal("FSYNC3005", error.Diagnostic.Code);
        Assert.Contains(_path, error.Diagnostic.Message, StringComparison.Ordinal);
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public void A_failed_save_leaves_no_temporary_file_and_the_folder_in_place()
    {
        _temp.Folder("obj/filesync/docker-0123456789abcdef.state/inside");

        Assert.ThrowsAny<IOException>(() => StateStore.Save(_path, SyncState.Empty("id")));

        Assert.Equal(["docker-0123456789abcdef.state"], Directory.GetFileSystemEntries(_temp.Combine("obj/filesync")).Select(Path.GetFileName));
        Assert.True(Directory.Exists(_temp.Combine("obj/filesync/docker-0123456789abcdef.state/inside")));
    }
}
