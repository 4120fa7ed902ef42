using FileSync.Diagnostics;
using FileSync.Server;

namespace FileSync.Tasks;

/// <summary>dotnet build -t:FileSyncShutdown: asks this FileSync version's sync server to exit once its requests are done.</summary>
public sealed class ShutdownSyncServer : Microsoft.Build.Utilities.Task
{
    public override bool Execute()
    {
        var log = new MSBuildLog(Log);
        ServerEndpoint endpoint = ServerEndpoint.ForThisVersion(Environment.GetEnvironmentVariable);
        int? pid = OperatingSystem.IsLinux() ? ServerClient.ShutdownAsync(endpoint, CancellationToken.None).GetAwaiter().GetResult() : null;
        if (pid is int stopped)
        {
            log.Summary(Diag.ServerStopped(stopped, endpoint.SocketPath).ToString());
        }
        else
        {
            log.Summary(Diag.ServerNotRunning(endpoint.SocketPath).ToString());
        }

        return true;
    }
}
