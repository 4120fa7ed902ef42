using FileSync.Diagnostics;
using FileSync.Rules;
using YamlDotNet.RepresentationModel;

namespace FileSync.Skaffold;

/// <summary>Reads one artifact mapping: image, context, sync.manual; warns for what FileSync does not do as Skaffold.</summary>
internal sealed class ArtifactReader(YamlFields fields, string configFolder)
{
    /// <summary>Skaffold's builders other than docker (one per artifact; docker when none is named).</summary>
    private static readonly string[] OtherBuilders = ["jib", "kaniko", "buildpacks", "custom", "bazel", "ko"];

    /// <summary>The build args of the artifact being read whose template FileSync could not evaluate (FSYNC8080).</summary>
    private readonly List<UnsupportedField> _templates = [];

    public SkaffoldArtifact Read(YamlNode node, string path)
    {
        YamlMappingNode artifact = fields.AsMapping(node, path);
        string image = fields.Scalar(artifact, "image", path + ".image") is { Length: > 0 } named
            ? named
            : throw new FileSyncException(fields.At(artifact, (file, line, column) => Diag.ConfigFieldMissing(file, line, column, path + ".image")));
        string context = Context(fields.Scalar(artifact, "context", path + ".context") is { Length: > 0 } folder ? folder : ".", image);
        var warnings = new List<UnsupportedField>();
        foreach (string builder in OtherBuilders.Where(builder => fields.Get(artifact, builder) is not null))
        {
            warnings.Add(At(builder, fields.Get(artifact, builder)!));
        }

        var rules = new List<ManualRule>();
        Glob[] infer = [];
        _templates.Clear();
        (string dockerfile, IReadOnlyDictionary<string, string?> buildArgs, string? noDockerfile) = Builder(artifact, path);
        SyncHooks hooks = SyncHooks.None;
        if (fields.Mapping(artifact, "sync", path + ".sync") is { } sync)
        {
            rules.AddRange(ReadManual(sync, path + ".sync.manual"));
            if (fields.Get(sync, "auto") is { } auto && auto is not YamlScalarNode { Value: "false" or "False" or "FALSE" })
            {
                warnings.Add(At("sync.auto", auto));
            }

            if (fields.Sequence(sync, "infer", path + ".sync.infer") is { } patterns)
            {
                // Skaffold takes the manual rules when there are any, and infers only with a Dockerfile (docker, kaniko, custom).
                if (rules.Count > 0)
                {
                    warnings.Add(At("sync.infer+manual", patterns));
                }
                else if (noDockerfile is not null)
                {
                    warnings.Add(At("sync.infer:" + noDockerfile, patterns));
                }
                else
                {
                    infer = [.. ReadInfer(patterns, path + ".sync.infer")];
                    warnings.AddRange(_templates); // build args matter only to inference
                }
            }

            if (fields.Mapping(sync, "hooks", path + ".sync.hooks") is { } hookList)
            {
                hooks = new HookReader(fields, configFolder).Read(hookList, path + ".sync.hooks") with { Image = image, BuildContext = context };
            }
        }

        string[] requires = fields.Sequence(artifact, "requires", path + ".requires") is { } list
            ? [.. list.Children.Select((entry, i) => fields.Scalar(fields.AsMapping(entry, $"{path}.requires[{i}]"), "image", $"{path}.requires[{i}].image")).OfType<string>()]
            : [];
        return new SkaffoldArtifact(image, context, rules, warnings)
        {
            Requires = requires,
            Dockerfile = Path.GetFullPath(dockerfile, context),
            BuildArgs = buildArgs,
            Infer = infer,
            Hooks = hooks,
        };
    }

    /// <summary>The context as a full path; one that is no path at all (a NUL in it) is FSYNC8019, not an exception.</summary>
    private string Context(string folder, string image)
    {
        try
        {
            return Path.GetFullPath(folder, configFolder);
        }
        catch (ArgumentException)
        {
            throw new FileSyncException(Diag.ConfigContextMissing(fields.File, image, folder));
        }
    }

    /// <summary>
    /// The Dockerfile and build args Skaffold's syncMapForArtifact reads (docker, kaniko, or a custom builder's
    /// <c>dependencies.dockerfile</c>), and the name of a builder that has none (then nothing is inferred).
    /// </summary>
    private (string Dockerfile, IReadOnlyDictionary<string, string?> BuildArgs, string? NoDockerfile) Builder(YamlMappingNode artifact, string path)
    {
        foreach ((string key, string file, string args) in new[] { ("docker", "dockerfile", "buildArgs"), ("kaniko", "dockerfile", "buildArgs") })
        {
            if (fields.Mapping(artifact, key, $"{path}.{key}") is { } builder)
            {
                return (fields.Scalar(builder, file, $"{path}.{key}.{file}") is { Length: > 0 } named ? named : "Dockerfile", BuildArgs(builder, $"{path}.{key}.{args}"), null);
            }
        }

        if (fields.Get(artifact, "custom") is not null)
        {
            YamlMappingNode? dependencies = fields.Mapping(fields.AsMapping(fields.Get(artifact, "custom")!, path + ".custom"), "dependencies", path + ".custom.dependencies");
            return dependencies is not null && fields.Mapping(dependencies, "dockerfile", path + ".custom.dependencies.dockerfile") is { } custom
                ? (fields.Scalar(custom, "path", path + ".custom.dependencies.dockerfile.path") is { Length: > 0 } named ? named : "Dockerfile", BuildArgs(custom, path + ".custom.dependencies.dockerfile.buildArgs"), null)
                : ("Dockerfile", new Dictionary<string, string?>(), "custom");
        }

        string? other = OtherBuilders.FirstOrDefault(builder => fields.Get(artifact, builder) is not null);
        return ("Dockerfile", new Dictionary<string, string?>(), other);
    }

    /// <summary><c>buildArgs</c>: a mapping of names to strings or null; values are Skaffold env templates (<c>{{.HOME}}</c>).</summary>
    private IReadOnlyDictionary<string, string?> BuildArgs(YamlMappingNode builder, string path)
    {
        var args = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (fields.Mapping(builder, "buildArgs", path) is { } mapping)
        {
            foreach ((YamlNode key, YamlNode value) in mapping.Children)
            {
                string name = (key as YamlScalarNode)?.Value ?? throw fields.WrongType(key, path, "a string");
                args[name] = YamlFields.IsNull(value) ? null : EnvTemplate.Evaluate((value as YamlScalarNode ?? throw fields.WrongType(value, $"{path}.{name}", "a string")).Value ?? "");
                if (args[name]?.Contains("{{", StringComparison.Ordinal) == true)
                {
                    // A template FileSync does not evaluate would name a folder after itself: the Dockerfile's default instead, said.
                    _templates.Add(At("buildArgs:" + name, value));
                    args[name] = null;
                }
            }
        }

        return args;
    }

    private IEnumerable<Glob> ReadInfer(YamlSequenceNode patterns, string path)
    {
        for (int i = 0; i < patterns.Children.Count; i++)
        {
            YamlNode node = patterns.Children[i];
            string pattern = (node as YamlScalarNode ?? throw fields.WrongType(node, $"{path}[{i}]", "a string")).Value ?? "";
            yield return Glob.TryParse(pattern, out Glob? glob, out int at)
                ? glob
                : throw new FileSyncException(fields.At(node, (file, line, column) => Diag.InferPatternInvalid(file, line, column, pattern, at + 1)));
        }
    }

    private IEnumerable<ManualRule> ReadManual(YamlMappingNode sync, string path)
    {
        if (fields.Sequence(sync, "manual", path) is not { } manual)
        {
            yield break;
        }

        for (int i = 0; i < manual.Children.Count; i++)
        {
            string at = $"{path}[{i}]";
            YamlMappingNode rule = fields.AsMapping(manual.Children[i], at);
            string src = Required(rule, "src", at);
            string dest = Required(rule, "dest", at);
            string? strip = fields.Scalar(rule, "strip", at + ".strip");
            string origin = $"{Path.GetFileName(fields.File)}:{YamlFields.Line(rule)} src '{src}'";
            yield return Located(rule, () => new ManualRule(Glob.Parse(src, origin), SyncRule.Create(origin, dest, strip) with { Origin = origin }));
        }
    }

    /// <summary>A rule's own errors (FSYNC7001 pattern, FSYNC1002/1003 dest and strip) at the rule's line and column.</summary>
    private ManualRule Located(YamlMappingNode rule, Func<ManualRule> read)
    {
        try
        {
            return read();
        }
        catch (FileSyncException e)
        {
            throw new FileSyncException(e.Diagnostic with { File = fields.File, Line = YamlFields.Line(rule), Column = YamlFields.Column(rule) }, e);
        }
    }

    private string Required(YamlMappingNode rule, string key, string path) =>
        fields.Scalar(rule, key, $"{path}.{key}") is { Length: > 0 } value
            ? value
            : throw new FileSyncException(fields.At(rule, (file, line, column) => Diag.ConfigFieldMissing(file, line, column, $"{path}.{key}")));

    private static UnsupportedField At(string name, YamlNode node) => new(name, YamlFields.Line(node), YamlFields.Column(node));
}
