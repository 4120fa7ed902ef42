using FileSync.Targets;

namespace FileSync.Tests.Core;

// PENDING (branch h/directory only; the lead deletes this file at merge, helper "container" owns FakeTarget).
internal sealed partial class FakeTarget
{
    public Task<PathKind> StatAsync(string path, CancellationToken cancellationToken) => Task.FromResult(PathKind.Missing);

    public Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken) =>
        UploadAsync(writeArchive, cancellationToken);

    public Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([]);
}
