namespace FileSync.Tasks;

/// <summary>
/// SyncFiles for Visual Studio 2022 and older (FileSyncUseToolTask): the same parameters (SyncFiles.Interface.cs), the same
/// task run out of process by filesync-task. The watch is refused there (FSYNC0033).
/// </summary>
public sealed partial class SyncFiles : OutOfProcessTask
{
    protected override string TaskName => "SyncFiles";
}
