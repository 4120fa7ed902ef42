[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")] // runs in Linux containers

namespace FileSync.Launcher;

/// <summary>
/// filesync-launcher: <c>dotnet filesync-launcher.dll app.dll [args]</c> runs the app as a child and restarts it when a
/// sync asks (<c>--fsync-restart</c>); its other commands stand in for rm/rmdir/tar where an image has none.
/// </summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
        if (args.Length == 0)
        {
            Console.Error.WriteLine("filesync-launcher: usage: dotnet filesync-launcher.dll app.dll [args] | --fsync-rm -- <files> | --fsync-rmdir -- <folders> | --fsync-extract <folder> < archive.tar | --fsync-restart [-- <synced paths>]");
            return 2;
        }

        return args[0] switch
        {
            "--fsync-rm" => Commands.Remove(Operands(args), folders: false, Console.Error),
            "--fsync-rmdir" => Commands.Remove(Operands(args), folders: true, Console.Error),
            "--fsync-extract" when args.Length == 2 => Extractor.Extract(Console.OpenStandardInput(), args[1], Console.Error),
            "--fsync-restart" => RestartChannel.Request(RestartChannel.DefaultPath, Operands(args), Console.Out, Console.Error),
            _ => await new Supervisor(Environment.ProcessPath ?? "dotnet", args, RestartChannel.DefaultPath, Console.Out).RunAsync().ConfigureAwait(false),
        };
    }

    /// <summary>Everything after the command (and after "--" when given): paths are never options.</summary>
    private static string[] Operands(string[] args) => args.Length > 1 && args[1] == "--" ? args[2..] : args[1..];
}
