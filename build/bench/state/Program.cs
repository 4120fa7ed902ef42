// Times the state's load and save for a one-file sync over a large context: load a state of N entries (default
// 100,000), change one entry's hash to "unknown" and save (the write-ahead note), give it its new stat and hash and
// save again (the record), as Syncer does. Each round is a fresh load from disk, like a build. Prints the median and
// min of each step over the rounds, and the files left in the state folder.
//
//   dotnet FileSync.Bench.State.dll [entries] [rounds]
using System.Diagnostics;
using FileSync.Diagnostics;
using FileSync.State;

int entries = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 100_000;
int rounds = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 21;
string folder = Directory.CreateTempSubdirectory("filesync-statebench-").FullName;
string path = Path.Combine(folder, "docker-0123456789abcdef.state");
const string Instance = "3f2a9c0d41b7e8f6a5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2";
try
{
    var state = SyncState.Empty(Instance);
    state.WorkingDirectory = "/app";
    state.AppliedOwner = "1000:1000";
    for (int i = 0; i < entries; i++)
    {
        string source = $"ctx/d{i / 1000:000}/sub{i / 100 % 10}/file{i:000000}.txt";
        state.Entries[source] = new StateEntry(100 + i, 638_400_000_000_000_000 + i, new UInt128((ulong)i, (ulong)i * 7), (UnixFileMode)0b110_100_100, null, ["/app/" + source]);
        state.CreatedFolders.Add($"/app/ctx/d{i / 1000:000}/sub{i / 100 % 10}");
    }

    StateStore.Save(path, state);
    var log = new NullLog();
    var times = new Dictionary<string, List<double>> { ["load"] = [], ["save-note"] = [], ["save-record"] = [], ["round"] = [] };
    for (int round = 0; round < rounds; round++)
    {
        long start = Stopwatch.GetTimestamp();
        SyncState loaded = StateStore.Load(path, Instance, log);
        long loadedAt = Stopwatch.GetTimestamp();
        string changed = $"ctx/d{round % 100:000}/sub0/file{round % 100 * 1000:000000}.txt";
        StateEntry entry = loaded.Entries[changed];
        loaded.Entries[changed] = entry with { Hash = StateEntry.UnknownHash };
        StateStore.Save(path, loaded);
        long notedAt = Stopwatch.GetTimestamp();
        loaded.Entries[changed] = entry with { Size = entry.Size + 1, MtimeTicks = entry.MtimeTicks + 10_000_000 * (round + 1), Hash = new UInt128((ulong)round, 1) };
        StateStore.Save(path, loaded);
        long end = Stopwatch.GetTimestamp();
        if (round == 0)
        {
            continue; // JIT and first-touch costs: not what a round measures
        }

        times["load"].Add(Stopwatch.GetElapsedTime(start, loadedAt).TotalMilliseconds);
        times["save-note"].Add(Stopwatch.GetElapsedTime(loadedAt, notedAt).TotalMilliseconds);
        times["save-record"].Add(Stopwatch.GetElapsedTime(notedAt, end).TotalMilliseconds);
        times["round"].Add(Stopwatch.GetElapsedTime(start, end).TotalMilliseconds);
    }

    Console.WriteLine($"{entries} entries, snapshot {new FileInfo(path).Length / 1024} KiB, {rounds - 1} rounds (median / min ms):");
    foreach ((string step, List<double> values) in times)
    {
        values.Sort();
        Console.WriteLine($"  {step,-12} {values[values.Count / 2],8:0.0} / {values[0]:0.0}");
    }

    Console.WriteLine($"  files in the state folder: {string.Join(", ", Directory.GetFiles(folder).Select(f => $"{Path.GetFileName(f)} {new FileInfo(f).Length / 1024} KiB"))}");
    return 0;
}
finally
{
    Directory.Delete(folder, recursive: true);
}

internal sealed class NullLog : ILog
{
    public void Summary(string message) { }

    public void Detail(string message) { }

    public void Warning(Diagnostic diagnostic) => Console.Error.WriteLine(diagnostic);

    public void Error(Diagnostic diagnostic) => Console.Error.WriteLine(diagnostic);
}
