using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using FileSync.Diagnostics;

namespace FileSync.Docker;

/// <summary>A Docker context's engine endpoint, as <c>docker context create</c> stored it.</summary>
/// <param name="Name">The context's name.</param>
/// <param name="Host">Its <c>Endpoints.docker.Host</c>, e.g. <c>unix:///Users/me/.colima/default/docker.sock</c>.</param>
/// <param name="TlsFolder">The folder holding its ca.pem / cert.pem / key.pem, when it has any.</param>
/// <param name="SkipTlsVerify">Its <c>Endpoints.docker.SkipTLSVerify</c>: TLS without checking the engine's certificate.</param>
/// <param name="ChosenBy">What named it, for messages: <c>DOCKER_CONTEXT</c> or <c>currentContext in /home/me/.docker/config.json</c>.</param>
/// <param name="MetaFile">Its meta.json, for messages.</param>
internal sealed record DockerContext(string Name, string Host, string? TlsFolder, bool SkipTlsVerify, string ChosenBy, string MetaFile);

/// <summary>
/// The docker CLI's context store, read the way the CLI reads it: <c>DOCKER_CONTEXT</c>, else <c>currentContext</c> in
/// <c>$DOCKER_CONFIG/config.json</c> (default <c>~/.docker</c>); the context's endpoint in
/// <c>contexts/meta/&lt;sha256 of its name&gt;/meta.json</c>, its TLS files in <c>contexts/tls/&lt;sha256&gt;/docker/</c>.
/// The name <c>default</c> means no context. Costs a file read or two, never a process.
/// </summary>
internal static class DockerContexts
{
    public const string DefaultName = "default";

    /// <summary>The context the docker CLI would use (DOCKER_HOST already checked by the caller), or null for none.
    /// A named context that is missing or unreadable is a <see cref="FileSyncException"/> naming it and its file.</summary>
    public static DockerContext? Find(Func<string, string?> getEnvironmentVariable)
    {
        string configFolder = ConfigFolder(getEnvironmentVariable);
        string? name = getEnvironmentVariable("DOCKER_CONTEXT");
        string chosenBy = "DOCKER_CONTEXT";
        if (string.IsNullOrEmpty(name))
        {
            string configFile = Path.Combine(configFolder, "config.json");
            name = CurrentContext(configFile);
            chosenBy = "currentContext in " + configFile;
        }

        if (string.IsNullOrEmpty(name) || name == DefaultName)
        {
            return null;
        }

        string id = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(name))).ToLowerInvariant();
        string metaFile = Path.Combine(configFolder, "contexts", "meta", id, "meta.json");
        byte[] meta;
        try
        {
            meta = File.ReadAllBytes(metaFile);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileSyncException(Diag.DockerContextNotFound(name, chosenBy, metaFile));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileSyncException(Diag.DockerContextInvalid(name, chosenBy, metaFile, e.Message), e);
        }

        string? host;
        bool skipTlsVerify;
        try
        {
            (host, skipTlsVerify) = ReadDockerEndpoint(meta);
        }
        catch (JsonException e)
        {
            throw new FileSyncException(Diag.DockerContextInvalid(name, chosenBy, metaFile, "not valid JSON: " + e.Message), e);
        }

        if (string.IsNullOrWhiteSpace(host))
        {
            throw new FileSyncException(Diag.DockerContextInvalid(name, chosenBy, metaFile, "it has no Endpoints.docker.Host"));
        }

        string tlsFolder = Path.Combine(configFolder, "contexts", "tls", id, "docker");
        bool hasTls = File.Exists(Path.Combine(tlsFolder, "ca.pem")) || File.Exists(Path.Combine(tlsFolder, "cert.pem")) || File.Exists(Path.Combine(tlsFolder, "key.pem"));
        return new DockerContext(name, host, hasTls ? tlsFolder : null, skipTlsVerify, chosenBy, metaFile);
    }

    /// <summary><c>DOCKER_CONFIG</c>, else <c>.docker</c> in the home folder (HOME; USERPROFILE on Windows), as the CLI.</summary>
    internal static string ConfigFolder(Func<string, string?> getEnvironmentVariable)
    {
        string? folder = getEnvironmentVariable("DOCKER_CONFIG");
        if (!string.IsNullOrEmpty(folder))
        {
            return folder;
        }

        string? home = getEnvironmentVariable(OperatingSystem.IsWindows() ? "USERPROFILE" : "HOME");
        if (string.IsNullOrEmpty(home))
        {
            home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        }

        return Path.Combine(home, ".docker");
    }

    /// <summary>config.json's <c>currentContext</c>; no file is no context (the CLI's own default).</summary>
    private static string? CurrentContext(string configFile)
    {
        if (!File.Exists(configFile))
        {
            return null; // the common case without a CLI config: a stat, no exception (costly the first time in a process)
        }

        byte[] json;
        try
        {
            json = File.ReadAllBytes(configFile);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileSyncException(Diag.DockerConfigInvalid(configFile, e.Message), e);
        }

        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (json.Length == 0 || !reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return json.AsSpan().Trim(" \t\r\n"u8).Length == 0 ? null : throw new JsonException("not a JSON object");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                bool wanted = reader.ValueTextEquals("currentContext"u8);
                reader.Read();
                if (wanted)
                {
                    return reader.TokenType == JsonTokenType.String ? reader.GetString() : throw new JsonException("currentContext is not a string");
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException e)
        {
            throw new FileSyncException(Diag.DockerConfigInvalid(configFile, e.Message), e);
        }
    }

    /// <summary>meta.json's <c>Endpoints.docker</c>: <c>Host</c> and <c>SkipTLSVerify</c>.</summary>
    private static (string? Host, bool SkipTlsVerify) ReadDockerEndpoint(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        string? host = null;
        bool skip = false;
        Expect(ref reader, JsonTokenType.StartObject);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (!reader.ValueTextEquals("Endpoints"u8))
            {
                reader.Read();
                reader.Skip();
                continue;
            }

            Expect(ref reader, JsonTokenType.StartObject);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("docker"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                Expect(ref reader, JsonTokenType.StartObject);
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    bool isHost = reader.ValueTextEquals("Host"u8), isSkip = reader.ValueTextEquals("SkipTLSVerify"u8);
                    reader.Read();
                    if (isHost && reader.TokenType == JsonTokenType.String) host = reader.GetString();
                    else if (isSkip && reader.TokenType is JsonTokenType.True or JsonTokenType.False) skip = reader.GetBoolean();
                    else reader.Skip();
                }
            }
        }

        return (host, skip);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException($"expected {type} at byte {reader.BytesConsumed}");
        }
    }
}
