using FileSync.Rules;

namespace FileSync.Skaffold;

/// <summary>
/// One <c>build.artifacts</c> entry of a skaffold.yaml, as far as sync goes: its image, its context (a full path),
/// its <c>sync.manual</c> rules, and the warnings for what it asks that FileSync does not do the Skaffold way.
/// </summary>
internal sealed record SkaffoldArtifact(string Image, string Context, IReadOnlyList<ManualRule> Rules, IReadOnlyList<UnsupportedField> Unsupported)
{
    /// <summary>Images this artifact's <c>requires</c> names (Skaffold ignores the sync rules of a required artifact).</summary>
    public IReadOnlyList<string> Requires { get; init; } = [];

    /// <summary>The Dockerfile (a full path): <c>docker.dockerfile</c> (or kaniko's, or a custom builder's dependency), relative to the context; <c>Dockerfile</c> by default.</summary>
    public string Dockerfile { get; init; } = "";

    /// <summary>The builder's <c>buildArgs</c>, env templates evaluated; null: the Dockerfile's default.</summary>
    public IReadOnlyDictionary<string, string?> BuildArgs { get; init; } = new Dictionary<string, string?>();

    /// <summary>The <c>sync.infer</c> patterns FileSync acts on (none when Skaffold would not infer: manual rules present, or no Dockerfile).</summary>
    public IReadOnlyList<Glob> Infer { get; init; } = [];
    /// <summary>Its <c>sync.hooks</c>: commands run before and after each sync that copies or deletes something.</summary>
    public SyncHooks Hooks { get; init; } = SyncHooks.None;
}

/// <summary>A <c>sync.manual</c> rule: its <c>src</c> glob (Skaffold's matcher), its mapping, and where it was written.</summary>
internal sealed record ManualRule(Glob Src, SyncRule Rule)
{
    /// <summary>Whether the file at <paramref name="relativePath"/> ('/'-separated, below the context) is this rule's.</summary>
    public bool IsMatch(string relativePath) => Src.IsMatch(relativePath);
}

/// <summary>A field of the artifact FileSync does not act on as Skaffold does ("sync.auto", "sync.infer", or a builder's name), warned when the artifact is chosen.</summary>
internal sealed record UnsupportedField(string Name, int Line, int Column);
