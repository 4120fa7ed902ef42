// 1 pod vs 10 replicas on the Kubernetes API stand-in (pods backed by containers of the test image): whole
// `dotnet build -t:SyncToContainer` processes of a consumer of the packed package, medians of N interleaved runs.
//   dotnet kube.dll FEED VERSION N WORK
using System.Diagnostics;
using System.Globalization;
using FileSync.KubeStandIn;

string feed = args[0], version = args[1], work = args[3];
int runs = int.Parse(args[2], CultureInfo.InvariantCulture);
const string Ns = "bench";
const string Image = "filesync-test:busybox";

await using KubeStandIn standIn = await KubeStandIn.StartAsync();
var adds = new List<Task> { standIn.AddPodAsync(Ns, "one-0", new Dictionary<string, string> { ["app"] = "one" }, new StandInContainer("app", Image)) };
for (int i = 0; i < 10; i++)
{
    adds.Add(standIn.AddPodAsync(Ns, $"ten-{i}", new Dictionary<string, string> { ["app"] = "ten" }, new StandInContainer("app", Image)));
}

await Task.WhenAll(adds);
string kubeconfig = standIn.WriteKubeconfig(Path.Combine(work, "kubeconfig"), Ns);
string project = Path.Combine(work, "consumer");
Directory.CreateDirectory(Path.Combine(project, "site"));
File.WriteAllText(Path.Combine(project, "nuget.config"), $"""
    <configuration><packageSources><clear /><add key="filesync" value="{feed}" /></packageSources></configuration>
    """);
File.WriteAllText(Path.Combine(project, "Consumer.csproj"), $"""
    <Project Sdk="Microsoft.NET.Sdk">
      <PropertyGroup><TargetFramework>net10.0</TargetFramework><RestorePackagesPath>{work}/packages</RestorePackagesPath>
        <FileSyncRuntime>kubernetes</FileSyncRuntime><FileSyncOnBuild>false</FileSyncOnBuild></PropertyGroup>
      <ItemGroup><PackageReference Include="FileSync" Version="{version}" /><FileSyncRule Include="site/**/*" Dest="/app/www" Strip="site/" /></ItemGroup>
    </Project>
    """);
for (int i = 0; i < 20; i++)
{
    File.WriteAllText(Path.Combine(project, "site", $"f{i}.txt"), new string((char)('a' + i), 4096));
}

Run(["build", project, "-t:Restore", "-nologo", "-v:q"]);
var times = new Dictionary<string, List<double>>();
void Time(string name, string selector)
{
    var clock = Stopwatch.StartNew();
    string output = Run(["build", project, "--no-restore", "-nologo", "-nodeReuse:false", "-tl:off", "-t:SyncToContainer", $"-p:FileSyncSelector=app={selector}"]);
    double ms = clock.Elapsed.TotalMilliseconds;
    int lines = output.Split('\n').Count(line => line.Contains("FileSync: ", StringComparison.Ordinal) && line.Contains(" -> kubernetes ", StringComparison.Ordinal));
    if (lines != (selector == "one" ? 1 : 10))
    {
        throw new InvalidOperationException($"expected a summary per pod, got {lines}:\n{output}");
    }

    (times.TryGetValue(name, out var list) ? list : times[name] = []).Add(ms);
}

Time("first sync, 20 files, 1 pod", "one");
Time("first sync, 20 files, 10 replicas", "ten");
for (int r = 0; r < runs; r++)
{
    File.WriteAllText(Path.Combine(project, "site", "f0.txt"), $"run {r}\n");
    Time("one changed file, 1 pod", "one");
    Time("one changed file, 10 replicas", "ten");
    Time("no-op, 1 pod", "one");
    Time("no-op, 10 replicas", "ten");
}

Console.WriteLine("| case | median ms | min ms | runs |");
Console.WriteLine("| --- | --- | --- | --- |");
foreach ((string name, List<double> list) in times)
{
    double[] sorted = [.. list.Order()];
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {sorted[sorted.Length / 2]:0} | {sorted[0]:0} | {sorted.Length} |"));
}

string Run(string[] argv)
{
    var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (string arg in argv)
    {
        start.ArgumentList.Add(arg);
    }

    start.Environment["KUBECONFIG"] = kubeconfig;
    start.Environment["FileSyncServer"] = "false";
    start.Environment["MSBUILDDISABLENODEREUSE"] = "1";
    start.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
    using Process process = Process.Start(start)!;
    Task<string> stderr = process.StandardError.ReadToEndAsync();
    string stdout = process.StandardOutput.ReadToEnd();
    process.WaitForExit();
    if (process.ExitCode != 0)
    {
        throw new InvalidOperationException($"dotnet {string.Join(' ', argv)} exited with {process.ExitCode}:\n{stdout}{stderr.Result}");
    }

    return stdout;
}
