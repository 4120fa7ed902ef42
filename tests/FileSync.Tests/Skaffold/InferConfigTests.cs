using FileSync.Diagnostics;
using FileSync.Skaffold;
using FileSync.Tests.Core;

namespace FileSync.Tests.Skaffold;

/// <summary>What an artifact's sync.infer reads from the skaffold.yaml: the Dockerfile, build args, patterns, and when Skaffold would not infer.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InferConfigTests
{
    private const string Header = "apiVersion: skaffold/v4beta11\nkind: Config\nbuild:\n  artifacts:\n";

    [Fact]
    public void Docker_dockerfile_and_build_args_are_read_relative_to_the_context_with_env_templates()
    {
        using var folder = new TempFolder();
        Environment.SetEnvironmentVariable("FILESYNC_INFER_TEST", "from-env");
        string config = folder.Write("skaffold.yaml", Header + "  - image: app\n    context: ctx\n    docker:\n      dockerfile: build/Dockerfile.dev\n      buildArgs:\n        A: '{{.FILESYNC_INFER_TEST}}-x'\n        B: null\n        C: plain\n    sync:\n      infer: ['**/*.html', 'conf/*']\n");
        folder.Folder("ctx");

        SkaffoldArtifact artifact = SkaffoldConfig.Select(SkaffoldConfig.Load(config, null, new RecordingLog()), null, config, new RecordingLog());

        Assert.Equal(folder.Combine("ctx/build/Dockerfile.dev"), artifact.Dockerfile);
        Assert.Equal(new Dictionary<string, string?> { ["A"] = "from-env-x", ["B"] = null, ["C"] = "plain" }, artifact.BuildArgs);
        Assert.Equal(["**/*.html", "conf/*"], artifact.Infer.Select(glob => glob.Pattern));
    }

    [Fact]
    public void A_build_arg_template_FileSync_cannot_evaluate_is_FSYNC8080_at_its_line_and_the_Dockerfile_default_applies()
    {
        // adv9: '{{default "/app" .X}}' was passed on as written, so COPYs below 'WORKDIR $BASE' went to a folder named after the template.
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", Header + "  - image: app\n    docker:\n      buildArgs:\n        BASE: '{{default \"/app\" .FILESYNC_NOT_SET}}'\n        OK: '{{.FILESYNC_NOT_SET}}'\n    sync:\n      infer: ['*']\n");
        var log = new RecordingLog();

        SkaffoldArtifact artifact = SkaffoldConfig.Select(SkaffoldConfig.Load(config, null, log), null, config, log);

        Assert.Equal(new Dictionary<string, string?> { ["BASE"] = null, ["OK"] = "" }, artifact.BuildArgs);
        Diagnostic warning = Assert.Single(log.Warnings);
        Assert.Equal(("FSYNC8080", config, 8), (warning.Code, warning.File, warning.Line));
        Assert.Contains("BASE", warning.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kaniko: {dockerfile: k.Dockerfile, buildArgs: {K: v}}", "k.Dockerfile", "K")]
    [InlineData("custom: {buildCommand: ./b.sh, dependencies: {dockerfile: {path: c.Dockerfile, buildArgs: {K: v}}}}", "c.Dockerfile", "K")]
    [InlineData("docker: {}", "Dockerfile", null)]
    public void Kaniko_and_custom_builders_infer_from_their_Dockerfile_as_Skaffold_does(string builder, string dockerfile, string? arg)
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", Header + $"  - image: app\n    {builder}\n    sync:\n      infer: ['*']\n");

        SkaffoldArtifact artifact = SkaffoldConfig.Select(SkaffoldConfig.Load(config, null, new RecordingLog()), null, config, new RecordingLog());

        Assert.Equal((folder.Combine(dockerfile), 1), (artifact.Dockerfile, artifact.Infer.Count));
        Assert.Equal(arg is null ? [] : [arg], artifact.BuildArgs.Keys);
    }

    [Theory]
    [InlineData("    sync:\n      manual: [{src: a, dest: .}]\n      infer: ['*']\n", "FSYNC8024", 8)]
    [InlineData("    jib: {}\n    sync:\n      infer: ['*']\n", "FSYNC8026", 8)]
    [InlineData("    custom: {buildCommand: b.sh}\n    sync:\n      infer: ['*']\n", "FSYNC8026", 8)]
    public void When_Skaffold_would_not_infer_nothing_is_inferred_and_it_is_warned_at_the_infer_line(string artifactText, string code, int line)
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", Header + "  - image: app\n" + artifactText);
        var log = new RecordingLog();

        SkaffoldArtifact artifact = SkaffoldConfig.Select(SkaffoldConfig.Load(config, null, log), null, config, log);

        Assert.Empty(artifact.Infer);
        Assert.Contains(log.Warnings, warning => warning.Code == code && warning.Line == line && warning.File == config);
    }

    [Fact]
    public void A_malformed_infer_pattern_is_FSYNC8029_at_its_line_and_column()
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", Header + "  - image: app\n    sync:\n      infer:\n      - 'ok/*'\n      - 'bad[a'\n");

        var error = Assert.Throws<FileSyncException>(() => SkaffoldConfig.Load(config, null, new RecordingLog()));

        Assert.Equal(("FSYNC8029", config, 9, 9), (error.Diagnostic.Code, error.Diagnostic.File, error.Diagnostic.Line, error.Diagnostic.Column));
    }
}
