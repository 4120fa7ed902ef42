using YamlDotNet.RepresentationModel;

namespace FileSync.Skaffold;

/// <summary>
/// YAML merge keys (<c>&lt;&lt;: *base</c>, or a list of them), which Skaffold's YAML reader applies: the merged
/// mappings' keys are added where the mapping does not set them itself (its own keys win; earlier merged mappings
/// win over later ones). YamlDotNet's MergingParser keeps both and then refuses the duplicate, so this runs on the tree.
/// </summary>
internal static class YamlMerge
{
    private static readonly YamlScalarNode MergeKey = new("<<");

    public static void Apply(YamlNode root) => Apply(root, new HashSet<YamlNode>(ReferenceEqualityComparer.Instance));

    private static void Apply(YamlNode node, HashSet<YamlNode> done)
    {
        if (!done.Add(node))
        {
            return; // an alias: the same node, merged once
        }

        switch (node)
        {
            case YamlSequenceNode sequence:
                foreach (YamlNode child in sequence.Children)
                {
                    Apply(child, done);
                }

                break;
            case YamlMappingNode mapping:
                foreach (YamlNode child in mapping.Children.Values.ToList())
                {
                    Apply(child, done);
                }

                if (mapping.Children.TryGetValue(MergeKey, out YamlNode? merged) && merged is YamlMappingNode or YamlSequenceNode)
                {
                    mapping.Children.Remove(MergeKey);
                    IEnumerable<YamlNode> sources = merged is YamlSequenceNode list ? list.Children : [merged];
                    foreach (YamlMappingNode source in sources.OfType<YamlMappingNode>())
                    {
                        foreach ((YamlNode key, YamlNode value) in source.Children)
                        {
                            mapping.Children.TryAdd(key, value);
                        }
                    }
                }

                break;
        }
    }
}
