using System.Diagnostics;
using System.Globalization;

namespace FileSync.Server;

/// <summary>
/// Starts filesync-server.dll in the background, detached from the build: its standard streams are pipes this
/// process closes at once (a server holding the build's output open would keep `dotnet build` from returning), its
/// folder is '/', and it leaves the build's session itself (setsid) so Ctrl+C in the build does not end it.
/// </summary>
internal static class ServerStarter
{
    public static bool TryStart(ServerEndpoint endpoint, ServerOptions options, out int pid, out string? problem)
    {
        pid = 0;
        if (string.IsNullOrWhiteSpace(options.ServerAssembly) || !File.Exists(options.ServerAssembly))
        {
            problem = "the file is not there";
            return false;
        }

        var start = new ProcessStartInfo(DotnetHost(options))
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = "/",
        };
        foreach (string argument in (string[])[Path.GetFullPath(options.ServerAssembly), "--socket", endpoint.SocketPath, "--idle-minutes", options.IdleMinutes.ToString(CultureInfo.InvariantCulture)])
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using Process process = Process.Start(start)!;
            pid = process.Id;
            process.StandardInput.Close();
            process.StandardOutput.Close();
            process.StandardError.Close();
            problem = null;
            return true;
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or IOException or InvalidOperationException)
        {
            problem = e.Message;
            return false;
        }
    }

    /// <summary>The dotnet host the build runs on (the SDK sets DOTNET_HOST_PATH for MSBuild), else this process's, else PATH's.</summary>
    private static string DotnetHost(ServerOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.DotnetHost) && File.Exists(options.DotnetHost))
        {
            return options.DotnetHost;
        }

        string? process = Environment.ProcessPath;
        return process is not null && Path.GetFileNameWithoutExtension(process) == "dotnet" ? process : "dotnet";
    }
}
