using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Xml.Linq;
using FileSync.Tests.Infrastructure;

namespace FileSync.EndToEnd.Tests.Infrastructure;

/// <summary>
/// One app per test class: <c>dotnet new webapp</c> (offline) referencing the packed FileSync with a wwwroot rule,
/// published -c Debug (a dev image), imaged by build/aspnet-image.sh --dev and run as a container (removed by id).
/// </summary>
public class AspNetAppFixture(PackageFixture package) : IAsyncLifetime
{
    /// <summary>The configuration the image is published from: Debug is a FileSync dev build.</summary>
    protected virtual string ImageConfiguration => "Debug";

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(4);
    private readonly HttpClient _http = new(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.None }) { Timeout = TimeSpan.FromSeconds(30) };
    private string _dir = "";
    private string _image = "";
    private string? _containerId;
    private int _port;

    public async ValueTask InitializeAsync()
    {
        CancellationToken ct = TestContext.Current.CancellationToken;
        string name = ContainerName = "filesync-e2e-aspnet-" + Guid.NewGuid().ToString("N")[..8];
        _image = "filesync-e2e-aspnet:" + name[^8..];
        _dir = Path.Combine(package.RunDirectory, name);
        await CreateAppAsync(_dir, name, ct);

        // A dev image, as the README's ASP.NET Core guide builds it.
        string published = Path.Combine(package.RunDirectory, name + "-publish");
        await RunAsync(PackageFixture.DotnetHost, ["publish", ProjectPath, "-c", ImageConfiguration, "-o", published, "-nologo", "-nodeReuse:false", "-tl:off"], _dir, ct);
        await RunAsync("bash", [Path.Combine(RepositoryRoot(), "build", "aspnet-image.sh"), "--app", published, "--dll", AppName + ".dll", "--image", _image, "--dev", .. ImageOptions], _dir, ct);

        _port = FreePort();
        string idFile = Path.Combine(package.RunDirectory, name + ".cid");
        var run = await DockerCli.RunAsync(["run", "-d", "--network", "host", "--name", name, "--label", "filesync.test=1", "--cidfile", idFile,
            "-e", $"ASPNETCORE_URLS=http://127.0.0.1:{_port}", _image], ct);
        _containerId = File.Exists(idFile) ? File.ReadAllText(idFile).Trim() : null;
        Assert.True(run.ExitCode == 0 && _containerId is { Length: 64 }, $"docker run exited with {run.ExitCode}: {run.StdErr}");
    }

    /// <summary>The app's name (its project file and assembly).</summary>
    protected virtual string AppName => "WebApp";

    /// <summary>More options for build/aspnet-image.sh.</summary>
    protected virtual IReadOnlyList<string> ImageOptions => [];

    private string ProjectPath => Path.Combine(_dir, AppName + ".csproj");

    /// <summary>The SDK's <c>webapp</c> template, plus the user's part: the package, one rule for wwwroot, the container's name.</summary>
    protected virtual async Task CreateAppAsync(string dir, string name, CancellationToken ct)
    {
        await RunAsync(PackageFixture.DotnetHost, ["new", "webapp", "-o", dir, "-n", "WebApp"], package.RunDirectory, ct);
        UsePackage(dir);
        string csproj = Path.Combine(dir, "WebApp.csproj");
        XDocument project = XDocument.Load(csproj);
        project.Root!.Add(
            new XElement("PropertyGroup",
                new XElement("RestorePackagesPath", package.PackagesFolder),
                new XElement("UseSharedCompilation", "false"),
                new XElement("FileSyncContainer", name)),
            new XElement("ItemGroup",
                new XElement("PackageReference", new XAttribute("Include", "FileSync"), new XAttribute("Version", package.Version)),
                new XElement("FileSyncRule", new XAttribute("Include", "wwwroot/**/*"), new XAttribute("Dest", "wwwroot"), new XAttribute("Strip", "wwwroot/"))));
        project.Save(csproj);
    }

    /// <summary>The packed FileSync as the one package source, and nothing imported from the folders above.</summary>
    protected void UsePackage(string dir)
    {
        new XDocument(new XElement("configuration",
                new XElement("packageSources", new XElement("clear"), new XElement("add", new XAttribute("key", "filesync"), new XAttribute("value", package.PackageDirectory))),
                new XElement("fallbackPackageFolders", new XElement("clear"))))
            .Save(Path.Combine(dir, "NuGet.config"));
        foreach (string stop in (string[])["Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props"])
        {
            File.WriteAllText(Path.Combine(dir, stop), "<Project />\n");
        }
    }

    protected PackageFixture Package => package;

    /// <summary>Runs a process that must succeed (its output in the failure message).</summary>
    protected static async Task RunAsync(string fileName, IReadOnlyList<string> argv, string directory, CancellationToken ct)
    {
        ProcessResult result = await ChildProcess.RunAsync(fileName, argv, directory, ConsumerProject.ChildEnvironment(null), Timeout, ct);
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    public string PathOf(string relativePath) => Path.Combine(_dir, relativePath);

    public void WriteFile(string relativePath, string content)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(PathOf(relativePath))!);
        File.WriteAllText(PathOf(relativePath), content);
    }

    public string ContainerName { get; private set; } = "";

    /// <summary>Another container of the app's image (<c>--network none</c>: it only receives files), removed by id.</summary>
    internal Task<CustomContainer> StartContainerAsync(IReadOnlyList<string> options) => CustomContainer.StartAsync(image: _image, options: options);

    internal Task<ProcessResult> SyncAsync(params string[] arguments) => BuildAsync(["-t:SyncToContainer", .. arguments], withoutCi: false);

    /// <summary><c>dotnet build</c> of the app; <paramref name="withoutCi"/>: CI unset, so the after-build sync runs as on a developer's machine.</summary>
    internal async Task<ProcessResult> BuildAsync(IReadOnlyList<string> arguments, bool withoutCi)
    {
        var env = ConsumerProject.ChildEnvironment(package.PackagesFolder);
        foreach ((string variable, string? value) in withoutCi ? ConsumerProject.WithoutCi : new Dictionary<string, string?>())
        {
            env[variable] = value;
        }

        ProcessResult result = await ChildProcess.RunAsync(PackageFixture.DotnetHost, ["build", ProjectPath, "--no-restore", "-nologo", "-nodeReuse:false", "-tl:off", .. arguments],
            _dir, env, Timeout, TestContext.Current.CancellationToken);
        TestContext.Current.TestOutputHelper?.WriteLine(result.ToString());
        return result;
    }

    /// <summary>The container's log (stdout and stderr).</summary>
    internal async Task<string> LogAsync(CancellationToken ct)
    {
        var logs = await DockerCli.RunAsync(["logs", _containerId!], ct);
        return logs.StdOut + logs.StdErr;
    }

    internal string ContainerId => _containerId!;

    /// <summary>Readiness: the app answers its home page (bounded; not a sleep standing in for it).</summary>
    public async Task ReadyAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using HttpResponseMessage response = await _http.GetAsync($"http://127.0.0.1:{_port}/", ct);
                if (response.IsSuccessStatusCode)
                {
                    return;
                }

                last = response.StatusCode.ToString();
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }

            await Task.Delay(100, ct);
        }

        var logs = await DockerCli.RunAsync(["logs", _containerId!], ct);
        Assert.Fail($"The app did not answer within 60 s ({last}); its log: {logs.StdOut}{logs.StdErr}");
    }

    /// <summary>GETs a path and decodes whatever Content-Encoding says, as a browser does.</summary>
    public async Task<string> GetAsync(string path, string? acceptEncoding, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{_port}{path}");
        if (acceptEncoding is not null)
        {
            request.Headers.TryAddWithoutValidation("Accept-Encoding", acceptEncoding);
        }

        using HttpResponseMessage response = await _http.SendAsync(request, ct);
        Assert.True(response.IsSuccessStatusCode, $"GET {path}: {(int)response.StatusCode}");
        byte[] body = await response.Content.ReadAsByteArrayAsync(ct);
        string encoding = string.Join(",", response.Content.Headers.ContentEncoding);
        using Stream decoded = encoding switch
        {
            "" => new MemoryStream(body),
            "gzip" => new GZipStream(new MemoryStream(body), CompressionMode.Decompress),
            "br" => new BrotliStream(new MemoryStream(body), CompressionMode.Decompress),
            _ => throw new InvalidOperationException($"GET {path}: unexpected Content-Encoding '{encoding}'"),
        };
        try
        {
            return await new StreamReader(decoded).ReadToEndAsync(ct);
        }
        catch (Exception e) when (e is InvalidDataException or InvalidOperationException)
        {
            return $"<not {encoding}: {e.Message}>";
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        if (_containerId is not null)
        {
            await DockerCli.RunAsync(["rm", "-f", "-v", _containerId]);
        }

        await DockerCli.RunAsync(["rmi", _image]);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    protected static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "build", "aspnet-image.sh")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("build/aspnet-image.sh not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>The same app, but its image published from Release (compression on) while the project syncs from a Debug
/// build and the container runs with the reload switch: the one thing the build and the environment cannot show.</summary>
public sealed class ReleaseImageFixture(PackageFixture package) : AspNetAppFixture(package)
{
    protected override string ImageConfiguration => "Release";
}
