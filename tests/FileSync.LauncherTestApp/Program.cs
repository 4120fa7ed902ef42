using System.Runtime.InteropServices;

// launcher-test-app [--exit N] [--signal-exit N] [--crash-file F] [--print-runtime]: exits with 70 at once when the file F exists (an app
// that fails at startup); --print-runtime first prints the runtime settings it got; else prints "app <version> pid <pid>" (version.txt beside the dll, else 1), then exits with N at once, or waits for SIGTERM/SIGINT/SIGQUIT, prints "app got <signal>" and exits with the
// --signal-exit code (default 0).
string versionFile = Path.Combine(AppContext.BaseDirectory, "version.txt");
string version = File.Exists(versionFile) ? File.ReadAllText(versionFile).Trim() : "1";
int Option(string name, int fallback) => Array.IndexOf(args, name) is int i and >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1]) : fallback;
if (Array.IndexOf(args, "--crash-file") is int crash and >= 0 && File.Exists(args[crash + 1]))
{
    Console.WriteLine("app crashed at startup");
    return 70;
}

if (Array.IndexOf(args, "--print-runtime") >= 0)
{
    // The runtime settings this app got (the launcher's runtimeconfig must not be among them).
    string eventSource = AppContext.TryGetSwitch("System.Diagnostics.Tracing.EventSource.IsSupported", out bool on) ? on.ToString() : "default";
    Console.WriteLine($"app runtime EventSource={eventSource} GC={System.Runtime.GCSettings.LatencyMode}");
}

if (Array.IndexOf(args, "--exit") >= 0)
{
    Console.WriteLine($"app {version} pid {Environment.ProcessId} args {string.Join(' ', args)}");
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

// Printed only once the handlers are in place: a test that signals after this line never races the registration.
Console.WriteLine($"app {version} pid {Environment.ProcessId} args {string.Join(' ', args)}");
return await done.Task;
