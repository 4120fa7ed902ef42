using System.Reflection;
using FileSync.Jobs;
using FileSync.Server;

namespace FileSync.Tests.Server;

/// <summary>What the task sends the sync server is the whole request, and what comes back the whole result.</summary>
public sealed class FramesTests
{
    [Fact]
    public async Task Every_property_of_a_request_survives_the_socket()
    {
        // Each string property gets a value of its own (names with bytes a shell or MSBuild would mangle), so a property
        // left out of the codec, or two swapped, shows.
        var request = new SyncRequest
        {
            Rules = [new RequestItem("wwwroot/a b;%.txt", new Dictionary<string, string> { ["Dest"] = "wwwroot", ["Strip"] = "wwwroot/" })],
            OutputFiles = [new RequestItem("bin/app.dll", new Dictionary<string, string>())],
            Actions = [new RequestItem("exec", new Dictionary<string, string> { ["Command"] = "/app/reload;--soft", ["Match"] = "**/*.json" })],
            DryRun = true,
            Environment = new Dictionary<string, string> { ["DOCKER_HOST"] = "unix:///run/x.sock" },
        };
        foreach (PropertyInfo property in StringProperties())
        {
            property.SetValue(request, property.Name + " ünï\n$(x)");
        }

        SyncRequest back = await RoundTripAsync(request, Frames.WriteRequest, Frames.ReadRequest);

        Assert.All(StringProperties(), property => Assert.Equal(property.GetValue(request), property.GetValue(back)));
        Assert.True(back.DryRun);
        Assert.Equal(request.Environment, back.Environment);
        Assert.Equal(Describe(request.Rules), Describe(back.Rules));
        Assert.Equal(Describe(request.OutputFiles), Describe(back.OutputFiles));
        Assert.Equal(Describe(request.Actions), Describe(back.Actions));
    }

    [Fact]
    public async Task A_request_can_name_its_rule_items_by_fingerprint_and_the_items_sent_later_must_be_those()
    {
        RequestItem[] rules = [new("wwwroot/a b;%.txt", new Dictionary<string, string> { ["Dest"] = "/app", ["Strip"] = "" }), new("x", new Dictionary<string, string>())];
        (byte[] encoded, FileSync.Planning.Hash128 fingerprint) = Frames.EncodeItems(rules);

        SyncRequest back = await RoundTripAsync(new SyncRequest { RulesFingerprint = fingerprint, Container = "web" }, Frames.WriteRequest, Frames.ReadRequest);

        Assert.Equal((fingerprint, 0, "web"), (back.RulesFingerprint, back.Rules.Count, back.Container));
        Assert.Equal(Describe(rules), Describe(Frames.DecodeItems(encoded, fingerprint)));
        Assert.Equal(fingerprint, Frames.EncodeItems([.. rules]).Fingerprint); // the same set names itself the same way
        Assert.Equal(fingerprint, Frames.Fingerprint(rules)); // what the task sends, without encoding the items
        Assert.NotEqual(fingerprint, Frames.EncodeItems([rules[1], rules[0]]).Fingerprint); // order is part of the set
        Assert.Throws<InvalidDataException>(() => Frames.DecodeItems(encoded, fingerprint with { Low = fingerprint.Low + 1 }));
    }

    [Fact]
    public async Task Unset_properties_stay_unset()
    {
        SyncRequest back = await RoundTripAsync(new SyncRequest(), Frames.WriteRequest, Frames.ReadRequest);

        Assert.Null(back.Container);
        Assert.Null(back.WorkingDirectory);
        Assert.Equal(("docker", "/", false), (back.Runtime, back.BaseDirectory, back.DryRun));
    }

    [Fact]
    public async Task A_result_survives_the_socket()
    {
        var result = new SyncResult(true, 2, 1, [new PlannedEntry("a.txt", "/app/a.txt", "copy", "docker web (0123456789ab)"), new PlannedEntry("/app/b", "/app/b", "delete", "docker web (0123456789ab)")]);

        SyncResult back = await RoundTripAsync(result, Frames.WriteResult, Frames.ReadResult);

        Assert.Equal((result.Synced, result.CopiedCount, result.DeletedCount), (back.Synced, back.CopiedCount, back.DeletedCount));
        Assert.Equal(result.Planned, back.Planned);
    }

    private static IEnumerable<PropertyInfo> StringProperties() =>
        typeof(SyncRequest).GetProperties().Where(property => property.PropertyType == typeof(string) && property.CanWrite);

    private static string[] Describe(IReadOnlyList<RequestItem> items) =>
        [.. items.Select(item => item.Spec + "|" + string.Join(",", item.Metadata.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => m.Key + "=" + m.Value)))];

    private static async Task<T> RoundTripAsync<T>(T value, Action<BinaryWriter, T> write, Func<BinaryReader, T> read)
    {
        var stream = new MemoryStream();
        await Frames.WriteAsync(stream, FrameKind.Sync, w => write(w, value), TestContext.Current.CancellationToken);
        stream.Position = 0;
        Frame frame = Assert.IsType<Frame>(await Frames.ReadAsync(stream, TestContext.Current.CancellationToken));
        Assert.Equal(FrameKind.Sync, frame.Kind);
        using BinaryReader reader = frame.Reader();
        T back = read(reader);
        Assert.Equal(reader.BaseStream.Length, reader.BaseStream.Position);
        return back;
    }
}
