using System.Runtime.Versioning;
using System.Security.Cryptography;
using FileSync.Planning;
using FileSync.State;
using FileSync.Targets;
using FileSync.Tests.Core;

namespace FileSync.Tests.Reliability;

/// <summary>
/// A file that disappears between the plan and the send gives warning FSYNC1008; the others are synced, and the state
/// never claims the vanished version: the next sync treats it as deleted, and should it come back it is sent.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class VanishingFileTests : IDisposable
{
    private static readonly DateTime Then = new(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);

    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _context;
    private readonly string _root;
    private readonly SyncOptions _options;

    public VanishingFileTests()
    {
        _context = _temp.Folder("ctx");
        _root = _temp.Folder("root");
        _options = new SyncOptions(_temp.Combine("obj/filesync"));
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, bool> Cases => new()
    {
        { "a new file, never synced, vanishes", false },
        { "a synced file changes, then vanishes before its new content is sent", true },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task A_file_vanishing_between_plan_and_send_is_warned_about_and_not_recorded(string sentence, bool syncedBefore)
    {
        var target = new DirectoryTarget(_root, "/app", null);
        var syncer = new Syncer(_log);
        _temp.Write("ctx/keep.txt", "keep\n", Then);
        _temp.Write("ctx/other.txt", "other\n", Then);
        if (syncedBefore)
        {
            _temp.Write("ctx/gone.txt", "gone, first version\n", Then);
            Assert.Equal(3, (await syncer.SyncOneAsync(Sources(), target, _options, Ct)).Copied);
            _temp.Write("ctx/keep.txt", "keep, changed\n", Then.AddMinutes(1));
        }

        string gone = _temp.Write("ctx/gone.txt", "gone, the version that vanishes\n", Then.AddMinutes(1));
        IReadOnlyList<SourceFile> planned = Sources();
        File.Delete(gone);

        SyncOutcome outcome = await syncer.SyncOneAsync(planned, target, _options, Ct);

        Assert.Equal(syncedBefore ? 1 : 2, outcome.Copied);
        var warning = Assert.Single(_log.Warnings);
        Assert.Equal(("FSYNC1008", gone), (warning.Code, warning.File));
        Assert.Empty(_log.Errors);
        SyncState state = StateStore.Load(Syncer.StatePath(_options.StateDirectory, target), target.InstanceId, _log);
        state.Entries.TryGetValue("gone.txt", out StateEntry? entry);
        if (syncedBefore)
        {
            // The target still holds the first version, and that is what the state says, not the version that vanished.
            Assert.Equal("gone, first version\n", File.ReadAllText(InRoot("gone.txt")));
            Assert.Equal(("gone, first version\n".Length, Then.Ticks), (Assert.IsType<StateEntry>(entry).Size, entry.MtimeTicks));
        }
        else
        {
            Assert.False(File.Exists(InRoot("gone.txt")));
            Assert.True(entry is null, $"{sentence}: the vanished file must not be recorded.");
        }

        // The next sync treats it as deleted: the target then holds exactly the sources.
        await syncer.SyncOneAsync(Sources(), target, _options, Ct);
        AssertTargetMatchesSources();

        // Back with the very bytes and time that vanished: never recorded, so it is sent.
        _temp.Write("ctx/gone.txt", "gone, the version that vanishes\n", Then.AddMinutes(1));
        SyncPlan plan = Planner.Plan(Sources(), StateStore.Load(Syncer.StatePath(_options.StateDirectory, target), target.InstanceId, _log), "/app", resendAll: false, _log);
        Assert.Equal(["gone.txt"], plan.Copies.Select(copy => copy.Source.RelativePath));
        Assert.Equal(1, (await syncer.SyncOneAsync(Sources(), target, _options, Ct)).Copied);
        AssertTargetMatchesSources();
    }

    private IReadOnlyList<SourceFile> Sources() =>
        new SourceScanner(_context, _log).Scan(Directory.EnumerateFiles(_context)
            .Select(path => new SyncItem(Path.GetFileName(path), path, "/data", null)));

    private string InRoot(string name) => _temp.Combine("root/data/" + name);

    private void AssertTargetMatchesSources()
    {
        string copies = _temp.Combine("root/data");
        Assert.Equal(Contents(_context), Contents(copies));
    }

    private static Dictionary<string, string> Contents(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(folder, path), path => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path))), StringComparer.Ordinal);
}
