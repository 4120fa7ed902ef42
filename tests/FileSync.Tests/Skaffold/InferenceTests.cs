using FileSync.Diagnostics;
using FileSync.Planning;
using FileSync.Rules;
using FileSync.Skaffold;
using FileSync.Tests.Core;

namespace FileSync.Tests.Skaffold;

/// <summary>sync.infer: Skaffold's inference tables (SkaffoldInferCases), Docker's variable scoping, and coded errors with the Dockerfile's line.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class InferenceTests
{
    [Theory]
    [MemberData(nameof(SkaffoldInferCases.SyncMap), MemberType = typeof(SkaffoldInferCases))]
    public void Skaffolds_sync_map_cases(string sentence, string dockerfile, string workspace, string ignore, string ignoreFile, string[] buildArgs, string[] expected)
    {
        using var folder = new TempFolder();
        foreach (string file in SkaffoldInferCases.SyncMapFiles)
        {
            folder.Write(file, "");
        }

        string context = Path.GetFullPath(folder.Combine(workspace));
        folder.Write(Path.Combine(workspace, "Dockerfile"), dockerfile);
        if (ignore.Length > 0)
        {
            folder.Write(Path.Combine(workspace, ignoreFile.Length > 0 ? ignoreFile : ".dockerignore"), ignore);
        }

        var args = buildArgs.Select(arg => arg.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : null);

        Assert.True(SkaffoldInferCases.Parse(expected).SequenceEqual(Map(context, args)), $"{sentence}: {string.Join("; ", Map(context, args))}");
    }

    [Theory]
    [MemberData(nameof(SkaffoldInferCases.Overwrite), MemberType = typeof(SkaffoldInferCases))]
    public void Skaffolds_deterministic_overwrite_cases(string sentence, string dockerfile, string[] expected)
    {
        using var folder = new TempFolder();
        foreach (string file in SkaffoldInferCases.OverwriteFiles)
        {
            folder.Write(file, "");
        }

        folder.Write(".dockerignore", SkaffoldInferCases.OverwriteIgnore);
        folder.Write("Dockerfile", dockerfile);

        // Skaffold's fake base image has no WORKDIR ("/"): FileSyncWorkingDirectory=/ says the same.
        Assert.True(SkaffoldInferCases.Parse(expected).SequenceEqual(Map(folder.Path, new Dictionary<string, string?>(), "/")), $"{sentence}: {string.Join("; ", Map(folder.Path, new Dictionary<string, string?>(), "/"))}");
    }

    public static TheoryData<string, string, string[]> DockerSemantics => new()
    {
        // sentence, Dockerfile, expected ("source -> destination"; a relative destination is joined to '/' here)
        { "a relative destination before any WORKDIR stays relative (the base image is not read)", "FROM mcr.microsoft.com/dotnet/aspnet:8.0\nCOPY a.txt conf/\n", ["a.txt -> conf/a.txt"] },
        { "a relative WORKDIR before any absolute one stays relative too", "FROM x\nWORKDIR app\nCOPY a.txt .\n", ["a.txt -> app/a.txt"] },
        { "a stage FROM an earlier stage keeps that stage's WORKDIR and ENV", "FROM x AS base\nWORKDIR /srv\nENV D=web\nFROM y AS other\nWORKDIR /other\nFROM base\nCOPY a.txt $D/\n", ["a.txt -> /srv/web/a.txt"] },
        { "ENV of an earlier unrelated stage is not seen", "FROM x\nENV D=web\nFROM y\nCOPY a.txt /${D:-none}/\n", ["a.txt -> /none/a.txt"] },
        { "a global ARG is seen only when the stage redeclares it", "ARG D=web\nFROM x\nARG D\nCOPY a.txt /$D/\n", ["a.txt -> /web/a.txt"] },
        { "a global ARG expands in FROM to name a stage", "ARG BASE=builder\nFROM x AS builder\nWORKDIR /b\nFROM $BASE\nCOPY a.txt .\n", ["a.txt -> /b/a.txt"] },
        { "ENV beats ARG of the same name", "FROM x\nARG D=arg\nENV D=env\nCOPY a.txt /$D/\n", ["a.txt -> /env/a.txt"] },
        { "quotes and ${x:+word}", "FROM x\nENV D=\"my dir\"\nCOPY a.txt \"/$D/\" \n", ["a.txt -> /my dir/a.txt"] },
        { "the JSON form", "FROM x\nCOPY [\"a.txt\", \"/j/\"]\n", ["a.txt -> /j/a.txt"] },
        { "flags other than --from are not sources", "FROM x\nCOPY --chown=1000:1000 --chmod=644 a.txt /f/\n", ["a.txt -> /f/a.txt"] },
        { "continuations, comment lines inside them, and a here-document body are skipped", "FROM x\nRUN <<EOF\nCOPY a.txt /wrong/\nEOF\nCOPY \\\n# a comment\n  a.txt \\\n  /c/\n", ["a.txt -> /c/a.txt"] },
        { "# escape=` continues lines with a backtick; a backslash is then a plain character", "# escape=`\nFROM x\nCOPY a.txt `\n  /back\\slash/\n", ["a.txt -> /back\\slash/a.txt"] },
        { "adv9: ${X#pattern} and ${X##pattern} trim a prefix (BuildKit's shell lexer)", "FROM x\nENV D=/srv/a.b.c\nCOPY a.txt /${D#/}/${D##*/}/${D#*.}/\n", ["a.txt -> /srv/a.b.c/a.b.c/b.c/a.txt"] },
        { "adv9: ${X%pattern} and ${X%%pattern} trim a suffix", "FROM x\nENV D=/srv/a.b.c\nCOPY a.txt ${D%.*}/${D%%.*}/\n", ["a.txt -> /srv/a.b/srv/a/a.txt"] },
        { "adv9: ${X/pattern/word} and ${X//pattern/word} replace", "FROM x\nARG V=1.2.3\nCOPY a.txt /v${V/./_}/w${V//./_}/\n", ["a.txt -> /v1_2.3/w1_2_3/a.txt"] },
        { "adv9: an escaped star in a pattern is a star", "FROM x\nENV D=a*b*c\nCOPY a.txt /${D#a\\*}/\n", ["a.txt -> /b*c/a.txt"] },
        { "a COPY source outside the context is left out", "FROM x\nCOPY ../a.txt a.txt /d/\n", ["a.txt -> /d/a.txt"] },
        { "an absolute source is relative to the context", "FROM x\nCOPY /a.txt /d/\n", ["a.txt -> /d/a.txt"] },
        { "a glob in a folder", "FROM x\nCOPY sub/*.txt /d/\n", ["sub/b.txt -> /d/b.txt"] },
        { "Visual Studio's Dockerfile: the final stage copies only --from=publish, so nothing is inferred", "FROM mcr.microsoft.com/dotnet/aspnet:8.0 AS base\nUSER $APP_UID\nWORKDIR /app\nEXPOSE 8080\n\nFROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nARG BUILD_CONFIGURATION=Release\nWORKDIR /src\nCOPY [\"sub/b.txt\", \"WebApp/\"]\nCOPY . .\nWORKDIR \"/src/WebApp\"\nRUN dotnet build \"./WebApp.csproj\" -c $BUILD_CONFIGURATION -o /app/build\n\nFROM build AS publish\nRUN dotnet publish -o /app/publish /p:UseAppHost=false\n\nFROM base AS final\nWORKDIR /app\nCOPY --from=publish /app/publish .\nENTRYPOINT [\"dotnet\", \"WebApp.dll\"]\n", [] },
        { "the same with static files copied into the final stage: below base's WORKDIR", "FROM mcr.microsoft.com/dotnet/aspnet:8.0 AS base\nWORKDIR /app\n\nFROM mcr.microsoft.com/dotnet/sdk:8.0 AS build\nWORKDIR /src\nCOPY . .\n\nFROM base AS final\nCOPY --from=build /src/out .\nCOPY sub/ ./wwwroot/\n", ["sub/b.txt -> /app/wwwroot/b.txt"] },
    };

    [Theory]
    [MemberData(nameof(DockerSemantics))]
    public void Variables_stages_and_syntax_as_docker_build_reads_them(string sentence, string dockerfile, string[] expected)
    {
        using var folder = new TempFolder();
        folder.Write("a.txt", "");
        folder.Write("sub/b.txt", "");
        folder.Write("Dockerfile", dockerfile);

        var map = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (SyncItem item in Items(folder.Path, new Dictionary<string, string?>()))
        {
            string destination = UnixPath.Join(item.Rule!.Dest, item.ItemSpec.StartsWith(item.Rule.Strip, StringComparison.Ordinal) ? item.ItemSpec[item.Rule.Strip.Length..] : item.ItemSpec);
            map[item.ItemSpec] = destination;
        }

        Assert.True(SkaffoldInferCases.Parse(expected).SequenceEqual(map), $"{sentence}: {string.Join("; ", map)}");
    }

    [Theory]
    [InlineData("FROM x\nBAR foo\n", 2)]
    [InlineData("FROM x\nCOPY a.txt\n", 2)]
    [InlineData("FROM x\n\nCOPY a.txt /${NOPE:?must be set}/\n", 3)]
    [InlineData("FROM x\nCOPY 'a.txt /d/\n", 2)]
    [InlineData("FROM x\nENV A\n", 2)]
    [InlineData("FROM x\nCOPY a[.txt /d/\n", 2)]
    public void A_bad_Dockerfile_is_FSYNC8023_at_its_line(string dockerfile, int line)
    {
        using var folder = new TempFolder();
        folder.Write("a.txt", "");
        string path = folder.Write("Dockerfile", dockerfile);

        var error = Assert.Throws<FileSyncException>(() => Items(folder.Path, new Dictionary<string, string?>()).ToList());

        Assert.Equal(("FSYNC8023", path, line), (error.Diagnostic.Code, error.Diagnostic.File, error.Diagnostic.Line));
    }

    [Fact]
    public void A_Dockerfile_or_ignore_file_that_is_a_FIFO_is_never_opened()
    {
        using var folder = new TempFolder();
        Assert.Equal(0, Mkfifo(folder.Combine("Dockerfile"), 0x1A4));
        Assert.Equal(0, Mkfifo(folder.Combine(".dockerignore"), 0x1A4));

        Assert.Same(DockerIgnore.None.GetType(), DockerIgnore.ForBuild(folder.Path, folder.Combine("Dockerfile")).GetType());
        Assert.Empty(Items(folder.Path, new Dictionary<string, string?>()));
    }

    [Fact]
    public void A_missing_Dockerfile_is_FSYNC8021_naming_it()
    {
        using var folder = new TempFolder();

        var error = Assert.Throws<FileSyncException>(() => Items(folder.Path, new Dictionary<string, string?>()).ToList());

        Assert.Equal("FSYNC8021", error.Diagnostic.Code);
        Assert.Contains(Path.Combine(folder.Path, "Dockerfile"), error.Diagnostic.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_files_an_infer_pattern_matches_are_synced_and_each_names_its_pattern_and_line()
    {
        using var folder = new TempFolder();
        folder.Write("web/index.html", "");
        folder.Write("web/app.js", "");
        folder.Write("Program.cs", "");
        folder.Write("Dockerfile", "FROM x\nWORKDIR /app\nCOPY . .\nCOPY web/index.html /static/\n");

        string[] items = [.. Items(folder.Path, new Dictionary<string, string?>(), "**/*.html", "web/*.js").Select(item => $"{item.ItemSpec} -> {item.Rule!.MapDestination(item.ItemSpec, "/")} [{item.Rule.Describe()}]").Order(StringComparer.Ordinal)];

        Assert.Equal(
            [
                "web/app.js -> /app/web/app.js [infer 'web/*.js' from Dockerfile:3]",
                "web/index.html -> /app/web/index.html [infer '**/*.html' from Dockerfile:3]",
                "web/index.html -> /static/index.html [infer '**/*.html' from Dockerfile:4]",
            ],
            items);
    }

    [Fact]
    public void A_file_below_an_excluded_build_folder_is_never_inferred_even_when_copied_by_name()
    {
        using var folder = new TempFolder();
        folder.Write("obj/project.assets.json", "{}");
        folder.Write("bin/app.dll", "");
        folder.Write("a.txt", "");
        folder.Write("Dockerfile", "FROM x\nCOPY obj/project.assets.json bin/app.dll a.txt /d/\nCOPY obj /o/\nCOPY . /all/\n");
        var artifact = new SkaffoldArtifact("app", folder.Path, [], [])
        {
            Dockerfile = folder.Combine("Dockerfile"),
            Infer = [Glob.Parse("**")],
        };
        var walker = new ContextWalker(artifact, [folder.Combine("obj"), folder.Combine("bin")]);

        string[] items = [.. new InferredMap(folder.Combine("skaffold.yaml"), artifact, walker, DockerIgnore.None, new RecordingLog()).Items().Select(item => item.ItemSpec).Distinct().Order(StringComparer.Ordinal)];

        Assert.Equal(["Dockerfile", "a.txt"], items);
    }

    [Fact]
    public void A_local_archive_ADD_extracts_is_not_synced_as_a_file_and_is_warned()
    {
        using var folder = new TempFolder();
        var tar = new MemoryStream();
        using (var writer = new System.Formats.Tar.TarWriter(tar, leaveOpen: true))
        {
            writer.WriteEntry(new System.Formats.Tar.UstarTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "inside.txt") { DataStream = new MemoryStream("x"u8.ToArray()) });
        }

        folder.Write("app.tar", tar.ToArray());
        var gz = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(gz, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(tar.ToArray());
        }

        folder.Write("app.tgz", gz.ToArray());
        folder.Write("notes.txt.gz", CompressedText());
        folder.Write("a.txt", "");
        Assert.Equal(0, Mkfifo(folder.Combine("pipe"), 0x1A4)); // never opened: it would block
        folder.Write("Dockerfile", "FROM x\nADD app.tar app.tgz notes.txt.gz a.txt pipe /opt/\nCOPY app.tar /copied/\n");
        var log = new RecordingLog();
        var artifact = new SkaffoldArtifact("app", folder.Path, [], []) { Dockerfile = folder.Combine("Dockerfile"), Infer = [Glob.Parse("**")] };

        string[] items = [.. new InferredMap(folder.Combine("skaffold.yaml"), artifact, new ContextWalker(artifact, []), DockerIgnore.None, log).Items().Select(item => $"{item.ItemSpec} -> {item.Rule!.MapDestination(item.ItemSpec, "/")}").Order(StringComparer.Ordinal)];

        Assert.Equal(["a.txt -> /opt/a.txt", "app.tar -> /copied/app.tar", "notes.txt.gz -> /opt/notes.txt.gz", "pipe -> /opt/pipe"], items);
        Assert.Equal([("FSYNC8030", 2), ("FSYNC8030", 2)], log.Warnings.Select(warning => (warning.Code, warning.Line)));
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int Mkfifo(string path, int mode);

    private static byte[] CompressedText()
    {
        var stream = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(stream, System.IO.Compression.CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(new byte[600]);
        }

        return stream.ToArray();
    }

    private static SortedDictionary<string, string> Map(string context, IReadOnlyDictionary<string, string?> buildArgs, string? workingDirectory = null)
    {
        var map = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (SyncItem item in ItemsAt(context, buildArgs, workingDirectory))
        {
            (map.TryGetValue(item.ItemSpec, out List<string>? destinations) ? destinations : map[item.ItemSpec] = []).Add(item.Rule!.MapDestination(item.ItemSpec, "/"));
        }

        return new SortedDictionary<string, string>(map.ToDictionary(pair => pair.Key, pair => string.Join(", ", pair.Value.Order(StringComparer.Ordinal))), StringComparer.Ordinal);
    }

    private static IEnumerable<SyncItem> Items(string context, IReadOnlyDictionary<string, string?> buildArgs, params string[] patterns) => ItemsAt(context, buildArgs, null, patterns);

    private static IEnumerable<SyncItem> ItemsAt(string context, IReadOnlyDictionary<string, string?> buildArgs, string? workingDirectory, params string[] patterns)
    {
        var artifact = new SkaffoldArtifact("app", context, [], [])
        {
            Dockerfile = Path.Combine(context, "Dockerfile"),
            BuildArgs = buildArgs,
            Infer = [.. (patterns.Length == 0 ? ["**"] : patterns).Select(pattern => Glob.Parse(pattern))],
        };
        DockerIgnore ignore = DockerIgnore.ForBuild(context, artifact.Dockerfile);
        return new InferredMap(Path.Combine(context, "skaffold.yaml"), artifact, new ContextWalker(artifact, [], ignore), ignore, new RecordingLog(), workingDirectory).Items();
    }
}
