namespace FileSync.Tests.Skaffold;

/// <summary>
/// Skaffold's own inference tables, converted: TestSyncMap and TestSyncMap_deterministicOverwrite
/// (pkg/skaffold/docker/syncmap_test.go at 359a940) with the Dockerfiles of dependencies_test.go. Each case: a
/// sentence, the Dockerfile, the context (below a folder holding Skaffold's files), the .dockerignore and its name,
/// build args ("NAME=value", or "NAME" for null), and the expected map "source -> destination[, destination]".
/// Left out, because FileSync never reads the base image: "onbuild test", "onbuild with dockerignore" (ONBUILD triggers
/// of the base image) and "base image not found" (no error: nothing is pulled); "bad read" is FSYNC8021 (a test of its
/// own). Different on purpose: "wildcards matches none" fails in Skaffold (it rebuilds); FileSync infers nothing from it.
/// </summary>
public static class SkaffoldInferCases
{
    /// <summary>The files every TestSyncMap case starts with (testutil Touch).</summary>
    public static readonly string[] SyncMapFiles = ["docker/nginx.conf", "docker/bar", "server.go", "test.conf", "worker.go", "bar", "file", ".dot"];

    /// <summary>The files of TestSyncMap_deterministicOverwrite, with its .dockerignore.</summary>
    public static readonly string[] OverwriteFiles = ["subfolder/bar", "baz", "foo", "bar", "ignored/bar"];

    public const string OverwriteIgnore = "Dockerfile\n.dockerignore\nignored/bar";

    private const string CopyServerGo = "\nFROM ubuntu:14.04\nCOPY server.go .\nCMD server.go\n";
    private const string AddNginx = "\nFROM nginx\nADD nginx.conf /etc/nginx\nCMD nginx\n";
    private const string MultiCopy = "\nFROM nginx\nADD test.conf /etc/test1\nCOPY test.conf /etc/test2\nCMD nginx\n";
    private const string Wildcards = "\nFROM nginx\nADD *.go /tmp/\n";
    private const string WildcardsMatchesNone = "\nFROM nginx\nADD *.none /tmp/\n";
    private const string OneWildcardMatchesNone = "\nFROM nginx\nADD *.go *.none /tmp/\n";
    private const string MultiStage1 = "\nFROM golang:1.9.2\nWORKDIR /go/src/github.com/r2d4/leeroy/\nCOPY worker.go .\nRUN go build -o worker .\n\nFROM gcr.io/distroless/base\nWORKDIR /root/\nCOPY --from=0 /go/src/github.com/r2d4/leeroy ./\n";
    private const string MultiStage2 = "\nFROM golang:1.9.2\nCOPY worker.go .\n\nFROM gcr.io/distroless/base\nADD server.go .\n";
    private const string EnvTest = "\nFROM busybox\nENV foo bar\nWORKDIR ${foo}   # WORKDIR /bar\nCOPY $foo /quux # COPY bar /quux\n";
    private const string MultiEnvTest = "\nFROM busybox\nENV baz=bar \\\n    foo=docker\nCOPY $foo/nginx.conf . # COPY docker/nginx.conf .\n";
    private const string CopyDirectory = "\nFROM nginx\nADD . /etc/\nCOPY ./file /etc/file\n";
    private const string MultiFileCopy = "\nFROM ubuntu:14.04\nCOPY server.go file ./\n";
    private const string RemoteFileAdd = "\nFROM ubuntu:14.04\nADD https://example.com/test /test\n";
    private const string ContextDockerfile = "\nFROM nginx\nADD nginx.conf /etc/nginx\nCOPY . /files\n";
    private const string CopyServerGoBuildArg = "\nFROM ubuntu:14.04\nARG FOO\nCOPY $FOO .\n";
    private const string CopyWorkerGoBuildArgSamePrefix = "\nFROM ubuntu:14.04\nARG FOO=server.go\nARG FOO2\nCOPY $FOO2 .\n";
    private const string CopyServerGoBuildArgCurlyBraces = "\nFROM ubuntu:14.04\nARG FOO\nCOPY ${FOO} .\n";
    private const string CopyServerGoBuildArgExtraWhitespace = "\nFROM ubuntu:14.04\nARG  FOO\nCOPY $FOO .\n";
    private const string CopyServerGoBuildArgDefaultValue = "\nFROM ubuntu:14.04\nARG FOO=server.go\nCOPY $FOO .\n";
    private const string CopyWorkerGoBuildArgRedefinedDefaultValue = "\nFROM ubuntu:14.04\nARG FOO=server.go\nARG FOO=worker.go\nCOPY $FOO .\n";
    private const string CopyServerGoBuildArgsAtTheTop = "\nFROM ubuntu:14.04\nARG FOO=server.go\nARG FOO2=ignored\nARG FOO3=ignored\nCOPY $FOO .\n";
    private const string FromStage = "\nFROM ubuntu:14.04 as base\nFROM base as dist\nFROM dist as prod\n";
    private const string FromStageIgnoreCase = "\nFROM ubuntu:14.04 as BASE\nFROM base as dist\nFROM DIST as prod\n";
    private const string CopyAll = "\nFROM nginx\nCOPY . /\n";
    private const string FromScratch = "\nFROM scratch\nADD ./file /etc/file\n";
    private const string FromScratchUppercase = "\nFROM SCRATCH\nADD ./file /etc/file\n";
    private const string FromImageCaseSensitive = "\nFROM jboss/wildfly:14.0.1.Final\nADD ./file /etc/file\n";

    public static TheoryData<string, string, string, string, string, string[], string[]> SyncMap => new()
    {
        // sentence, dockerfile, workspace, ignore, ignore file name, build args, expected
        { "copy dependency", CopyServerGo, ".", "", "", [], ["server.go -> /server.go"] },
        { "add dependency", AddNginx, "docker", "", "", [], ["nginx.conf -> /etc/nginx"] },
        { "copy subdirectory", "\nFROM ubuntu:14.04\nCOPY docker .\n", ".", "", "", [], ["docker/nginx.conf -> /nginx.conf", "docker/bar -> /bar"] },
        { "copy file after workdir", "\nFROM ubuntu:14.04\nWORKDIR /app\nCOPY server.go .\n", ".", "", "", [], ["server.go -> /app/server.go"] },
        { "copy file with absolute dest after workdir", "\nFROM ubuntu:14.04\nWORKDIR /app\nCOPY server.go /bar\n", ".", "", "", [], ["server.go -> /bar"] },
        { "two copy commands with same destination", "\nFROM ubuntu:14.04\nCOPY server.go .\nCOPY test.conf .\n", ".", "", "", [], ["server.go -> /server.go", "test.conf -> /test.conf"] },
        { "copy file with absolute dest dir after workdir", "\nFROM ubuntu:14.04\nWORKDIR /app\nCOPY server.go /bar/\n", ".", "", "", [], ["server.go -> /bar/server.go"] },
        { "wildcards", Wildcards, ".", "", "", [], ["server.go -> /tmp/server.go", "worker.go -> /tmp/worker.go"] },
        { "wildcards after workdir", "\nFROM nginx\nWORKDIR /app/\nADD *.go ./\n", ".", "", "", [], ["server.go -> /app/server.go", "worker.go -> /app/worker.go"] },
        { "wildcards matches none (Skaffold: an error, then a rebuild)", WildcardsMatchesNone, ".", "", "", [], [] },
        { "one wildcard matches none", OneWildcardMatchesNone, ".", "", "", [], ["server.go -> /tmp/server.go", "worker.go -> /tmp/worker.go"] },
        {
            "wildcard matches directory, flattens contents", "\nFROM nginx\nADD * /tmp/\n", ".", "", "", [],
            [".dot -> /tmp/.dot", "Dockerfile -> /tmp/Dockerfile", "docker/bar -> /tmp/bar", "docker/nginx.conf -> /tmp/nginx.conf", "file -> /tmp/file", "server.go -> /tmp/server.go", "test.conf -> /tmp/test.conf", "worker.go -> /tmp/worker.go"]
        },
        { "no dependencies on remote files", RemoteFileAdd, ".", "", "", [], [] },
        { "multistage dockerfile", MultiStage1, ".", "", "", [], [] },
        { "multistage dockerfile, only dependencies in the latest image are syncable", MultiStage2, ".", "", "", [], ["server.go -> /server.go"] },
        { "copy twice", MultiCopy, ".", "", "", [], ["test.conf -> /etc/test1, /etc/test2"] },
        { "env test", EnvTest, ".", "", "", [], ["bar -> /quux"] },
        { "workdir depends on env", "\nFROM busybox\nENV foo bar\nWORKDIR ${foo}\nCOPY server.go .\n", ".", "", "", [], ["server.go -> /bar/server.go"] },
        { "copy depends on env", "\nFROM busybox\nENV foo bar\nCOPY server.go ${foo}\n", ".", "", "", [], ["server.go -> /bar"] },
        { "multiple env test", MultiEnvTest, ".", "", "", [], ["docker/nginx.conf -> /nginx.conf"] },
        { "multi file copy", MultiFileCopy, ".", "", "", [], ["file -> /file", "server.go -> /server.go"] },
        {
            "dockerignore test", CopyDirectory, ".", "bar\ndocker/*", "", [],
            [".dockerignore -> /etc/.dockerignore", ".dot -> /etc/.dot", "Dockerfile -> /etc/Dockerfile", "file -> /etc/file", "server.go -> /etc/server.go", "test.conf -> /etc/test.conf", "worker.go -> /etc/worker.go"]
        },
        { "dockerignore dockerfile", CopyServerGo, ".", "Dockerfile", "", [], ["server.go -> /server.go"] },
        {
            "dockerignore with non canonical workspace", ContextDockerfile, "docker/../docker", "bar\ndocker/*", "", [],
            [".dockerignore -> /files/.dockerignore", "Dockerfile -> /files/Dockerfile", "nginx.conf -> /etc/nginx, /files/nginx.conf"]
        },
        {
            "ignore none", CopyAll, ".", "", "", [],
            [".dot -> /.dot", "Dockerfile -> /Dockerfile", "bar -> /bar", "docker/bar -> /docker/bar", "docker/nginx.conf -> /docker/nginx.conf", "file -> /file", "server.go -> /server.go", "test.conf -> /test.conf", "worker.go -> /worker.go"]
        },
        {
            "ignore dotfiles", CopyAll, ".", ".*", "", [],
            ["Dockerfile -> /Dockerfile", "bar -> /bar", "docker/bar -> /docker/bar", "docker/nginx.conf -> /docker/nginx.conf", "file -> /file", "server.go -> /server.go", "test.conf -> /test.conf", "worker.go -> /worker.go"]
        },
        {
            "ignore dotfiles (root syntax)", CopyAll, ".", "/.*", "", [],
            ["Dockerfile -> /Dockerfile", "bar -> /bar", "docker/bar -> /docker/bar", "docker/nginx.conf -> /docker/nginx.conf", "file -> /file", "server.go -> /server.go", "test.conf -> /test.conf", "worker.go -> /worker.go"]
        },
        {
            "dockerignore with context in parent directory", CopyDirectory, "docker/..", "bar\ndocker/*\n*.go", "", [],
            [".dockerignore -> /etc/.dockerignore", ".dot -> /etc/.dot", "Dockerfile -> /etc/Dockerfile", "file -> /etc/file", "test.conf -> /etc/test.conf"]
        },
        { "build args", CopyServerGoBuildArg, ".", "", "", ["FOO=server.go"], ["server.go -> /server.go"] },
        { "build args with same prefix", CopyWorkerGoBuildArgSamePrefix, ".", "", "", ["FOO2=worker.go"], ["worker.go -> /worker.go"] },
        { "build args with curly braces", CopyServerGoBuildArgCurlyBraces, ".", "", "", ["FOO=server.go"], ["server.go -> /server.go"] },
        { "build args with extra whitespace", CopyServerGoBuildArgExtraWhitespace, ".", "", "", ["FOO=server.go"], ["server.go -> /server.go"] },
        { "build args with default value", CopyServerGoBuildArgDefaultValue, ".", "", "", [], ["server.go -> /server.go"] },
        { "build args with redefined default value", CopyWorkerGoBuildArgRedefinedDefaultValue, ".", "", "", [], ["worker.go -> /worker.go"] },
        { "build args all defined a the top", CopyServerGoBuildArgsAtTheTop, ".", "", "", [], ["server.go -> /server.go"] },
        { "override default build arg", CopyServerGoBuildArgDefaultValue, ".", "", "", ["FOO=worker.go"], ["worker.go -> /worker.go"] },
        { "ignore build arg and use default arg value", CopyServerGoBuildArgDefaultValue, ".", "", "", ["FOO"], ["server.go -> /server.go"] },
        { "from base stage", FromStage, ".", "", "", [], [] },
        { "from base stage, ignoring case", FromStageIgnoreCase, ".", "", "", [], [] },
        { "from scratch", FromScratch, ".", "", "", [], ["file -> /etc/file"] },
        { "from scratch, ignoring case", FromScratchUppercase, ".", "", "", [], ["file -> /etc/file"] },
        { "case sensitive", FromImageCaseSensitive, ".", "", "", [], ["file -> /etc/file"] },
        {
            "find specific dockerignore", CopyDirectory, ".", "bar\ndocker/*", "Dockerfile.dockerignore", [],
            ["Dockerfile.dockerignore -> /etc/Dockerfile.dockerignore", ".dot -> /etc/.dot", "Dockerfile -> /etc/Dockerfile", "file -> /etc/file", "server.go -> /etc/server.go", "test.conf -> /etc/test.conf", "worker.go -> /etc/worker.go"]
        },
    };

    public static TheoryData<string, string, string[]> Overwrite => new()
    {
        { "simple overwrite", "\nFROM ubuntu:14.04\nADD subfolder/bar bar\nCOPY baz /bar\nADD bar .\nCOPY foo bar\n", ["foo -> /bar"] },
        { "explicit overwrite by `baz`", "\nFROM ubuntu:14.04\nCOPY subfolder .\nADD baz bar\n", ["baz -> /bar"] },
        { "implicit overwrite by subfolder `bar`", "\nFROM ubuntu:14.04\nADD baz bar\nCOPY subfolder .\n", ["subfolder/bar -> /bar"] },
        { "implicit overwrite by subfolder of implicitly added `bar`", "\nFROM ubuntu:14.04\nCOPY . .\nCOPY subfolder .\n", ["subfolder/bar -> /bar, /subfolder/bar", "baz -> /baz", "foo -> /foo"] },
        { "implicit overwrite by root folder of implicit subfolder file `bar`", "\nFROM ubuntu:14.04\nCOPY subfolder .\nCOPY . .\n", ["subfolder/bar -> /subfolder/bar", "bar -> /bar", "baz -> /baz", "foo -> /foo"] },
        { "implicit overwrite by glob flattening according to alphabetical ordering (later wins)", "\nFROM ubuntu:14.04\nADD * .\n", ["subfolder/bar -> /bar", "baz -> /baz", "foo -> /foo"] },
    };

    /// <summary>"source -> a, b" lines as a map, destinations sorted (Skaffold's tests sort them too).</summary>
    public static SortedDictionary<string, string> Parse(IEnumerable<string> expected) =>
        new(expected.Select(line => line.Split(" -> ")).ToDictionary(pair => pair[0], pair => string.Join(", ", pair[1].Split(", ").Order(StringComparer.Ordinal))), StringComparer.Ordinal);
}
