// The warm one-change sync of a large context on the sync server, as `dotnet build -t:SyncToContainer` hands it over
// (the same request the SyncFiles task sends: every rule item with its Dest, Strip and Mode), without MSBuild around it.
// Makes a context of N files (default 100,000: 100 folders of 1,000 files of 64 bytes), starts a server of this
// checkout, syncs everything once, then per round rewrites one file (same size, new bytes) and syncs, and prints per
// round and as medians: the client's whole request (write, the server's sync, the answer), the server's own figure
// (from the request received to the result sent, and the server's CPU time for it: steadier on a shared machine), its
// scan, its plan and its summary line. Checks after each round
// that the changed file arrived (directory runtime: reads it back; Docker: the summary says "1 changed").
//
//   dotnet FileSync.Bench.Warm100k.dll run <container | dir:FOLDER> [rounds] [files]
//   dotnet FileSync.Bench.Warm100k.dll --socket PATH ...      (the server: started by the run above, as filesync-server)
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using FileSync.Diagnostics;
using FileSync.Jobs;
using FileSync.Server;

if (args.Length > 0 && args[0] == "--socket")
{
    return await Serve(args);
}

if (args.Length is < 2 or > 4 || args[0] != "run")
{
    Console.Error.WriteLine("usage: FileSync.Bench.Warm100k run <container | dir:FOLDER> [rounds] [files]");
    return 2;
}

string target = args[1];
int rounds = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 9;
int files = args.Length > 3 ? int.Parse(args[3], CultureInfo.InvariantCulture) : 100_000;
string root = Directory.CreateTempSubdirectory("filesync-warm100k-").FullName; // TMPDIR: on disk, not tmpfs (run.sh)
string project = Path.Combine(root, "proj");
Environment.SetEnvironmentVariable(ServerEndpoint.FolderVariable, Path.Combine(root, "srv"));
var endpoint = ServerEndpoint.ForThisVersion(Environment.GetEnvironmentVariable);
try
{
    long t0 = Stopwatch.GetTimestamp();
    List<string> specs = MakeTree(project, files);
    Console.Error.WriteLine($"made {specs.Count} files in {Stopwatch.GetElapsedTime(t0).TotalMilliseconds:0} ms under {project}");
    var metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["Dest"] = "/app/ctx", ["Strip"] = "ctx/", ["Mode"] = "" };
    bool directory = target.StartsWith("dir:", StringComparison.Ordinal);
    SyncRequest Request() => new()
    {
        Detailed = true,
        Rules = [.. specs.Select(spec => new RequestItem(spec, new Dictionary<string, string>(metadata, StringComparer.Ordinal)))],
        ContextDirectory = project,
        ProjectDirectory = project,
        StateDirectory = Path.Combine(project, "obj", "filesync") + "/",
        Runtime = directory ? "directory" : "docker",
        Container = directory ? null : target,
        Directory = directory ? target[4..] : null,
        StaticWebAssetsCompression = "false",
        StaticWebAssetsManifest = "proj.staticwebassets.endpoints.json",
        BaseDirectory = project,
        Environment = SyncRequest.CaptureEnvironment(),
    };

    var options = new ServerOptions(typeof(Lines).Assembly.Location, null, 10);
    var startLog = new Lines();
    if (new ServerClient(endpoint, options, startLog).TrySync(Request(), CancellationToken.None) is not null)
    {
        throw new InvalidOperationException("a server of this key was already running");
    }

    for (int i = 0; i < 300 && !File.Exists(endpoint.PidFile); i++)
    {
        Thread.Sleep(100); // the server starting in the background (a benchmark aid, not a test)
    }

    Sync("first sync (everything)", $"{files} changed", out _);
    Sync("no change (full scan: the journal's first)", "up to date", out _);
    int perFolder = Math.Max(1, files / 100);
    string changedSpec = specs[Math.Min(specs.Count - 1, 42 * perFolder + 42 % perFolder)]; // ctx/d42/f00042 of 100,000
    string changed = Path.Combine(project, changedSpec);
    var table = new Dictionary<string, List<double>>();
    Console.WriteLine("round  client  server  (cpu)  read  scan  plan  summary  scan+summary  (ms)");
    for (int round = 1; round <= rounds; round++)
    {
        File.WriteAllText(changed, $"round {round:000000} of the warm100k benchmark, same size each time....\n"[..64]);
        double client = Sync(null, "1 changed", out Lines log);
        if (directory && !File.ReadAllBytes(Path.Combine(target[4..], "app", "ctx", changedSpec[4..])).SequenceEqual(File.ReadAllBytes(changed)))
        {
            throw new InvalidOperationException($"round {round}: the target does not hold the changed file");
        }

        var row = new Dictionary<string, double>
        {
            ["client"] = client,
            ["server"] = log.Ms(@"sync server: request of \d+ rule item\(s\) read in \d+ ms, synced in (\d+) ms"),
            ["read"] = log.Ms(@"sync server: request of \d+ rule item\(s\) read in (\d+) ms"),
            ["cpu"] = log.Ms(@"sync server: .* \((\d+) ms of CPU\)"),
            ["scan"] = log.Ms(@"scanned in (\d+) ms"),
            ["plan"] = log.Ms(@"known files in (\d+) ms"),
            ["summary"] = log.Ms(@"FileSync: 1 changed.* in (\d+) ms"),
        };
        row["scan+summary"] = row["scan"] + row["summary"]; // build/bench.sh's figure (a server without the line above)
        foreach ((string name, double ms) in row)
        {
            (table.TryGetValue(name, out List<double>? list) ? list : table[name] = []).Add(ms);
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{round,5} {row["client"],7:0.0} {row["server"],7:0} {row["cpu"],6:0} {row["read"],5:0} {row["scan"],5:0} {row["plan"],5:0} {row["summary"],8:0} {row["scan+summary"],13:0}"));
        if (round == 1)
        {
            Console.Error.WriteLine(string.Join(Environment.NewLine, log.All.Select(line => "  | " + line)));
        }
    }

    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"median {Median(table["client"]),6:0.0} {Median(table["server"]),7:0} {Median(table["cpu"]),6:0} {Median(table["read"]),5:0} {Median(table["scan"]),5:0} {Median(table["plan"]),5:0} {Median(table["summary"]),8:0} {Median(table["scan+summary"]),13:0}"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"min    {table["client"].Min(),6:0.0} {Min(table["server"]),7:0} {Min(table["cpu"]),6:0} {Min(table["read"]),5:0} {Min(table["scan"]),5:0} {Min(table["plan"]),5:0} {Min(table["summary"]),8:0} {Min(table["scan+summary"]),13:0}"));
    return 0;

    double Sync(string? title, string expect, out Lines log)
    {
        log = new Lines();
        SyncRequest request = Request();
        long start = Stopwatch.GetTimestamp();
        SyncResult? result = new ServerClient(endpoint, options, log).TrySync(request, CancellationToken.None);
        double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (result is null || log.Problems.Count > 0 || !log.All.Any(line => line.StartsWith("FileSync: ", StringComparison.Ordinal) && line.Contains(expect, StringComparison.Ordinal)))
        {
            throw new InvalidOperationException($"{title ?? "a round"}: expected '{expect}' from the server; got:{Environment.NewLine}{string.Join(Environment.NewLine, log.All.Concat(log.Problems))}");
        }

        if (title is not null)
        {
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{title}: {ms:0} ms: {log.All.LastOrDefault(line => line.Contains(expect, StringComparison.Ordinal))}"));
        }

        return ms;
    }
}
finally
{
    if (File.Exists(endpoint.PidFile) && int.TryParse(File.ReadAllText(endpoint.PidFile).Trim(), CultureInfo.InvariantCulture, out int pid))
    {
        try
        {
            using Process server = Process.GetProcessById(pid);
            server.Kill();
            server.WaitForExit(10_000);
        }
        catch (ArgumentException)
        {
        }
    }

    Directory.Delete(root, recursive: true);
}

static double Min(List<double> values) => values.Where(value => !double.IsNaN(value)).DefaultIfEmpty(double.NaN).Min(); // the least disturbed round

static double Median(List<double> values)
{
    double[] sorted = [.. values.Order()];
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
}

// 100 folders of files/100 files of 64 bytes each, as build/bench.sh's item 4; their specs in the order a glob gives them.
static List<string> MakeTree(string project, int files)
{
    var specs = new List<string>(files);
    byte[] bytes = new byte[64];
    int perFolder = Math.Max(1, files / 100);
    for (int i = 0; i < files; i++)
    {
        string folder = Path.Combine(project, "ctx", $"d{i / perFolder}");
        if (i % perFolder == 0)
        {
            Directory.CreateDirectory(folder);
        }

        Random.Shared.NextBytes(bytes);
        string name = $"f{i % perFolder:00000}";
        File.WriteAllBytes(Path.Combine(folder, name), bytes);
        specs.Add($"ctx/d{i / perFolder}/{name}");
    }

    return specs;
}

static async Task<int> Serve(string[] args)
{
    // As src/FileSync.Server/Program.cs.
    string? socket = null;
    double idleMinutes = 10;
    for (int i = 0; i + 1 < args.Length; i += 2)
    {
        switch (args[i])
        {
            case "--socket": socket = args[i + 1]; break;
            case "--idle-minutes": idleMinutes = double.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
        }
    }

    Console.SetOut(TextWriter.Null);
    Console.SetError(TextWriter.Null);
    ServerNative.NewSession();
    var server = new SyncServer(new ServerEndpoint(Path.GetDirectoryName(socket!)!, socket!, ServerEndpoint.CurrentKey), TimeSpan.FromMinutes(idleMinutes));
    using var terminate = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
    {
        context.Cancel = true;
        server.Stop("SIGTERM");
    });
    return await server.RunAsync();
}

/// <summary>What the server sent back, line by line.</summary>
internal sealed class Lines : ILog
{
    public List<string> All { get; } = [];

    public List<string> Problems { get; } = [];

    public void Summary(string message) => All.Add(message);

    public void Detail(string message) => All.Add(message);

    public void Warning(Diagnostic diagnostic) => Problems.Add(diagnostic.ToString());

    public void Error(Diagnostic diagnostic) => Problems.Add(diagnostic.ToString());

    /// <summary>The number the pattern's group captures in the last line it matches; NaN when none does.</summary>
    public double Ms(string pattern)
    {
        Match? match = All.Select(line => Regex.Match(line, pattern)).LastOrDefault(m => m.Success);
        return match is null ? double.NaN : double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }
}
