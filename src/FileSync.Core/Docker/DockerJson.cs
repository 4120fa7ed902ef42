using System.Buffers;
using System.Text.Json;

namespace FileSync.Docker;

/// <summary>
/// The few Engine API bodies FileSync reads and writes, by hand with <see cref="Utf8JsonReader"/> and
/// <see cref="Utf8JsonWriter"/>: in a fresh build process the source-generated serializer took 20-50 ms more than this
/// (build/bench/coldstart).
/// Names are matched exactly (the engine's own spelling); fields not listed are skipped; a value of the wrong type is a
/// <see cref="JsonException"/>.
/// </summary>
internal static class DockerJson
{
    private static readonly IReadOnlyDictionary<string, string> NoLabels = new Dictionary<string, string>();

    /// <summary>GET /containers/{id}/json.</summary>
    public static ContainerInfo ReadContainer(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? id = null, name = null, imageId = null, status = null, image = null, workingDir = null, user = null;
        bool running = false, paused = false, readOnlyRoot = false;
        int pid = 0;
        IReadOnlyDictionary<string, string>? labels = null;
        var env = new System.Text.StringBuilder();
        for (bool any = StartObject(ref reader); any && NextProperty(ref reader);)
        {
            if (reader.ValueTextEquals("Id"u8)) id = ReadString(ref reader);
            else if (reader.ValueTextEquals("Name"u8)) name = ReadString(ref reader);
            else if (reader.ValueTextEquals("Image"u8)) imageId = ReadString(ref reader);
            else if (reader.ValueTextEquals("State"u8))
            {
                for (bool state = StartObject(ref reader); state && NextProperty(ref reader);)
                {
                    if (reader.ValueTextEquals("Status"u8)) status = ReadString(ref reader);
                    else if (reader.ValueTextEquals("Running"u8)) running = ReadBool(ref reader);
                    else if (reader.ValueTextEquals("Paused"u8)) paused = ReadBool(ref reader);
                    else if (reader.ValueTextEquals("Pid"u8)) pid = ReadInt(ref reader) ?? 0;
                    else reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("Config"u8))
            {
                for (bool config = StartObject(ref reader); config && NextProperty(ref reader);)
                {
                    if (reader.ValueTextEquals("Image"u8)) image = ReadString(ref reader);
                    else if (reader.ValueTextEquals("WorkingDir"u8)) workingDir = ReadString(ref reader);
                    else if (reader.ValueTextEquals("User"u8)) user = ReadString(ref reader);
                    else if (reader.ValueTextEquals("Labels"u8)) labels = ReadLabels(ref reader);
                    else if (reader.ValueTextEquals("Env"u8))
                    {
                        for (bool list = StartArray(ref reader); list && reader.Read() && reader.TokenType != JsonTokenType.EndArray;)
                        {
                            env.Append(CurrentString(ref reader)).Append('\0');
                        }
                    }
                    else reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("HostConfig"u8))
            {
                for (bool host = StartObject(ref reader); host && NextProperty(ref reader);)
                {
                    if (reader.ValueTextEquals("ReadonlyRootfs"u8)) readOnlyRoot = ReadBool(ref reader);
                    else reader.Skip();
                }
            }
            else reader.Skip();
        }

        return new ContainerInfo(id ?? "", TrimSlash(name), image ?? "", imageId ?? "", running, status ?? "", workingDir ?? "", user ?? "", labels ?? NoLabels) { Paused = paused, Pid = pid, ReadOnlyRoot = readOnlyRoot, Env = env.ToString() };
    }

    /// <summary>GET /containers/json.</summary>
    public static List<ContainerSummary> ReadContainerList(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var result = new List<ContainerSummary>();
        for (bool any = StartArray(ref reader); any && reader.Read() && reader.TokenType != JsonTokenType.EndArray;)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                throw new JsonException($"Expected a container, found {reader.TokenType} at byte {reader.TokenStartIndex}.");
            }

            string? id = null, image = null, imageId = null, state = null;
            var names = new List<string>();
            IReadOnlyDictionary<string, string>? labels = null;
            while (NextProperty(ref reader))
            {
                if (reader.ValueTextEquals("Id"u8)) id = ReadString(ref reader);
                else if (reader.ValueTextEquals("Image"u8)) image = ReadString(ref reader);
                else if (reader.ValueTextEquals("ImageID"u8)) imageId = ReadString(ref reader);
                else if (reader.ValueTextEquals("State"u8)) state = ReadString(ref reader);
                else if (reader.ValueTextEquals("Labels"u8)) labels = ReadLabels(ref reader);
                else if (reader.ValueTextEquals("Names"u8))
                {
                    for (bool list = StartArray(ref reader); list && reader.Read() && reader.TokenType != JsonTokenType.EndArray;)
                    {
                        names.Add(TrimSlash(CurrentString(ref reader)));
                    }
                }
                else reader.Skip();
            }

            result.Add(new ContainerSummary(id ?? "", names, image ?? "", imageId ?? "", state ?? "", labels ?? NoLabels));
        }

        return result;
    }

    /// <summary>GET /exec/{id}/json: whether it still runs, and its exit code once known.</summary>
    public static (bool Running, int? ExitCode) ReadExecState(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        bool running = false;
        int? exitCode = null;
        for (bool any = StartObject(ref reader); any && NextProperty(ref reader);)
        {
            if (reader.ValueTextEquals("Running"u8)) running = ReadBool(ref reader);
            else if (reader.ValueTextEquals("ExitCode"u8)) exitCode = ReadInt(ref reader);
            else reader.Skip();
        }

        return (running, exitCode);
    }

    /// <summary>The string property <paramref name="name"/> of a top-level object: "Id" of POST /exec, "ApiVersion" of
    /// GET /version, "message" of an error. Null when absent or null.</summary>
    public static string? ReadProperty(ReadOnlySpan<byte> json, ReadOnlySpan<byte> name)
    {
        var reader = new Utf8JsonReader(json);
        string? value = null;
        for (bool any = StartObject(ref reader); any && NextProperty(ref reader);)
        {
            if (reader.ValueTextEquals(name)) value = ReadString(ref reader);
            else reader.Skip();
        }

        return value;
    }

    /// <summary>POST /containers/{id}/exec: attached stdout and stderr, no stdin, no TTY; no "User" when null.</summary>
    public static byte[] ExecCreate(IReadOnlyList<string> argv, string? user) => Write(writer =>
    {
        writer.WriteBoolean("AttachStdin"u8, false);
        writer.WriteBoolean("AttachStdout"u8, true);
        writer.WriteBoolean("AttachStderr"u8, true);
        writer.WriteBoolean("Tty"u8, false);
        writer.WriteStartArray("Cmd"u8);
        foreach (string arg in argv)
        {
            writer.WriteStringValue(arg);
        }

        writer.WriteEndArray();
        if (user is not null)
        {
            writer.WriteString("User"u8, user);
        }
    });

    /// <summary>The <c>filters</c> query value of GET /containers/json: every label ("k=v" or "k") must match.</summary>
    public static string LabelFilters(IReadOnlyList<string> labels) => System.Text.Encoding.UTF8.GetString(Write(writer =>
    {
        writer.WriteStartArray("label"u8);
        foreach (string label in labels)
        {
            writer.WriteStringValue(label);
        }

        writer.WriteEndArray();
    }));

    private static byte[] Write(Action<Utf8JsonWriter> properties)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            properties(writer);
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    // Each Read* helper moves from a property name (or, for the first, from the start) onto the value and reads it.

    /// <summary>True at the start of an object, false for null; anything else is an error.</summary>
    private static bool StartObject(ref Utf8JsonReader reader) => Start(ref reader, JsonTokenType.StartObject);

    private static bool StartArray(ref Utf8JsonReader reader) => Start(ref reader, JsonTokenType.StartArray);

    private static bool Start(ref Utf8JsonReader reader, JsonTokenType expected)
    {
        if (!reader.Read())
        {
            throw new JsonException("The body is empty.");
        }

        return reader.TokenType == expected ? true
            : reader.TokenType == JsonTokenType.Null ? false
            : throw new JsonException($"Expected {expected}, found {reader.TokenType} at byte {reader.TokenStartIndex}.");
    }

    /// <summary>Moves to the next property's name (compare it with <c>ValueTextEquals</c>); false at the end of the object.</summary>
    private static bool NextProperty(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.PropertyName ? true
            : reader.TokenType == JsonTokenType.EndObject ? false
            : throw new JsonException($"Malformed object at byte {reader.TokenStartIndex}.");
    }

    private static Dictionary<string, string>? ReadLabels(ref Utf8JsonReader reader)
    {
        if (!StartObject(ref reader))
        {
            return null;
        }

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        while (NextProperty(ref reader))
        {
            string key = reader.GetString()!;
            labels[key] = ReadString(ref reader) ?? "";
        }

        return labels;
    }

    private static string? ReadString(ref Utf8JsonReader reader)
    {
        reader.Read();
        return CurrentString(ref reader);
    }

    private static string? CurrentString(ref Utf8JsonReader reader) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Null => null,
        _ => throw new JsonException($"Expected a string, found {reader.TokenType} at byte {reader.TokenStartIndex}."),
    };

    private static bool ReadBool(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType switch
        {
            JsonTokenType.True => true,
            JsonTokenType.False => false,
            _ => throw new JsonException($"Expected true or false, found {reader.TokenType} at byte {reader.TokenStartIndex}."),
        };
    }

    private static int? ReadInt(ref Utf8JsonReader reader)
    {
        reader.Read();
        return reader.TokenType == JsonTokenType.Null ? null : reader.GetInt32(); // GetInt32 throws for a non-number
    }

    private static string TrimSlash(string? name) => string.IsNullOrEmpty(name) ? "" : name[0] == '/' ? name.Substring(1) : name;
}
