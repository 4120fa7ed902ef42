using FileSync.Diagnostics;
using FileSync.Skaffold;

namespace FileSync.Tests.Core;

/// <summary>Reading a skaffold.yaml: schema versions, documents, artifacts, profiles, coded errors with line and column, and warnings for what FileSync does not do as Skaffold.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SkaffoldConfigTests
{
    private const string Header = "apiVersion: skaffold/v4beta11\nkind: Config\n";

    public static TheoryData<string, string, string, int, int> Errors => new()
    {
        // sentence, file text, code, line, column
        { "malformed YAML (an unclosed flow sequence: found at the end of the file)", Header + "build:\n  artifacts: [\n", "FSYNC8002", 5, 1 },
        { "malformed YAML (a bad indentation)", Header + "build:\n  artifacts:\n  - image: a\n   context: b\n", "FSYNC8002", 6, 4 },
        { "a duplicate key", Header + "build:\n  artifacts: []\nbuild: {}\n", "FSYNC8002", 5, 1 },
        { "artifacts as a mapping", Header + "build:\n  artifacts:\n    image: a\n", "FSYNC8003", 5, 5 },
        { "sync.manual as a mapping", Header + "build:\n  artifacts:\n  - image: a\n    sync:\n      manual:\n        src: x\n", "FSYNC8003", 8, 9 },
        { "src as a list", Header + "build:\n  artifacts:\n  - image: a\n    sync:\n      manual:\n      - src: [a, b]\n        dest: .\n", "FSYNC8003", 8, 14 },
        { "a v1 schema", "apiVersion: skaffold/v1beta13\nbuild: {}\n", "FSYNC8004", 1, 13 },
        { "no apiVersion", "build: {}\n", "FSYNC8004", 1, 1 },
        { "a rule without dest", Header + "build:\n  artifacts:\n  - image: a\n    sync:\n      manual:\n      - src: '*.txt'\n", "FSYNC8005", 8, 9 },
        { "an artifact without image", Header + "build:\n  artifacts:\n  - context: .\n", "FSYNC8005", 5, 5 },
        { "a patch path that does not exist", Header + "build:\n  artifacts:\n  - image: a\nprofiles:\n- name: p\n  patches:\n  - op: replace\n    path: /build/artifacts/3/image\n    value: b\n", "FSYNC8012", 9, 5 },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public void A_bad_file_is_a_coded_error_with_line_and_column(string sentence, string text, string code, int line, int column)
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", text);

        var error = Assert.Throws<FileSyncException>(() => SkaffoldConfig.Load(config, Profile(text), new RecordingLog()));

        Assert.True((code, config, line, column) == (error.Diagnostic.Code, error.Diagnostic.File, error.Diagnostic.Line, error.Diagnostic.Column), $"{sentence}: {error.Diagnostic}");
        Assert.Contains($"line {line}, column {column}", error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Yaml_the_parser_gives_up_on_without_a_place_is_FSYNC8020_not_an_exception()
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", Header + "build:\n  artifacts:\n  - image: frontend\n    sync:\n      manual:\n      - src: [a\n        dest: x\n");

        var error = Assert.Throws<FileSyncException>(() => SkaffoldConfig.Load(config, null, new RecordingLog()));

        Assert.Equal(("FSYNC8020", config), (error.Diagnostic.Code, error.Diagnostic.File));
    }

    [Fact]
    public void Unknown_fields_are_ignored_and_every_document_adds_its_artifacts()
    {
        using var folder = new TempFolder();
        folder.Folder("api");
        folder.Folder("web/src");
        string config = folder.Write("skaffold.yaml", Header + "metadata: {name: one}\nsomethingNew: {x: 1}\nbuild:\n  tagPolicy: {sha256: {}}\n  artifacts:\n  - image: api\n    context: api\n    docker: {dockerfile: Dockerfile}\n"
            + "---\n" + Header + "build:\n  artifacts:\n  - image: web\n    context: web\n    unknown: [1]\n    sync:\n      manual:\n      - {src: 'src/**', dest: /srv, strip: src/}\n---\n");
        var log = new RecordingLog();

        IReadOnlyList<SkaffoldArtifact> artifacts = SkaffoldConfig.Load(config, null, log);
        SkaffoldArtifact web = SkaffoldConfig.Select(artifacts, "web", config, log);

        Assert.Equal(["api", "web"], artifacts.Select(artifact => artifact.Image));
        Assert.Equal((folder.Combine("web"), "/srv", "src/"), (web.Context, Assert.Single(web.Rules).Rule.Dest, web.Rules[0].Rule.Strip));
        Assert.Empty(log.Warnings);
    }

    [Fact]
    public void Anchors_and_merge_keys_work_as_in_Skaffold()
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", Header
            + "build:\n  artifacts:\n  - &base\n    image: api\n    sync:\n      manual: &rules\n      - {src: '*.txt', dest: /base}\n  - <<: *base\n    image: web\n  - image: job\n    sync: {manual: *rules}\n");

        IReadOnlyList<SkaffoldArtifact> artifacts = SkaffoldConfig.Load(config, null, new RecordingLog());

        Assert.Equal([("api", 1), ("web", 1), ("job", 1)], artifacts.Select(artifact => (artifact.Image, artifact.Rules.Count)));
    }

    [Fact]
    public void Several_artifacts_need_FileSyncArtifact_and_it_must_name_one()
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", Header + "build:\n  artifacts:\n  - image: api\n  - image: web\n");
        IReadOnlyList<SkaffoldArtifact> artifacts = SkaffoldConfig.Load(config, null, new RecordingLog());

        var none = Assert.Throws<FileSyncException>(() => SkaffoldConfig.Select(artifacts, null, config, new RecordingLog()));
        var wrong = Assert.Throws<FileSyncException>(() => SkaffoldConfig.Select(artifacts, "db", config, new RecordingLog()));

        Assert.Equal(("FSYNC8006", "FSYNC8007"), (none.Diagnostic.Code, wrong.Diagnostic.Code));
        Assert.Contains("api, web", wrong.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_replaces_the_artifacts_then_applies_its_patches_in_order()
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", Header
            + "build:\n  artifacts:\n  - image: base\n    sync: {manual: [{src: '*.txt', dest: /base}]}\n"
            + "profiles:\n- name: dev\n  build:\n    artifacts:\n    - image: app\n      sync: {manual: [{src: '*.txt', dest: /one}, {src: '*.md', dest: /two}]}\n"
            + "  patches:\n  - path: /build/artifacts/0/sync/manual/0/dest\n    value: /patched\n  - op: remove\n    path: /build/artifacts/0/sync/manual/1\n"
            + "  - op: add\n    path: /build/artifacts/0/sync/manual/-\n    value: {src: '*.json', dest: /added, strip: x}\n"
            + "- name: other\n  activation: [{env: DEV=1}]\n");
        var log = new RecordingLog();

        SkaffoldArtifact app = Assert.Single(SkaffoldConfig.Load(config, "dev", log));

        Assert.Equal("app", app.Image);
        Assert.Equal([("*.txt", "/patched"), ("*.json", "/added")], app.Rules.Select(rule => (rule.Src.Pattern, rule.Rule.Dest)));
        Assert.Equal(["FSYNC8017"], log.Warnings.Select(warning => warning.Code));
        Assert.Equal("FSYNC8008", Assert.Throws<FileSyncException>(() => SkaffoldConfig.Load(config, "dev,missing", new RecordingLog())).Diagnostic.Code);
    }

    [Fact]
    public void What_FileSync_does_not_do_as_Skaffold_is_warned_with_its_line()
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", Header + "requires:\n- path: ../other\nbuild:\n  artifacts:\n  - image: app\n    jib: {}\n"
            + "    sync:\n      auto: true\n      infer: ['**/*']\n      hooks: {after: [{container: {command: [sh]}}]}\n  - image: tool\n    requires: [{image: app, alias: APP}]\n");
        var log = new RecordingLog();

        SkaffoldConfig.Select(SkaffoldConfig.Load(config, null, log), "app", config, log);

        Assert.Equal([("FSYNC8016", 4), ("FSYNC8015", 8), ("FSYNC8010", 10), ("FSYNC8026", 11), ("FSYNC8018", 0)], log.Warnings.Select(warning => (warning.Code, warning.Line)));
        Assert.All(log.Warnings, warning => Assert.Equal(config, warning.File));
    }

    [Fact]
    public void A_missing_context_is_FSYNC8019()
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", Header + "build:\n  artifacts:\n  - image: app\n    context: nowhere\n");

        var error = Assert.Throws<FileSyncException>(() => SkaffoldConfig.Select(SkaffoldConfig.Load(config, null, new RecordingLog()), null, config, new RecordingLog()));

        Assert.Equal("FSYNC8019", error.Diagnostic.Code);
    }

    [Fact]
    public void A_context_that_is_no_path_at_all_is_FSYNC8019_not_an_exception()
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", Header + "build:\n  artifacts:\n  - image: app\n    context: \"a\\0b\"\n");

        var error = Assert.Throws<FileSyncException>(() => SkaffoldConfig.Select(SkaffoldConfig.Load(config, null, new RecordingLog()), null, config, new RecordingLog()));

        Assert.Equal("FSYNC8019", error.Diagnostic.Code);
    }

    [Fact]
    public void The_walk_enters_no_folder_link_and_no_excluded_folder()
    {
        using var folder = new TempFolder();
        string config = folder.Write("skaffold.yaml", Header + "build:\n  artifacts:\n  - image: app\n    sync: {manual: [{src: '**/*.txt', dest: /d}]}\n");
        folder.Write("a.txt", "a");
        folder.Write("real/b.txt", "b");
        folder.Write("obj/c.txt", "c");
        folder.Link("linked", "real");

        string[] mapped = SkaffoldManualRuleTests.Map(config, "/", new RecordingLog(), excluded: folder.Combine("obj"));

        Assert.Equal(["a.txt -> /d/a.txt", "real/b.txt -> /d/real/b.txt"], mapped);
    }

    private static string? Profile(string text) => text.Contains("profiles:", StringComparison.Ordinal) ? "p" : null;
}
