using FileSync.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace FileSync.Skaffold;

/// <summary>Reads <c>sync.hooks</c>: <c>before</c> and <c>after</c>, lists of <c>{host: {command, os, dir}}</c> or <c>{container: {command}}</c> (Skaffold's SyncHookItem).</summary>
internal sealed class HookReader(YamlFields fields, string configFolder)
{
    public SyncHooks Read(YamlMappingNode hooks, string path) =>
        new(Phase(hooks, "before", path), Phase(hooks, "after", path)) { File = fields.File };

    private List<SyncHook> Phase(YamlMappingNode hooks, string phase, string path)
    {
        var read = new List<SyncHook>();
        if (fields.Sequence(hooks, phase, $"{path}.{phase}") is not { } list)
        {
            return read;
        }

        for (int i = 0; i < list.Children.Count; i++)
        {
            string at = $"{path}.{phase}[{i}]";
            YamlMappingNode item = fields.AsMapping(list.Children[i], at);
            YamlMappingNode? host = fields.Mapping(item, "host", at + ".host");
            YamlMappingNode? container = fields.Mapping(item, "container", at + ".container");
            if ((host is null) == (container is null))
            {
                throw Invalid(item, at, "needs exactly one of 'host' and 'container'");
            }

            YamlMappingNode hook = host ?? container!;
            string kind = host is null ? "container" : "host";
            string[] command = Strings(hook, "command", $"{at}.{kind}.command");
            if (command.Length == 0 || command[0].Length == 0)
            {
                throw Invalid(hook, $"{at}.{kind}.command", "needs a command: the program and its arguments, e.g. [\"sh\", \"-c\", \"echo synced\"]");
            }

            var entry = new SyncHook(phase, i + 1, host is not null, command) { Origin = $"{Path.GetFileName(fields.File)}:{YamlFields.Line(item)}" };
            if (host is not null)
            {
                string? dir = fields.Scalar(host, "dir", $"{at}.host.dir");
                entry = entry with
                {
                    Os = Strings(host, "os", $"{at}.host.os"),
                    Dir = string.IsNullOrEmpty(dir) ? configFolder : Path.GetFullPath(dir, configFolder),
                };
            }

            read.Add(entry);
        }

        return read;
    }

    private string[] Strings(YamlMappingNode parent, string key, string path) =>
        fields.Sequence(parent, key, path) is { } list
            ? [.. list.Children.Select((node, i) => (node as YamlScalarNode ?? throw fields.WrongType(node, $"{path}[{i}]", "a string")).Value ?? "")]
            : [];

    private FileSyncException Invalid(YamlNode node, string path, string reason) =>
        new(fields.At(node, (file, line, column) => Diag.ConfigHookInvalid(file, line, column, path, reason)));
}
