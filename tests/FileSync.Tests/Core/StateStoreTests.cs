using System.Buffers.Binary;
using System.Runtime.Versioning;
using FileSync.Diagnostics;
using FileSync.State;

namespace FileSync.Tests.Core;

/// <summary>The state file: a faithful round trip, never trusted when damaged or foreign, written atomically; and its lock.</summary>
[UnsupportedOSPlatform("windows")]
public sealed class StateStoreTests : IDisposable
{
    private const int MagicLength = 7; // "FSYNCST"

    private readonly TempFolder _temp = new();
    private readonly RecordingLog _log = new();
    private readonly string _path;

    public StateStoreTests()
    {
        _path = _temp.Combine("obj/filesync/docker-0123456789abcdef.state");
    }

    public void Dispose() => _temp.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static SyncState Sample()
    {
        var state = new SyncState
        {
            InstanceId = "3f2a9c0d41b7e8f6a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2",
            WorkingDirectory = "/app",
            AppliedOwner = "1000:1001",
            ResolvedUser = new UserCache("app:staff", "1000:50"),
        };
        state.CreatedFolders.UnionWith(["/app/wwwroot", "/app/wwwroot/css", "/srv/ünï"]);
        state.Entries["wwwroot/css/site.css"] = new StateEntry(
            12_345_678_901, 638_400_000_000_000_001, new FileSync.Planning.Hash128(0xFEDC_BA98_7654_3210, 0x0123_4567_89AB_CDEF), (UnixFileMode)0b111_101_101, null,
            ["/app/wwwroot/css/site.css", "/srv/site/css/site.css"]);
        state.Entries["données/文件 with space.txt"] = new StateEntry(
            0, -1, new FileSync.Planning.Hash128(ulong.MaxValue, ulong.MaxValue), UnixFileMode.SetUser | UnixFileMode.UserRead | UnixFileMode.StickyBit, null, ["/app/données/文件 with space.txt"]);
        state.Entries["links/alias"] = new StateEntry(
            0, 42, StateEntry.UnknownHash, (UnixFileMode)0b111_111_111, "../data/real.txt", ["/app/links/alias"]);
        state.Entries["lost.txt"] = new StateEntry(1, 2, new FileSync.Planning.Hash128(0, 1), UnixFileMode.None, null, []);
        state.PendingDeletes.UnionWith(["/app/old.txt", "/srv/ünï.txt"]);
        return state;
    }

    [Fact]
    public void Every_field_survives_a_round_trip()
    {
        SyncState saved = Sample();

        StateStore.Save(_path, saved);
        SyncState loaded = StateStore.Load(_path, saved.InstanceId, _log);

        Assert.Empty(_log.Codes);
        Assert.Equal(saved.InstanceId, loaded.InstanceId);
        Assert.Equal("/app", loaded.WorkingDirectory);
        Assert.Equal("1000:1001", loaded.AppliedOwner);
        Assert.Equal(new UserCache("app:staff", "1000:50"), loaded.ResolvedUser);
        Assert.Equal(["/app/wwwroot", "/app/wwwroot/css", "/srv/ünï"], loaded.CreatedFolders);
        Assert.Equal(saved.Entries.Keys.Order(StringComparer.Ordinal), loaded.Entries.Keys.Order(StringComparer.Ordinal));
        foreach ((string source, StateEntry expected) in saved.Entries)
        {
            StateEntry actual = loaded.Entries[source];
            Assert.Equal(expected.Size, actual.Size);
            Assert.Equal(expected.MtimeTicks, actual.MtimeTicks);
            Assert.Equal(expected.Hash, actual.Hash);
            Assert.Equal(expected.Mode, actual.Mode);
            Assert.Equal(expected.LinkTarget, actual.LinkTarget);
            Assert.Equal(expected.Destinations, actual.Destinations);
        }

        Assert.Equal(["/app/old.txt", "/srv/ünï.txt"], loaded.PendingDeletes);
    }

    [Fact]
    public void An_empty_state_round_trips()
    {
        StateStore.Save(_path, SyncState.Empty("dir:/x"));

        SyncState loaded = StateStore.Load(_path, "dir:/x", _log);

        Assert.Empty(loaded.Entries);
        Assert.Empty(loaded.PendingDeletes);
        Assert.Equal("/", loaded.WorkingDirectory);
        Assert.Empty(_log.Codes);
    }

    [Fact]
    public void A_missing_file_is_an_empty_state_without_a_warning()
    {
        SyncState loaded = StateStore.Load(_temp.Combine("nowhere/x.state"), "id", _log);

        Assert.Equal("id", loaded.InstanceId);
        Assert.Empty(loaded.Entries);
        Assert.Empty(_log.Codes);
    }

    public enum Damage
    {
        FlipFirstByte,
        FlipVersionByte,
        FlipMiddleByte,
        FlipLastPayloadByte,
        FlipChecksumByte,
        Truncate,
        CutToMagic,
        Empty,
        AppendByte,
    }

    public static TheoryData<string, Damage> Damages => new()
    {
        { "a flipped byte in the magic", Damage.FlipFirstByte },
        { "a flipped byte in the format version", Damage.FlipVersionByte },
        { "a flipped byte in the middle of the entries", Damage.FlipMiddleByte },
        { "a flipped byte just before the checksum", Damage.FlipLastPayloadByte },
        { "a flipped byte in the checksum", Damage.FlipChecksumByte },
        { "a file cut in the middle", Damage.Truncate },
        { "a file cut after the magic", Damage.CutToMagic },
        { "an empty file", Damage.Empty },
        { "a byte appended", Damage.AppendByte },
    };

    [Theory]
    [MemberData(nameof(Damages))]
    public void A_damaged_file_is_discarded_with_a_warning(string sentence, Damage damage)
    {
        SyncState saved = Sample();
        StateStore.Save(_path, saved);
        byte[] bytes = File.ReadAllBytes(_path);
        byte[] damaged = damage switch
        {
            Damage.FlipFirstByte => Flip(bytes, 0),
            Damage.FlipVersionByte => Flip(bytes, MagicLength + 1),
            Damage.FlipMiddleByte => Flip(bytes, bytes.Length / 2),
            Damage.FlipLastPayloadByte => Flip(bytes, bytes.Length - 9),
            Damage.FlipChecksumByte => Flip(bytes, bytes.Length - 1),
            Damage.Truncate => bytes[..(bytes.Length / 2)],
            Damage.CutToMagic => bytes[..MagicLength],
            Damage.Empty => [],
            Damage.AppendByte => [.. bytes, 0],
            _ => throw new ArgumentOutOfRangeException(nameof(damage)),
        };
        File.WriteAllBytes(_path, damaged);

        SyncState loaded = StateStore.Load(_path, saved.InstanceId, _log);

        Assert.True(loaded.Entries.Count == 0, sentence);
        Assert.Empty(loaded.PendingDeletes);
        Assert.Equal(saved.InstanceId, loaded.InstanceId);
        var warning = Assert.Single(_log.Warnings);
        Assert.True(warning.Code == "FSYNC3001", sentence + ": " + warning);
        Assert.Equal(_path, warning.File);
        Assert.Contains(_path, warning.Message, StringComparison.Ordinal);
    }

    private static byte[] Flip(byte[] bytes, int index)
    {
        byte[] copy = [.. bytes];
        copy[index] ^= 0x20;
        return copy;
    }

    [Fact]
    public void A_file_from_a_newer_format_is_discarded_with_a_warning_saying_so()
    {
        SyncState saved = Sample();
        StateStore.Save(_path, saved);
        byte[] bytes = File.ReadAllBytes(_path);
        Assert.Equal("FSYNCST"u8.ToArray(), bytes[..MagicLength]);
        Assert.Equal(StateStore.FormatVersion, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(MagicLength)));
        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(MagicLength), StateStore.FormatVersion + 1);
        File.WriteAllBytes(_path, bytes);

        SyncState loaded = StateStore.Load(_path, saved.InstanceId, _log);

        Assert.Empty(loaded.Entries);
        var warning = Assert.Single(_log.Warnings);
        Assert.Equal("FSYNC3001", warning.Code);
        Assert.Contains("newer", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_of_another_instance_is_an_empty_state()
    {
        StateStore.Save(_path, Sample());

        SyncState loaded = StateStore.Load(_path, "a-replaced-container", _log);

        Assert.Equal("a-replaced-container", loaded.InstanceId);
        Assert.Empty(loaded.Entries);
        Assert.Empty(loaded.PendingDeletes);
        Assert.Empty(_log.Warnings);
    }

    [Fact]
    public void Save_replaces_the_file_and_leaves_no_temporary_file()
    {
        StateStore.Save(_path, Sample());
        SyncState second = SyncState.Empty(Sample().InstanceId);
        second.PendingDeletes.Add("/only/this");

        StateStore.Save(_path, second);

        Assert.Equal([Path.GetFileName(_path)], Directory.GetFiles(Path.GetDirectoryName(_path)!).Select(Path.GetFileName));
        SyncState loaded = StateStore.Load(_path, second.InstanceId, _log);
        Assert.Empty(loaded.Entries);
        Assert.Equal(["/only/this"], loaded.PendingDeletes);
    }

    [Fact]
    public async Task A_second_lock_waits_then_fails_with_a_code_and_succeeds_once_the_first_is_released()
    {
        StateLock first = await StateLock.AcquireAsync(_path, TimeSpan.FromSeconds(5), Ct);

        var error = await Assert.ThrowsAsync<FileSyncException>(() => StateLock.AcquireAsync(_path, TimeSpan.FromMilliseconds(200), Ct));
        Assert.Equal("FSYNC3002", error.Diagnostic.Code);
        Assert.Contains(_path, error.Diagnostic.Message, StringComparison.Ordinal);

        first.Dispose();
        using StateLock second = await StateLock.AcquireAsync(_path, TimeSpan.FromMilliseconds(200), Ct);
        Assert.True(File.Exists(_path + ".lock"));
    }

    [Fact]
    public async Task Locks_of_different_state_files_do_not_block_each_other()
    {
        using StateLock first = await StateLock.AcquireAsync(_path, TimeSpan.FromSeconds(5), Ct);

        using StateLock other = await StateLock.AcquireAsync(_path + "-other", TimeSpan.Zero, Ct);
    }
}
