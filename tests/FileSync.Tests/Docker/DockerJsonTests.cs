using System.Text;
using System.Text.Json;
using FileSync.Docker;

namespace FileSync.Tests.Docker;

/// <summary>The hand-written readers and writers of <see cref="DockerJson"/>, on bodies shaped like the engine's (the
/// real engine's own are read by <see cref="DockerClientTests"/>).</summary>
public sealed class DockerJsonTests
{
    private static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    [Fact]
    public void An_inspection_yields_the_fields_FileSync_uses_and_skips_the_rest()
    {
        string json = """
            {"Id":"abc","Created":"2024-01-01T00:00:00Z","Path":"sleep","Args":["infinity",{"nested":[1,2]}],
             "State":{"Status":"running","Running":true,"Pid":42,"Health":null},"Image":"sha256:1",
             "Name":"/web","Mounts":[],"Config":{"User":"1000:1000","Env":["A=\"b\""],"Image":"filesync-test:busybox",
             "WorkingDir":"/app","Labels":{"filesync.role":"web","caf\u00e9":"cr\u00e8me \ud83d\ude00"}},"Extra":{"Image":"not this"}}
            """;

        ContainerInfo info = DockerJson.ReadContainer(Utf8(json));

        Assert.Equal(new ContainerInfo("abc", "web", "filesync-test:busybox", "sha256:1", true, "running", "/app", "1000:1000", info.Labels) { Pid = 42, Env = "A=\"b\"\0" }, info);
        Assert.Equal(["A=\"b\""], info.Environment);
        Assert.Equal(new Dictionary<string, string> { ["filesync.role"] = "web", ["café"] = "crème 😀" }, info.Labels);
    }

    /// <summary>sentence, body, expected (Name, Running, Status, WorkingDir, User, label count).</summary>
    public static TheoryData<string, string, string> SparseInspections => new()
    {
        { "Nulls where objects are expected read as absent", """{"Id":"a","Name":null,"State":null,"Config":{"Labels":null,"User":null}}""", "|False||||0" },
        { "Missing sections read as empty", """{"Id":"a"}""", "|False||||0" },
        { "A name without a slash is kept", """{"Name":"x","State":{"Running":false,"Status":"exited"}}""", "x|False|exited|||0" },
        { "An empty labels object is no labels", """{"Config":{"Labels":{},"WorkingDir":""}}""", "|False||||0" },
        { "A null environment is no environment", """{"Config":{"Env":null}}""", "|False||||0" },
    };

    [Theory]
    [MemberData(nameof(SparseInspections))]
    public void A_sparse_inspection_has_defaults(string sentence, string json, string expected)
    {
        ContainerInfo info = DockerJson.ReadContainer(Utf8(json));

        Assert.True(expected == $"{info.Name}|{info.Running}|{info.Status}|{info.WorkingDir}|{info.User}|{info.Labels.Count}", sentence);
    }

    /// <summary>sentence, body that is not what an inspection looks like.</summary>
    public static TheoryData<string, string> Malformed => new()
    {
        { "Empty", "" },
        { "Truncated", """{"Id":"abc","State":{"Running":true""" },
        { "An array where an object is expected", "[]" },
        { "A number where a string is expected", """{"Id":42}""" },
        { "A string where a boolean is expected", """{"State":{"Running":"yes"}}""" },
        { "A label value that is an object", """{"Config":{"Labels":{"a":{}}}}""" },
        { "Not JSON", "<html>bad gateway</html>" },
        { "An environment entry that is a number", """{"Config":{"Env":[1]}}""" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void A_malformed_inspection_is_a_JsonException(string sentence, string json)
    {
        var ex = Record.Exception(() => DockerJson.ReadContainer(Utf8(json)));

        Assert.True(ex is JsonException, $"{sentence}: {ex?.GetType().Name ?? "no exception"}");
    }

    [Fact]
    public void A_list_yields_each_container_with_its_names_without_slashes()
    {
        string json = """
            [{"Id":"1","Names":["/a","/b/c"],"Image":"img:1","ImageID":"sha256:x","Command":"sh","State":"running",
              "Labels":{"k":"v"},"Ports":[{"PrivatePort":80}]},
             {"Id":"2","Names":null,"Image":"img:2","ImageID":"sha256:y","State":"running","Labels":null}]
            """;

        List<ContainerSummary> list = DockerJson.ReadContainerList(Utf8(json));

        Assert.Equal(2, list.Count);
        Assert.Equal(("1", "img:1", "sha256:x", "running", "v"), (list[0].Id, list[0].Image, list[0].ImageId, list[0].State, list[0].Labels["k"]));
        Assert.Equal(["a", "b/c"], list[0].Names);
        Assert.Equal(("2", 0, "img:2", "sha256:y", 0), (list[1].Id, list[1].Names.Count, list[1].Image, list[1].ImageId, list[1].Labels.Count));
        Assert.Empty(DockerJson.ReadContainerList("[]"u8));
        Assert.Throws<JsonException>(() => DockerJson.ReadContainerList("""[{"Id":"1"},"two"]"""u8));
    }

    /// <summary>sentence, exec inspection, running, exit code.</summary>
    public static TheoryData<string, string, bool, int?> ExecStates => new()
    {
        { "Finished with a code", """{"ID":"e","Running":false,"ExitCode":3,"ProcessConfig":{"entrypoint":"rm"}}""", false, 3 },
        { "Still running: the code is not known yet", """{"Running":true,"ExitCode":null}""", true, null },
        { "No code at all", """{"Running":false}""", false, null },
    };

    [Theory]
    [MemberData(nameof(ExecStates))]
    public void An_exec_inspection_yields_its_state(string sentence, string json, bool running, int? exitCode) =>
        Assert.True((running, exitCode) == DockerJson.ReadExecState(Utf8(json)), sentence);

    [Fact]
    public void A_named_property_is_read_from_a_top_level_object_only()
    {
        Assert.Equal("1.41", DockerJson.ReadProperty("""{"Components":[{"ApiVersion":"no"}],"ApiVersion":"1.41"}"""u8, "ApiVersion"u8));
        Assert.Equal("No such container: x", DockerJson.ReadProperty("""{"message":"No such container: x"}"""u8, "message"u8));
        Assert.Null(DockerJson.ReadProperty("""{"Message":"wrong case"}"""u8, "message"u8));
        Assert.Null(DockerJson.ReadProperty("null"u8, "Id"u8));
    }

    [Fact]
    public void An_exec_request_escapes_every_argument_and_omits_no_user()
    {
        string[] argv = ["rm", "-f", "--", "/app/a \"quoted\" \\ file\n.txt", "/app/h\u00e9llo \u2713 \ud83d\ude00", "/app/<tag>&'"];

        byte[] withUser = DockerJson.ExecCreate(argv, "0");
        byte[] withoutUser = DockerJson.ExecCreate(argv, null);

        using var parsed = JsonDocument.Parse(withUser);
        Assert.Equal(argv, parsed.RootElement.GetProperty("Cmd").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("0", parsed.RootElement.GetProperty("User").GetString());
        Assert.True(parsed.RootElement.GetProperty("AttachStdout").GetBoolean() && parsed.RootElement.GetProperty("AttachStderr").GetBoolean());
        Assert.False(parsed.RootElement.GetProperty("AttachStdin").GetBoolean() || parsed.RootElement.GetProperty("Tty").GetBoolean());
        using var noUser = JsonDocument.Parse(withoutUser);
        Assert.False(noUser.RootElement.TryGetProperty("User", out _));
    }

    [Fact]
    public void A_label_filter_is_the_engine_filters_object()
    {
        string filters = DockerJson.LabelFilters(["app=web", "tier", "quote=\"x\""]);

        using var parsed = JsonDocument.Parse(filters);
        Assert.Equal(["app=web", "tier", "quote=\"x\""], parsed.RootElement.GetProperty("label").EnumerateArray().Select(e => e.GetString()));
        Assert.Single(parsed.RootElement.EnumerateObject());
    }
}
