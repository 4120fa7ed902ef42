using System.Text.RegularExpressions;
using FileSync.Diagnostics;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace FileSync.Skaffold;

/// <summary>
/// Reads a skaffold.yaml (FileSyncConfig) as Skaffold does for sync: every YAML document is a config (schemas
/// skaffold/v2* to v4*), their <c>build.artifacts</c> together; the profiles FileSyncProfile names (comma-separated,
/// applied in order, in every document that has them) first replace <c>build.artifacts</c> when they set it, then apply
/// their <c>patches</c> (add, replace, remove). Profiles are never activated by their <c>activation</c>.
/// </summary>
internal static partial class SkaffoldConfig
{
    public static IReadOnlyList<SkaffoldArtifact> Load(string path, string? profiles, ILog log)
    {
        string file = Path.GetFullPath(path);
        var fields = new YamlFields(file);
        var stream = new YamlStream();
        try
        {
            using var text = new StreamReader(file);
            stream.Load(text);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new FileSyncException(Diag.ConfigUnreadable(file, e.Message));
        }
        catch (YamlException e)
        {
            int line = (int)e.Start.Line, column = (int)e.Start.Column;
            throw new FileSyncException(Diag.ConfigSyntax(file, line, column, Reason(e)));
        }
        catch (InvalidOperationException e)
        {
            // YamlDotNet's parser gives up on some malformed input (an unclosed flow sequence before more keys) without a
            // YamlException, so without a place: still a coded error, never MSB4018.
            throw new FileSyncException(Diag.ConfigUnparsable(file, e.Message));
        }

        string[] wanted = (profiles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var found = new HashSet<string>(StringComparer.Ordinal);
        var artifacts = new List<SkaffoldArtifact>();
        var reader = new ArtifactReader(fields, Path.GetDirectoryName(file)!);
        foreach (YamlDocument document in stream.Documents)
        {
            if (YamlFields.IsNull(document.RootNode))
            {
                continue; // an empty document (a trailing '---')
            }

            YamlMerge.Apply(document.RootNode);
            YamlMappingNode root = fields.AsMapping(document.RootNode, "(document)");
            CheckVersion(fields, root);
            if (fields.Get(root, "requires") is { } requires)
            {
                log.Warning(Diag.ConfigRequiresIgnored(file, YamlFields.Line(requires), YamlFields.Column(requires)));
            }

            ApplyProfiles(fields, root, wanted, found, log);
            if (fields.Mapping(root, "build", "build") is { } build && fields.Sequence(build, "artifacts", "build.artifacts") is { } list)
            {
                artifacts.AddRange(list.Children.Select((node, i) => reader.Read(node, $"build.artifacts[{i}]")));
            }
        }

        if (wanted.FirstOrDefault(name => !found.Contains(name)) is { } missing)
        {
            throw new FileSyncException(Diag.ConfigProfileNotFound(file, missing));
        }

        return artifacts;
    }

    /// <summary>The artifact FileSyncArtifact names (its image), or the only one; its warnings are logged.</summary>
    public static SkaffoldArtifact Select(IReadOnlyList<SkaffoldArtifact> artifacts, string? image, string path, ILog log)
    {
        string file = Path.GetFullPath(path);
        string images = artifacts.Count == 0 ? "none" : string.Join(", ", artifacts.Select(artifact => artifact.Image));
        SkaffoldArtifact chosen = string.IsNullOrWhiteSpace(image)
            ? artifacts.Count == 1 ? artifacts[0] : throw new FileSyncException(Diag.ConfigArtifactNotChosen(file, images))
            : artifacts.FirstOrDefault(artifact => artifact.Image == image.Trim())
                ?? throw new FileSyncException(Diag.ConfigArtifactNotFound(file, image.Trim(), images));
        if (!Directory.Exists(chosen.Context))
        {
            throw new FileSyncException(Diag.ConfigContextMissing(file, chosen.Image, chosen.Context));
        }

        foreach (UnsupportedField field in chosen.Unsupported)
        {
            switch (field.Name)
            {
                case "sync.auto":
                    log.Warning(Diag.ConfigSyncAuto(file, field.Line, field.Column, chosen.Image));
                    break;
                case "sync.infer+manual":
                    log.Warning(Diag.ConfigInferWithManual(file, field.Line, field.Column, chosen.Image));
                    break;
                case { } name when name.StartsWith("buildArgs:", StringComparison.Ordinal):
                    log.Warning(Diag.ConfigBuildArgTemplate(file, field.Line, field.Column, chosen.Image, name["buildArgs:".Length..]));
                    break;
                case { } name when name.StartsWith("sync.infer:", StringComparison.Ordinal):
                    log.Warning(Diag.ConfigInferNoDockerfile(file, field.Line, field.Column, chosen.Image, name["sync.infer:".Length..]));
                    break;
                default:
                    log.Warning(Diag.ConfigBuilderNotDocker(file, field.Line, field.Column, chosen.Image, field.Name));
                    break;
            }
        }

        if (artifacts.FirstOrDefault(artifact => artifact.Requires.Contains(chosen.Image)) is { } user)
        {
            log.Warning(Diag.ConfigArtifactRequired(file, chosen.Image, user.Image));
        }

        return chosen;
    }

    private static void CheckVersion(YamlFields fields, YamlMappingNode root)
    {
        YamlNode? node = fields.Get(root, "apiVersion");
        string? version = fields.Scalar(root, "apiVersion", "apiVersion");
        if (version is null || !SupportedVersion().IsMatch(version))
        {
            throw new FileSyncException(fields.At(node ?? root, (file, line, column) => Diag.ConfigVersionUnsupported(file, line, column, version ?? "(none)")));
        }
    }

    private static void ApplyProfiles(YamlFields fields, YamlMappingNode root, string[] wanted, HashSet<string> found, ILog log)
    {
        if (fields.Sequence(root, "profiles", "profiles") is not { } profiles)
        {
            return;
        }

        var byName = new Dictionary<string, YamlMappingNode>(StringComparer.Ordinal);
        for (int i = 0; i < profiles.Children.Count; i++)
        {
            YamlMappingNode profile = fields.AsMapping(profiles.Children[i], $"profiles[{i}]");
            string name = fields.Scalar(profile, "name", $"profiles[{i}].name") ?? "";
            byName.TryAdd(name, profile);
            if (!wanted.Contains(name) && fields.Get(profile, "activation") is { } activation)
            {
                log.Warning(Diag.ConfigProfileActivation(fields.File, YamlFields.Line(activation), YamlFields.Column(activation), name));
            }
        }

        foreach (string name in wanted)
        {
            if (byName.TryGetValue(name, out YamlMappingNode? profile))
            {
                found.Add(name);
                new ProfilePatcher(fields, name).Apply(root, profile, log);
            }
        }
    }

    /// <summary>YamlDotNet's message without its own "(Line: .., Col: ..)" prefix: FileSync states the place itself.</summary>
    private static string Reason(YamlException e)
    {
        string message = e.Message;
        int cut = message.IndexOf("): ", StringComparison.Ordinal);
        return (message.StartsWith("(Line", StringComparison.Ordinal) && cut > 0 ? message[(cut + 3)..] : message).TrimEnd('.', ' ');
    }

    [GeneratedRegex(@"^skaffold/v[234]((alpha|beta)[0-9]+)?$")]
    private static partial Regex SupportedVersion();
}
