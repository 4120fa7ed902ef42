using System.Runtime.InteropServices;

// launcher-test-app [--exit N] [--signal-exit N]: prints "app <version> pid <pid>" (version.txt beside the dll, else 1),
// then exits with N at once, or waits for SIGTERM/SIGINT/SIGQUIT, prints "app got <signal>" and exits with the
// --signal-exit code (default 0).
string versionFile = Path.Combine(AppContext.BaseDirectory, "version.txt");
string version = File.Exists(versionFile) ? File.ReadAllText(versionFile).Trim() : "1";
Console.WriteLine($"app {version} pid {Environment.ProcessId} args {string.Join(' ', args)}");
int Option(string name, int fallback) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
if (Array.IndexOf(args, "--exit") >= 0)
{
    return Option("--exit", 0);
}

var done = new TaskCompletionSource<int>();
void Stop(PosixSignalContext context)
{
    context.Cancel = true;
    Console.WriteLine($"app got {context.Signal}");
    done.TrySetResult(Option("--signal-exit", 0));
}

using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var quit = PosixSignalRegistration.Create(PosixSignal.SIGQUIT, Stop);
return await done.Task;
