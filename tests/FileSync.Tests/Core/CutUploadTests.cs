using System.Runtime.Versioning;
using FileSync.Archive;
using FileSync.Planning;
using FileSync.State;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>
/// A sync cut off mid-upload (Ctrl+C, or the engine breaking off) may leave a truncated file in the container until
/// the next sync: the user is told which destination, and the state records nothing.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class CutUploadTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();

    public void Dispose() => _temp.Dispose();

    /// <summary>A target whose upload stream is cut (the build cancelled) once <paramref name="cutAfter"/> bytes went through.</summary>
    private sealed class CuttingTarget(CancellationTokenSource cancel, long cutAfter) : ISyncTarget
    {
        public string Kind => "cutting";

        public string DisplayName => "cutting";

        public string InstanceId => "cutting-0123456789ab";

        public string? WorkingDirectory => "/app";

        public Task<FileOwner> ResolveDefaultOwnerAsync(SyncState state, CancellationToken cancellationToken) => Task.FromResult(FileOwner.Root);

        public Task<PathKind> StatAsync(string path, CancellationToken cancellationToken) => Task.FromResult(PathKind.Folder);

        public Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken) =>
            writeArchive(new CuttingStream(cancel, cutAfter), cancellationToken);

        public Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([]);

        public Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>([]);
    }

    private sealed class CuttingStream(CancellationTokenSource cancel, long cutAfter) : MemoryStream
    {
        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Length + buffer.Length > cutAfter)
            {
                await cancel.CancelAsync();
            }

            cancellationToken.ThrowIfCancellationRequested();
            await base.WriteAsync(buffer, cancellationToken);
        }
    }

    [Fact]
    public async Task A_sync_cancelled_mid_upload_names_the_destination_it_was_writing_and_records_nothing()
    {
        _temp.Write("ctx/a-small.txt", "small");
        _temp.Write("ctx/b-big.bin", new byte[1024 * 1024]);
        var sources = new SourceScanner(_temp.Combine("ctx"), _log).Scan(
            new[] { "a-small.txt", "b-big.bin" }.Select(r => new SyncItem(r, _temp.Combine("ctx/" + r), "data", null)));
        using var cancel = new CancellationTokenSource();
        var target = new CuttingTarget(cancel, cutAfter: 64 * 1024);
        var options = new SyncOptions(_temp.Combine("obj/filesync"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new Syncer(_log).SyncOneAsync(sources, target, options, cancel.Token));

        Assert.Equal(["FSYNC1013"], _log.Codes);
        Assert.Contains("'/app/data/b-big.bin'", _log.Warnings[0].Message, StringComparison.Ordinal);
        Assert.Empty(StateStore.Load(Syncer.StatePath(options.StateDirectory, target), target.InstanceId, new RecordingLog()).Entries);
    }

    [Fact]
    public async Task A_sync_cancelled_between_entries_names_nothing()
    {
        _temp.Write("ctx/a-small.txt", "small");
        var sources = new SourceScanner(_temp.Combine("ctx"), _log).Scan([new SyncItem("a-small.txt", _temp.Combine("ctx/a-small.txt"), "data", null)]);
        using var cancel = new CancellationTokenSource();
        var target = new CuttingTarget(cancel, cutAfter: 1536); // in the end-of-archive blocks: every entry is whole
        var options = new SyncOptions(_temp.Combine("obj/filesync"));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new Syncer(_log).SyncOneAsync(sources, target, options, cancel.Token));

        Assert.Empty(_log.Codes);
    }
}
