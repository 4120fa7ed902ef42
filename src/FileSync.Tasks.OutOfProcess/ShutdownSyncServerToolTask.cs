namespace FileSync.Tasks;

/// <summary>FileSyncShutdown for Visual Studio 2022 and older: ShutdownSyncServer run by filesync-task (it has no parameters).</summary>
public sealed class ShutdownSyncServer : OutOfProcessTask
{
    protected override string TaskName => "ShutdownSyncServer";
}
