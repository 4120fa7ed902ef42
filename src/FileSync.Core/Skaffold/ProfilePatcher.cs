using FileSync.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace FileSync.Skaffold;

/// <summary>
/// Applies one selected profile to its config's YAML tree as Skaffold does (pkg/skaffold/schema/profiles.go): its
/// <c>build.artifacts</c>, when set, replaces the config's; then its <c>patches</c> in order (JSON patch over the
/// YAML, <c>op</c> defaulting to replace). add, replace and remove are applied; move, copy and test are warned
/// (FSYNC8013) and skipped; a path that does not exist is FSYNC8012, as Skaffold fails on it.
/// </summary>
internal sealed class ProfilePatcher(YamlFields fields, string profile)
{
    public void Apply(YamlMappingNode root, YamlMappingNode definition, ILog log)
    {
        if (fields.Mapping(definition, "build", "profiles.build") is { } build && fields.Get(build, "artifacts") is { } artifacts)
        {
            if (fields.Mapping(root, "build", "build") is not { } target)
            {
                target = new YamlMappingNode();
                root.Children[new YamlScalarNode("build")] = target;
            }

            target.Children[new YamlScalarNode("artifacts")] = artifacts;
        }

        if (fields.Sequence(definition, "patches", "profiles.patches") is not { } patches)
        {
            return;
        }

        for (int i = 0; i < patches.Children.Count; i++)
        {
            YamlMappingNode patch = fields.AsMapping(patches.Children[i], $"profiles.patches[{i}]");
            string op = fields.Scalar(patch, "op", $"profiles.patches[{i}].op") ?? "replace";
            string path = fields.Scalar(patch, "path", $"profiles.patches[{i}].path") ?? "";
            YamlNode? value = fields.Get(patch, "value");
            if (op is not ("add" or "replace" or "remove"))
            {
                log.Warning(Diag.ConfigPatchSkipped(fields.File, YamlFields.Line(patch), YamlFields.Column(patch), profile, op, path));
                continue;
            }

            if (!TryApply(root, op, path, value ?? new YamlScalarNode("")))
            {
                throw new FileSyncException(fields.At(patch, (file, line, column) => Diag.ConfigPatchPathInvalid(file, line, column, profile, op, path)));
            }
        }
    }

    private static bool TryApply(YamlNode root, string op, string path, YamlNode value)
    {
        if (!path.StartsWith('/'))
        {
            return false;
        }

        string[] segments = [.. path[1..].Split('/').Select(segment => segment.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal))];
        YamlNode parent = root;
        foreach (string segment in segments[..^1])
        {
            YamlNode? child = parent switch
            {
                YamlMappingNode mapping => mapping.Children.TryGetValue(new YamlScalarNode(segment), out YamlNode? found) ? found : null,
                YamlSequenceNode sequence => int.TryParse(segment, out int index) && index >= 0 && index < sequence.Children.Count ? sequence.Children[index] : null,
                _ => null,
            };
            if (child is null)
            {
                return false;
            }

            parent = child;
        }

        string last = segments[^1];
        switch (parent)
        {
            case YamlMappingNode mapping:
                var key = new YamlScalarNode(last);
                if (op != "add" && !mapping.Children.ContainsKey(key))
                {
                    return false;
                }

                if (op == "remove")
                {
                    mapping.Children.Remove(key);
                }
                else
                {
                    mapping.Children[key] = value;
                }

                return true;
            case YamlSequenceNode sequence:
                int count = sequence.Children.Count;
                int at = last == "-" && op == "add" ? count : int.TryParse(last, out int index) ? index : -1;
                if (at < 0 || at > count || (op != "add" && at == count))
                {
                    return false;
                }

                if (op == "add")
                {
                    sequence.Children.Insert(at, value);
                }
                else if (op == "remove")
                {
                    sequence.Children.RemoveAt(at);
                }
                else
                {
                    sequence.Children[at] = value;
                }

                return true;
            default:
                return false;
        }
    }
}
