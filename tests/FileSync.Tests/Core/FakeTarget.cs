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

    public Task<FileOwner> ResolveDefaultOwnerAsync(SyncState state, CancellationToken cancellationToken) => Task.FromResult(FileOwner.Root);

    public async Task UploadAsync(Func<Stream, CancellationToken, Task> writeArchive, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await writeArchive(buffer, cancellationToken);
        buffer.Position = 0;
        var names = new List<string>();
        using (var reader = new TarReader(buffer))
        {
            while (await reader.GetNextEntryAsync(copyData: false, cancellationToken) is { } entry)
            {
                if (entry.EntryType != TarEntryType.Directory)
                {
                    names.Add("/" + entry.Name);
                }
            }
        }

        Uploads.Add(names);
        if (UploadFailure is not null)
        {
            throw UploadFailure;
        }
    }

    public Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyList<string> paths, CancellationToken cancellationToken)
    {
        DeleteRequests.Add([.. paths]);
        return Task.FromResult<IReadOnlyList<string>>([.. paths.Where(FailDeletes.Contains)]);
    }
}
