namespace FileSync.KubeStandIn;

/// <summary>
/// Kubernetes label selectors (<c>a=b</c>, <c>a==b</c>, <c>a!=b</c>, <c>a</c>, <c>!a</c>, <c>a in (x,y)</c>,
/// <c>a notin (x,y)</c>, comma-separated and all required) and field selectors over a few pod fields.
/// </summary>
internal static class Selectors
{
    /// <summary>Parses a label selector into a predicate; throws <see cref="FormatException"/> with the API's wording.</summary>
    public static Func<IReadOnlyDictionary<string, string>, bool> ParseLabels(string? selector)
    {
        var requirements = new List<Func<IReadOnlyDictionary<string, string>, bool>>();
        foreach (string part in SplitTopLevel(selector ?? string.Empty))
        {
            requirements.Add(ParseRequirement(part));
        }

        return labels => requirements.TrueForAll(r => r(labels));
    }

    /// <summary>Field selectors: <c>metadata.name</c>, <c>metadata.namespace</c>, <c>status.phase</c>, <c>spec.nodeName</c>.</summary>
    public static Func<PodState, bool> ParseFields(string? selector)
    {
        var requirements = new List<Func<PodState, bool>>();
        foreach (string part in SplitTopLevel(selector ?? string.Empty))
        {
            (string field, string op, string value) = SplitOperator(part)
                ?? throw new FormatException($"invalid selector: '{selector}'; can't understand '{part}'");
            Func<PodState, string> get = field switch
            {
                "metadata.name" => p => p.Name,
                "metadata.namespace" => p => p.Namespace,
                "status.phase" => p => p.Phase,
                "spec.nodeName" => _ => "standin-node",
                _ => throw new FormatException($"field label not supported: {field}"),
            };
            bool equal = op != "!=";
            requirements.Add(p => (get(p) == value) == equal);
        }

        return pod => requirements.TrueForAll(r => r(pod));
    }

    private static Func<IReadOnlyDictionary<string, string>, bool> ParseRequirement(string part)
    {
        string text = part.Trim();
        if (text.StartsWith('!'))
        {
            string key = Key(text[1..].Trim(), text);
            return labels => !labels.ContainsKey(key);
        }

        if (SplitOperator(text) is var (left, op, value))
        {
            string key = Key(left, text);
            return op == "!="
                ? labels => !labels.TryGetValue(key, out var v) || v != value
                : labels => labels.TryGetValue(key, out var v) && v == value;
        }

        string[] words = text.Split(' ', 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 2)
        {
            string rest = words[1];
            bool notIn = rest.StartsWith("notin", StringComparison.Ordinal);
            bool isIn = !notIn && rest.StartsWith("in", StringComparison.Ordinal);
            string set = rest[(notIn ? 5 : 2)..].Trim();
            if ((isIn || notIn) && set.StartsWith('(') && set.EndsWith(')'))
            {
                string key = Key(words[0], text);
                var values = set[1..^1].Split(',', StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal);
                return notIn
                    ? labels => !labels.TryGetValue(key, out var v) || !values.Contains(v)
                    : labels => labels.TryGetValue(key, out var v) && values.Contains(v);
            }

            throw new FormatException($"unable to parse requirement: found '{words[1]}', expected: in, notin, =, ==, !=, gt, lt");
        }

        string exists = Key(text, text);
        return labels => labels.ContainsKey(exists);
    }

    private static string Key(string key, string requirement)
    {
        if (key.Length == 0 || key.Any(c => !(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '/')))
        {
            throw new FormatException($"unable to parse requirement: invalid label key \"{key}\" in \"{requirement}\"");
        }

        return key;
    }

    private static (string Left, string Op, string Value)? SplitOperator(string text)
    {
        foreach (string op in (string[])["!=", "==", "="])
        {
            int at = text.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                return (text[..at].Trim(), op, text[(at + op.Length)..].Trim());
            }
        }

        return null;
    }

    /// <summary>Splits on commas outside parentheses (the separators of <c>in (a,b)</c> belong to the set).</summary>
    private static IEnumerable<string> SplitTopLevel(string selector)
    {
        int depth = 0, start = 0;
        for (int i = 0; i <= selector.Length; i++)
        {
            if (i == selector.Length || (selector[i] == ',' && depth == 0))
            {
                string part = selector[start..i].Trim();
                if (part.Length > 0)
                {
                    yield return part;
                }

                start = i + 1;
            }
            else if (selector[i] == '(')
            {
                depth++;
            }
            else if (selector[i] == ')')
            {
                depth--;
            }
        }
    }
}
