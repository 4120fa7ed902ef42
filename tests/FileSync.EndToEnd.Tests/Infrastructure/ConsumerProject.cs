using System.Collections;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;

namespace FileSync.EndToEnd.Tests.Infrastructure;

/// <summary>
/// A project that uses the packed FileSync the way a user does: a temporary folder with a NuGet.config whose only
/// source is the local package folder, a net10.0 classlib with a PackageReference to FileSync, FileSyncRule items,
/// properties and files. Builds run <c>dotnet build</c> as a child process. Dispose deletes the folder.
/// </summary>
internal sealed class ConsumerProject : IDisposable
{
    private static readonly TimeSpan BuildTimeout = TimeSpan.FromMinutes(4);

    private readonly PackageFixture _package;
    private readonly List<(string Include, string? Dest, string? Strip)> _rules = [];
    private readonly SortedDictionary<string, string> _properties = new(StringComparer.Ordinal);
    private readonly List<XElement> _elements = [];
    private string? _writtenProject;
    private bool _restored;

    /// <param name="subfolder">
    /// Where the project file goes below a fresh folder of its own (<see cref="Root"/>): e.g. "app", so that a sibling
    /// such as "../shared" can be part of a wider context. Null: the project is at the root.
    /// </param>
    public ConsumerProject(PackageFixture package, string name, string? subfolder = null)
    {
        _package = package;
        Root = System.IO.Directory.CreateDirectory(Path.Combine(package.RunDirectory, name + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        Directory = subfolder is null ? Root : System.IO.Directory.CreateDirectory(Path.Combine(Root, subfolder)).FullName;
        ProjectPath = Path.Combine(Directory, "Consumer.csproj");

        // Offline and fast: the package folder is the only source; nothing above this folder is imported.
        new XDocument(
            new XElement("configuration",
                new XElement("packageSources", new XElement("clear"), new XElement("add", new XAttribute("key", "filesync"), new XAttribute("value", package.PackageDirectory))),
                new XElement("fallbackPackageFolders", new XElement("clear"))))
            .Save(Path.Combine(Directory, "NuGet.config"));
        foreach (string stop in (string[])["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props"])
        {
            File.WriteAllText(Path.Combine(Directory, stop), "<Project />\n");
        }
    }

    /// <summary>The folder this project owns (deleted on dispose): <see cref="Directory"/> or the folder above its subfolder.</summary>
    public string Root { get; }

    /// <summary>The project folder (FileSyncContextDirectory by default).</summary>
    public string Directory { get; }

    public string ProjectPath { get; }

    /// <summary>The project's SDK, e.g. Microsoft.NET.Sdk.Web for an ASP.NET Core app.</summary>
    public string Sdk { get; init; } = "Microsoft.NET.Sdk";

    /// <summary>The child environment for a build that exercises the after-build hook: CI turns it off by design.</summary>
    public static IReadOnlyDictionary<string, string?> WithoutCi { get; } = new Dictionary<string, string?>
    {
        ["CI"] = null,
        ["ContinuousIntegrationBuild"] = null,
    };

    /// <summary>Adds <c>&lt;FileSyncRule Include="..." Dest="..." Strip="..."/&gt;</c>; a null Dest leaves the metadata out.</summary>
    public ConsumerProject Rule(string include, string? dest, string? strip = null)
    {
        _rules.Add((include, dest, strip));
        return this;
    }

    public ConsumerProject Property(string name, string value)
    {
        _properties[name] = value;
        return this;
    }

    /// <summary>Adds any element to the project, after its properties and items (e.g. a consumer's own Target).</summary>
    public ConsumerProject Element(XElement element)
    {
        _elements.Add(element);
        return this;
    }

    /// <summary>The full path of a file of the project, from a '/'-separated relative path.</summary>
    public string PathOf(string relativePath) => Path.Combine(Directory, relativePath.Replace('/', Path.DirectorySeparatorChar));

    public string WriteFile(string relativePath, string content) => WriteFile(relativePath, new UTF8Encoding(false).GetBytes(content));

    public string WriteFile(string relativePath, byte[] content)
    {
        string path = PathOf(relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public void DeleteFile(string relativePath) => File.Delete(PathOf(relativePath));

    /// <summary><c>dotnet build -t:SyncToContainer</c> plus <paramref name="arguments"/>.</summary>
    public Task<ProcessResult> SyncAsync(params string[] arguments) => BuildAsync(["-t:SyncToContainer", .. arguments]);

    /// <summary><c>dotnet build -t:SyncToContainer</c> with <paramref name="environment"/> (e.g. a KUBECONFIG).</summary>
    public Task<ProcessResult> SyncAsync(IReadOnlyDictionary<string, string?> environment, params string[] arguments) => BuildAsync(["-t:SyncToContainer", .. arguments], environment);

    /// <summary>
    /// <c>dotnet build</c> with <paramref name="arguments"/>: restores on the first call, <c>--no-restore</c> after.
    /// <paramref name="environment"/> changes the child's environment (null value: removed), e.g. <see cref="WithoutCi"/>.
    /// </summary>
    /// <param name="uid">Runs the build as this user and group id (<c>setpriv</c>; the test runs as root) after a first
    /// build as root restored the project; the caller makes the files it needs that user's.</param>
    public async Task<ProcessResult> BuildAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string?>? environment = null, int? uid = null)
    {
        WriteProject();
        Assert.True(uid is null || _restored, "Build once as root first: a build as another user cannot restore into this run's packages folder.");
        var argv = new List<string>();
        if (uid is int id)
        {
            argv.AddRange([$"--reuid={id}", $"--regid={id}", "--clear-groups", PackageFixture.DotnetHost]);
        }

        argv.AddRange(["build", ProjectPath, "-nologo", "-nodeReuse:false", "-tl:off"]);
        if (_restored)
        {
            argv.Add("--no-restore");
        }

        argv.AddRange(arguments);
        var env = new Dictionary<string, string?>(ChildEnvironment(_package.PackagesFolder));
        foreach ((string name, string? value) in environment ?? new Dictionary<string, string?>())
        {
            env[name] = value;
        }

        ProcessResult result = await ChildProcess.RunAsync(uid is null ? PackageFixture.DotnetHost : "setpriv", argv, Directory, env, BuildTimeout, TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(result.ToString());
        if (!_restored && File.Exists(AssetsFile))
        {
            EnsureRestoredFromThisRun();
            _restored = true;
        }

        return result;
    }

    /// <summary>Restores (once), then starts <c>dotnet build -t:FileSyncWatch</c> plus <paramref name="arguments"/>, running.</summary>
    public Task<WatchProcess> StartWatchAsync(params string[] arguments) => StartBuildAsync(["-t:FileSyncWatch", .. arguments]);

    /// <summary>Restores (once), then starts <c>dotnet build</c> with <paramref name="arguments"/>, running.</summary>
    public async Task<WatchProcess> StartBuildAsync(params string[] arguments)
    {
        if (!_restored)
        {
            Assert.True((await BuildAsync(["-t:Restore"])).ExitCode == 0, "The restore failed.");
        }

        WriteProject();
        return WatchProcess.Start(
            PackageFixture.DotnetHost,
            ["build", ProjectPath, "-nologo", "-nodeReuse:false", "-tl:off", "--no-restore", .. arguments],
            Directory,
            ChildEnvironment(_package.PackagesFolder));
    }

    private string AssetsFile => Path.Combine(Directory, "obj", "project.assets.json");

    /// <summary>The restore used this run's packages folder only: never a FileSync of the same version from ~/.nuget/packages.</summary>
    private void EnsureRestoredFromThisRun()
    {
        using var assets = JsonDocument.Parse(File.ReadAllText(AssetsFile));
        string[] folders = assets.RootElement.GetProperty("packageFolders").EnumerateObject().Select(folder => Path.TrimEndingDirectorySeparator(folder.Name)).ToArray();
        Assert.Equal([Path.TrimEndingDirectorySeparator(_package.PackagesFolder)], folders);
    }

    /// <summary>
    /// The environment of every dotnet child: the test process's, without the MSBuild variables that dotnet test
    /// sets for its own build, with English messages and this run's packages folder.
    /// </summary>
    internal static Dictionary<string, string?> ChildEnvironment(string? packagesFolder)
    {
        var env = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            if (variable.Key is string name && name.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase))
            {
                env[name] = null;
            }
        }

        env["DOTNET_CLI_UI_LANGUAGE"] = "en";
        env["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        env["DOTNET_NOLOGO"] = "1";
        env["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";
        env["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        // No FileSync sync server left running after a test (an environment variable is a property MSBuild reads):
        // the server's own tests turn it on with -p:FileSyncServer=true and end every server they start.
        env["FileSyncServer"] = "false";
        // The engine's archive API, as a build that is not root gets it (most users): the tests written for it keep
        // testing it. DirectWriteTests turn the local-engine path on (-p:FileSyncDirectWrite=true) where they mean it.
        env["FileSyncDirectWrite"] = "false";
        if (packagesFolder is not null)
        {
            env["NUGET_PACKAGES"] = packagesFolder;
        }

        return env;
    }

    /// <summary>Writes the project file only when its text changes: a rewritten project would make MSBuild recompile.</summary>
    private void WriteProject()
    {
        var properties = new XElement("PropertyGroup",
            new XElement("TargetFramework", "net10.0"),
            new XElement("RestorePackagesPath", _package.PackagesFolder),
            // No compiler server left running after the test.
            new XElement("UseSharedCompilation", "false"));
        foreach ((string name, string value) in _properties)
        {
            properties.Add(new XElement(name, value));
        }

        var items = new XElement("ItemGroup", new XElement("PackageReference", new XAttribute("Include", "FileSync"), new XAttribute("Version", _package.Version)));
        foreach ((string include, string? dest, string? strip) in _rules)
        {
            var rule = new XElement("FileSyncRule", new XAttribute("Include", include));
            if (dest is not null)
            {
                rule.Add(new XAttribute("Dest", dest));
            }

            if (strip is not null)
            {
                rule.Add(new XAttribute("Strip", strip));
            }

            items.Add(rule);
        }

        string text = new XDocument(new XElement("Project", new XAttribute("Sdk", Sdk), properties, items, _elements)).ToString() + Environment.NewLine;
        if (text != _writtenProject)
        {
            File.WriteAllText(ProjectPath, text);
            _writtenProject = text;
        }
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Root))
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
    }
}
