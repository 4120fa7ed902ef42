// Times, in one fresh process, what a one-file sync asks of the Docker client: create it, inspect the container,
// PUT a one-file tar, exec rm of that file. Everything is cold (JIT, type loading, first connection), as in the
// MSBuild process that runs SyncFiles. Prints one line of milliseconds per step, wall clock and CPU time of the whole
// process (all threads: JIT, GC), e.g. "create=20.1 create.cpu=18.7 inspect=…". The CPU time is the steadier figure on
// a loaded machine: a cold start is mostly compiling and loading code.
//
//   dotnet coldstart.dll <container> [host]
//
// FileSync.Core's types are internal: UnsafeAccessor (.NET 10) calls them without reflection, so no lookup is timed.
using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;

if (args.Length is < 1 or > 2)
{
    Console.Error.WriteLine("usage: coldstart <container> [docker-host]");
    return 2;
}

string container = args[0];
string? host = args.Length > 1 ? args[1] : null;
string file = $"tmp/filesync-coldstart-{Environment.ProcessId}.txt";
byte[] tar = Tar.OneFile(file, "hello from coldstart\n"u8);
var ct = CancellationToken.None;
var times = new List<(string Step, double Ms)>();
double startCpu = Cpu.Ms(), lastCpu = startCpu;
long start = Stopwatch.GetTimestamp(), last = start;
void Step(string name)
{
    long now = Stopwatch.GetTimestamp();
    double cpu = Cpu.Ms();
    times.Add((name, Stopwatch.GetElapsedTime(last, now).TotalMilliseconds));
    times.Add((name + ".cpu", cpu - lastCpu));
    last = now;
    lastCpu = cpu;
}

Step("warm-up"); // Step's own first call is not part of the first step
times.Clear();
(start, last, startCpu, lastCpu) = (Stopwatch.GetTimestamp(), Stopwatch.GetTimestamp(), Cpu.Ms(), Cpu.Ms());

object client = Docker.Create(null, host);
Step("create");
await (Task)Docker.Inspect(client, container, ct); // a missing container fails the PUT below
Step("inspect");

await (Task)Docker.PutArchive(client, container, "/", (stream, token) => stream.WriteAsync(tar, token).AsTask(), ct);
Step("put");
await (Task)Docker.Exec(client, container, ["rm", "-f", "--", "/" + file], "0", ct);
Step("exec");
times.Add(("total", Stopwatch.GetElapsedTime(start).TotalMilliseconds));
times.Add(("total.cpu", Cpu.Ms() - startCpu));
Console.WriteLine(string.Join(' ', times.Select(t => string.Create(CultureInfo.InvariantCulture, $"{t.Step}={t.Ms:0.0}"))));
((IDisposable)client).Dispose();
return 0;

internal static class Docker
{
    private const string Client = "FileSync.Docker.DockerClient, FileSync.Core";

    [UnsafeAccessor(UnsafeAccessorKind.StaticMethod, Name = "Create")]
    [return: UnsafeAccessorType(Client)]
    public static extern object Create([UnsafeAccessorType(Client)] object? type, string? host);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "InspectContainerAsync")]
    [return: UnsafeAccessorType("System.Threading.Tasks.Task`1[[FileSync.Docker.ContainerInfo, FileSync.Core]]")]
    public static extern object Inspect([UnsafeAccessorType(Client)] object client, string nameOrId, CancellationToken ct);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "PutArchiveAsync")]
    public static extern Task PutArchive([UnsafeAccessorType(Client)] object client, string id, string path, Func<Stream, CancellationToken, Task> writeTar, CancellationToken ct, bool noOverwriteDirNonDir = false);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "ExecAsync")]
    [return: UnsafeAccessorType("System.Threading.Tasks.Task`1[[FileSync.Docker.ExecResult, FileSync.Core]]")]
    public static extern object Exec([UnsafeAccessorType(Client)] object client, string id, IReadOnlyList<string> argv, string? user, CancellationToken ct);
}

/// <summary>CPU time of this process so far (clock_gettime(CLOCK_PROCESS_CPUTIME_ID)); the first call, untimed, binds it.</summary>
internal static partial class Cpu
{
    public static double Ms()
    {
        if (OperatingSystem.IsLinux() && ClockGetTime(2, out TimeSpec t) == 0)
        {
            return (t.Seconds * 1000.0) + (t.Nanoseconds / 1e6);
        }

        return 0;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

internal static class Tar
{
    /// <summary>A ustar archive of one regular file, 0644, root-owned: header, data padded to 512, two zero blocks.</summary>
    public static byte[] OneFile(string name, ReadOnlySpan<byte> data)
    {
        var tar = new byte[512 + (data.Length + 511) / 512 * 512 + 1024];
        var header = tar.AsSpan(0, 512);
        Encoding.ASCII.GetBytes(name, header);
        Octal(header.Slice(100, 8), 0b110_100_100);
        Octal(header.Slice(108, 8), 0);
        Octal(header.Slice(116, 8), 0);
        Octal(header.Slice(124, 12), data.Length);
        Octal(header.Slice(136, 12), DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        header[156] = (byte)'0';
        "ustar\u000000"u8.CopyTo(header.Slice(257));
        header.Slice(148, 8).Fill((byte)' ');
        int sum = 0;
        foreach (byte b in header)
        {
            sum += b;
        }

        Octal(header.Slice(148, 7), sum);
        data.CopyTo(tar.AsSpan(512));
        return tar;
    }

    private static void Octal(Span<byte> field, long value)
    {
        string text = Convert.ToString(value, 8).PadLeft(field.Length - 1, '0');
        Encoding.ASCII.GetBytes(text, field);
        field[^1] = 0;
    }
}
