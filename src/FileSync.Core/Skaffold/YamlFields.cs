using FileSync.Diagnostics;
using YamlDotNet.RepresentationModel;

namespace FileSync.Skaffold;

/// <summary>
/// Typed reads of a skaffold.yaml's nodes: a field of the wrong kind is FSYNC8003 with the file, line and column;
/// a missing field, or one set to null (<c>sync:</c> with nothing under it), reads as absent; unknown fields are
/// never looked at (Skaffold's own schema has many that do not touch sync).
/// </summary>
internal sealed class YamlFields(string file)
{
    public string File { get; } = file;

    public YamlNode? Get(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out YamlNode? node) && !IsNull(node) ? node : null;

    public YamlMappingNode? Mapping(YamlMappingNode parent, string key, string path) =>
        Get(parent, key) is { } node ? node as YamlMappingNode ?? throw WrongType(node, path, "a mapping") : null;

    public YamlSequenceNode? Sequence(YamlMappingNode parent, string key, string path) =>
        Get(parent, key) is { } node ? node as YamlSequenceNode ?? throw WrongType(node, path, "a list") : null;

    public string? Scalar(YamlMappingNode parent, string key, string path) =>
        Get(parent, key) is { } node ? (node as YamlScalarNode ?? throw WrongType(node, path, "a string")).Value : null;

    public YamlMappingNode AsMapping(YamlNode node, string path) => node as YamlMappingNode ?? throw WrongType(node, path, "a mapping");

    public FileSyncException WrongType(YamlNode node, string path, string expected) =>
        new(Diag.ConfigWrongType(File, Line(node), Column(node), path, expected, Kind(node)));

    public Diagnostic At(YamlNode node, Func<string, int, int, Diagnostic> make) => make(File, Line(node), Column(node));

    public static int Line(YamlNode node) => (int)node.Start.Line;

    public static int Column(YamlNode node) => (int)node.Start.Column;

    /// <summary>YAML's null: <c>~</c>, <c>null</c>, or nothing at all (only plain, unquoted scalars).</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    private static string Kind(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ => "a string",
    };
}
