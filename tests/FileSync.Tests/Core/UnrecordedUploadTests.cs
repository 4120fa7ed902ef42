using System.Runtime.Versioning;
using FileSync.Archive;
using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.State;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>
/// An upload that may have landed but was never recorded (the engine failed after extracting, the build was stopped,
/// the state could not be written afterwards) must not leave files the state does not know of: when the user then
/// deletes the source, the next sync deletes the destination too, instead of saying "up to date" forever.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class UnrecordedUploadTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly SyncOptions _options;

    public UnrecordedUploadTests() => _options = new SyncOptions(_temp.Combine("obj/filesync")) { LockTimeout = TimeSpan.FromSeconds(30) };

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IReadOnlyList<SourceFile> Sources() =>
        new SourceScanner(_temp.Combine("ctx"), _log).Scan(Directory.EnumerateFiles(_temp.Combine("ctx"))
            .Select(path => Path.GetFileName(path))
            .Order(StringComparer.Ordinal)
            .Select(name => new SyncItem(name, _temp.Combine("ctx/" + name), "data", null)));

    private Task<SyncOutcome> SyncAsync(ISyncTarget target) => new Syncer(_log).SyncOneAsync(Sources(), target, _options, Ct);

    /// <summary>A <see cref="FakeTarget"/> whose upload is <paramref name="upload"/> (e.g. it runs a hook once the archive was
    /// taken whole, or breaks off part way); everything else is the fake's.</summary>
    private sealed class UploadingTarget(FakeTarget inner, Func<string, Func<Stream, CancellationToken, Task>, CancellationToken, Task> upload) : ISyncTarget
    {
        public string Kind => inner.Kind;

        public string DisplayName => inner.DisplayName;

        public string InstanceId => inner.InstanceId;

        public string? WorkingDirectory => inner.WorkingDirectory;

        public Task<FileOwner> ResolveDefaultOwnerAsync(SyncState state, CancellationToken cancellationToken) => inner.ResolveDefaultOwnerAsync(state, cancellationToken);

        public Task<PathKind> StatAsync(string path, CancellationToken cancellationToken) => inner.StatAsync(path, cancellationToken);

        public Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken) =>
            upload(root, writeArchive, cancellationToken);

        public Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken) => inner.DeleteAsync(paths, cancellationToken);

        public Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken) => inner.RemoveFoldersAsync(folders, cancellationToken);
    }

    /// <summary>Runs <paramref name="afterUpload"/> once the fake took the archive whole.</summary>
    private static UploadingTarget HookedTarget(FakeTarget inner, Action afterUpload) => new(inner, async (root, writeArchive, cancellationToken) =>
    {
        await inner.UploadAsync(root, writeArchive, cancellationToken);
        afterUpload();
    });

    /// <summary>Breaks off once <paramref name="cutAfter"/> bytes of the archive went through.</summary>
    private static UploadingTarget BreakingTarget(FakeTarget inner, long cutAfter) =>
        new(inner, (_, writeArchive, cancellationToken) => writeArchive(new BreakingStream(cutAfter), cancellationToken));

    [Fact]
    public async Task A_new_file_whose_upload_failed_is_deleted_in_the_target_when_its_source_is_deleted_before_the_next_sync()
    {
        _temp.Write("ctx/kept.txt", "kept");
        var target = new FakeTarget();
        target.Paths["/app"] = PathKind.Folder;
        await SyncAsync(target);
        _temp.Write("ctx/new one.txt", "may have landed");
        target.UploadFailure = new FileSyncException(Diag.FileOperationFailed("the engine closed the connection after the archive"));

        await Assert.ThrowsAsync<FileSyncException>(() => SyncAsync(target));
        target.UploadFailure = null;
        File.Delete(_temp.Combine("ctx/new one.txt"));
        await SyncAsync(target);

        Assert.Contains("/app/data/new one.txt", target.DeleteRequests.SelectMany(request => request));
        Assert.DoesNotContain("/app/data/kept.txt", target.DeleteRequests.SelectMany(request => request));

        // Converged: the delete is confirmed, so the sync after it has nothing to do.
        int requests = target.DeleteRequests.Count;
        SyncOutcome again = await SyncAsync(target);
        Assert.Equal((0, 0), (again.Copied, again.Deleted));
        Assert.Equal(requests, target.DeleteRequests.Count);
    }

    [Fact]
    public async Task A_new_file_sent_while_the_state_could_not_be_written_is_deleted_in_the_target_when_its_source_is_deleted()
    {
        _temp.Write("ctx/kept.txt", "kept");
        var fake = new FakeTarget();
        fake.Paths["/app"] = PathKind.Folder;
        string statePath = Syncer.StatePath(_options.StateDirectory, fake);
        bool blockState = false;

        // A folder where the state's temporary file goes: the save after this upload fails (as on a full disk).
        var target = HookedTarget(fake, () =>
        {
            if (blockState)
            {
                Directory.CreateDirectory(statePath + ".tmp");
            }
        });
        await SyncAsync(target);
        _temp.Write("ctx/added.txt", "landed");
        blockState = true;

        SyncOutcome sent = await SyncAsync(target);
        Assert.Equal(1, sent.Copied);
        Assert.Equal(["FSYNC3003"], _log.Codes);

        Directory.Delete(statePath + ".tmp");
        blockState = false;
        File.Delete(_temp.Combine("ctx/added.txt"));
        SyncOutcome after = await SyncAsync(target);

        Assert.Equal(1, after.Deleted);
        Assert.Equal(["/app/data/added.txt"], fake.DeleteRequests.Single());
    }

    [Fact]
    public async Task A_new_file_whose_upload_failed_is_sent_again_and_not_deleted_when_its_source_is_still_there()
    {
        _temp.Write("ctx/kept.txt", "kept");
        var target = new FakeTarget();
        target.Paths["/app"] = PathKind.Folder;
        await SyncAsync(target);
        _temp.Write("ctx/retry.txt", "again");
        target.UploadFailure = new FileSyncException(Diag.FileOperationFailed("cut"));
        await Assert.ThrowsAsync<FileSyncException>(() => SyncAsync(target));
        target.UploadFailure = null;

        SyncOutcome retried = await SyncAsync(target);

        Assert.Equal((1, 0), (retried.Copied, retried.Deleted));
        Assert.Equal(["/app/data/retry.txt"], target.Uploads[^1]);
        Assert.Empty(target.DeleteRequests);
        SyncOutcome again = await SyncAsync(target);
        Assert.Equal((0, 0), (again.Copied, again.Deleted));
        Assert.Empty(target.DeleteRequests);
    }

    [Fact]
    public async Task A_changed_file_whose_upload_failed_is_sent_again_when_its_content_is_reverted()
    {
        _temp.Write("ctx/page.html", "version one", new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc));
        var target = new FakeTarget();
        target.Paths["/app"] = PathKind.Folder;
        await SyncAsync(target);
        _temp.Write("ctx/page.html", "version two, longer");
        target.UploadFailure = new FileSyncException(Diag.FileOperationFailed("cut while page.html was written"));
        await Assert.ThrowsAsync<FileSyncException>(() => SyncAsync(target));
        target.UploadFailure = null;

        // git checkout: the first content again, with a new mtime. The container may hold a cut copy of version two.
        _temp.Write("ctx/page.html", "version one", new DateTime(2024, 6, 1, 0, 0, 0, DateTimeKind.Utc));
        SyncOutcome after = await SyncAsync(target);

        Assert.Equal(1, after.Copied);
        Assert.Equal(["/app/data/page.html"], target.Uploads[^1]);
    }

    [Fact]
    public async Task A_destination_the_target_refused_before_writing_anything_is_not_deleted_when_the_source_goes()
    {
        _temp.Write("ctx/kept.txt", "kept");
        var target = new FakeTarget();
        target.Paths["/app"] = PathKind.Folder;
        await SyncAsync(target);

        // The image has its own /app/data/settings.json; the first sync meant to replace it is refused (read-only root).
        _temp.Write("ctx/settings.json", "{}");
        target.UploadFailure = new FileSyncException(Diag.RootReadOnly("web", "/"));
        await Assert.ThrowsAsync<FileSyncException>(() => SyncAsync(target));
        target.UploadFailure = null;
        File.Delete(_temp.Combine("ctx/settings.json"));

        SyncOutcome after = await SyncAsync(target);

        Assert.Equal((0, 0), (after.Copied, after.Deleted));
        Assert.Empty(target.DeleteRequests);
    }

    private sealed class BreakingStream(long cutAfter) : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            Length + buffer.Length > cutAfter
                ? throw new FileSyncException(Diag.FileOperationFailed("the engine closed the connection"))
                : base.WriteAsync(buffer, cancellationToken);
    }

    [Fact]
    public async Task Of_an_upload_that_broke_off_only_what_the_archive_reached_is_deleted_when_its_source_goes()
    {
        _temp.Write("ctx/kept.txt", "kept");
        var fake = new FakeTarget();
        fake.Paths["/app"] = PathKind.Folder;
        await SyncAsync(fake);
        _temp.Write("ctx/a-first.txt", "reached");
        _temp.Write("ctx/m-big.bin", new byte[1024 * 1024]);
        _temp.Write("ctx/z-never.txt", "never reached");

        await Assert.ThrowsAsync<FileSyncException>(() => SyncAsync(BreakingTarget(fake, cutAfter: 64 * 1024)));
        foreach (string name in (string[])["a-first.txt", "m-big.bin", "z-never.txt"])
        {
            File.Delete(_temp.Combine("ctx/" + name));
        }

        await SyncAsync(fake);

        // a-first.txt and the cut m-big.bin may be in the target; z-never.txt cannot be (it may be the image's own file).
        Assert.Equal(["/app/data/a-first.txt", "/app/data/m-big.bin"], fake.DeleteRequests.Single().Order(StringComparer.Ordinal));
    }
}
