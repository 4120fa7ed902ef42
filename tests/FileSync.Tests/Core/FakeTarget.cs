using System.Formats.Tar;
using FileSync.Archive;
using FileSync.State;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>
/// A target that reads the archive it is sent (recording entry names) and whose upload and delete outcomes a test
/// decides, to check that the state follows only what the target confirmed.
/// </summary>
internal sealed partial class FakeTarget(string instanceId = "fake-0123456789abcdef", string? workingDirectory = "/app") : ISyncTarget
{
    public string Kind => "fake";

    public string DisplayName => "fake";

    public string InstanceId { get; } = instanceId;

    public string? WorkingDirectory => workingDirectory;

    /// <summary>Thrown after the archive was read whole, as a target that failed to extract would.</summary>
    public Exception? UploadFailure { get; set; }

    /// <summary>Absolute paths whose delete this target reports as failed.</summary>
    public HashSet<string> FailDeletes { get; } = new(StringComparer.Ordinal);

    /// <summary>Regular file and link entries of every upload, one list per upload.</summary>
    public List<List<string>> Uploads { get; } = [];

    /// <summary>Every delete request, one list per call.</summary>
    public List<IReadOnlyList<string>> DeleteRequests { get; } = [];

    /// <summary>What the target holds at absolute paths, for <see cref="StatAsync"/>: anything else is missing.</summary>
    public Dictionary<string, PathKind> Paths { get; } = new(StringComparer.Ordinal);

    /// <summary>Every path stat'ed, in order.</summary>
    public List<string> Stats { get; } = [];

    /// <summary>The folder each upload was extracted at, and its folder entries (absolute), one list per upload.</summary>
    public List<string> UploadRoots { get; } = [];

    public List<List<string>> UploadFolders { get; } = [];

    /// <summary>Every rmdir request, one list per call; folders in <see cref="KeepFolders"/> are reported as not removed.</summary>
    public List<IReadOnlyList<string>> RemoveFolderRequests { get; } = [];

    public HashSet<string> KeepFolders { get; } = new(StringComparer.Ordinal);

    public Task<FileOwner> ResolveDefaultOwnerAsync(SyncState state, CancellationToken cancellationToken) => Task.FromResult(FileOwner.Root);

    public Task<PathKind> StatAsync(string path, CancellationToken cancellationToken)
    {
        Stats.Add(path);
        return Task.FromResult(Paths.GetValueOrDefault(path, PathKind.Missing));
    }

    public async Task UploadAsync(string root, Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await writeArchive(buffer, cancellationToken);
        buffer.Position = 0;
        var names = new List<string>();
        var folders = new List<string>();
        string prefix = root == "/" ? "/" : root + "/";
        using (var reader = new TarReader(buffer))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                (entry.EntryType == TarEntryType.Directory ? folders : names).Add(prefix + entry.Name.TrimEnd('/'));
            }
        }

        UploadRoots.Add(root);
        Uploads.Add(names);
        UploadFolders.Add(folders);
        if (UploadFailure is not null)
        {
            throw UploadFailure;
        }
    }

    public Task<IReadOnlyList<string>> RemoveFoldersAsync(IReadOnlyList<string> folders, CancellationToken cancellationToken)
    {
        RemoveFolderRequests.Add([.. folders]);
        return Task.FromResult<IReadOnlyList<string>>([.. folders.Where(KeepFolders.Contains)]);
    }

    public Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        DeleteRequests.Add([.. paths]);
        return Task.FromResult<IReadOnlyList<string>>([.. paths.Where(FailDeletes.Contains)]);
    }
}
