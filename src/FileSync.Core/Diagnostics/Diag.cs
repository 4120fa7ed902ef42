namespace FileSync.Diagnostics;

/// <summary>
/// One factory per message in Strings.resx; the method name is the resource name, so nothing is spelt twice.
/// Codes: 0xxx configuration, 1xxx rules and sources, 2xxx Docker, 3xxx state, 4xxx directory target, 5xxx post-sync actions and the launcher, 6xxx ASP.NET Core, 8xxx skaffold.yaml, 9xxx Kubernetes.
/// </summary>
internal static class Diag
{
    private static Diagnostic Make(string name, string? file, params object?[] args) => Diagnostic.FromResource(name, file, args);

    // Configuration
    public static Diagnostic NoTargetConfigured() => Make(nameof(NoTargetConfigured), null);
    public static Diagnostic UnknownRuntime(string runtime) => Make(nameof(UnknownRuntime), null, runtime);
    public static Diagnostic DirectoryNotSet() => Make(nameof(DirectoryNotSet), null);
    public static Diagnostic InvalidOwner(string owner) => Make(nameof(InvalidOwner), null, owner);
    public static Diagnostic InvalidSelector(string selector) => Make(nameof(InvalidSelector), null, selector);
    public static Diagnostic TooManyTargetSettings(string settings) => Make(nameof(TooManyTargetSettings), null, settings);
    public static Diagnostic InvalidWorkingDirectory(string value) => Make(nameof(InvalidWorkingDirectory), null, value);
    public static Diagnostic SettingsIgnored(string settings, string runtime) => Make(nameof(SettingsIgnored), null, settings, runtime);
    public static Diagnostic DirectoryWithoutRuntime(string directory) => Make(nameof(DirectoryWithoutRuntime), null, directory);
    public static Diagnostic ComposeServiceNotSet(string project, string origin) => Make(nameof(ComposeServiceNotSet), null, project, origin);
    public static Diagnostic InvalidComposeProject(string project, string origin) => Make(nameof(InvalidComposeProject), null, project, origin);
    public static Diagnostic NoComposeContainers(string service, string project, string origin, string endpoint) => Make(nameof(NoComposeContainers), null, service, project, origin, endpoint);

    // Visual Studio 2022 and older: the tasks' .NET Framework twin runs them in filesync-task (FSYNC0030-0049)
    public static Diagnostic OutOfProcessHostMissing(string host) => Make(nameof(OutOfProcessHostMissing), null, host);
    public static Diagnostic OutOfProcessDotnetNotFound(string dotnet, string host) => Make(nameof(OutOfProcessDotnetNotFound), null, dotnet, host);
    public static Diagnostic OutOfProcessFailed(string host, int exitCode) => Make(nameof(OutOfProcessFailed), null, host, exitCode);
    public static Diagnostic WatchNeedsNetMSBuild() => Make(nameof(WatchNeedsNetMSBuild), null);
    public static Diagnostic OutOfProcessTaskFailed(string exception, string message) => Make(nameof(OutOfProcessTaskFailed), null, exception, message);
    public static Diagnostic OutOfProcessRequestInvalid(string request, string reason) => Make(nameof(OutOfProcessRequestInvalid), null, request, reason);

    // Rules and sources
    public static Diagnostic RuleMissingDest(string rule) => Make(nameof(RuleMissingDest), null, rule);
    public static Diagnostic DestEscapes(string rule, string dest) => Make(nameof(DestEscapes), null, rule, dest);
    public static Diagnostic StripInvalid(string rule, string strip) => Make(nameof(StripInvalid), null, rule, strip);
    public static Diagnostic GlobNotExpanded(string rule) => Make(nameof(GlobNotExpanded), null, rule);
    public static Diagnostic SourceOutsideContext(string file, string context) => Make(nameof(SourceOutsideContext), file, file, context);
    public static Diagnostic SymlinkOutsideContext(string file, string target) => Make(nameof(SymlinkOutsideContext), file, file, target);
    public static Diagnostic SourceUnreadable(string file, string reason) => Make(nameof(SourceUnreadable), file, file, reason);
    public static Diagnostic SourceVanished(string file) => Make(nameof(SourceVanished), file, file);
    public static Diagnostic PathTooLong(string path, int bytes) => Make(nameof(PathTooLong), null, path.Length > 120 ? path[..120] + "..." : path, bytes);
    public static Diagnostic DestinationConflict(string first, string second, string dest) => Make(nameof(DestinationConflict), second, first, second, dest);
    public static Diagnostic SourceIsFolder(string rule) => Make(nameof(SourceIsFolder), null, rule);
    public static Diagnostic SourceChangedSincePlanned(string file, string reason) => Make(nameof(SourceChangedSincePlanned), file, file, reason);
    public static Diagnostic UploadCut(string destination, string target) => Make(nameof(UploadCut), null, destination, target);
    public static Diagnostic SourceFolderUnreadable(string folder, string reason, int count) => Make(nameof(SourceFolderUnreadable), folder, folder, reason, count);
    public static Diagnostic RuleModeInvalid(string rule, string mode) => Make(nameof(RuleModeInvalid), null, rule, mode);
    public static Diagnostic RuleModesDiffer(string file, string modes) => Make(nameof(RuleModesDiffer), file, file, modes);
    public static Diagnostic SourceNameNotUtf8(string file) => Make(nameof(SourceNameNotUtf8), file, file);
    public static Diagnostic SourceNotAFile(string file, string kind) => Make(nameof(SourceNotAFile), file, file, kind);
    public static Diagnostic DeletedFileIsNowFolder(string container, string path) => Make(nameof(DeletedFileIsNowFolder), null, path, container);
    public static Diagnostic GlobFolderWithBackslash(string rule, string folder) => Make(nameof(GlobFolderWithBackslash), null, rule, folder);
    public static Diagnostic GlobPathTooLong(string rule, string pathPrefix, int bytes) => Make(nameof(GlobPathTooLong), null, rule, pathPrefix, bytes);
    public static Diagnostic SourcePathTooLong(string pathPrefix, int bytes) => Make(nameof(SourcePathTooLong), null, pathPrefix, bytes);

    // Build outputs (FileSyncIncludeBuildOutput)
    public static Diagnostic OutputMissing(string file) => Make(nameof(OutputMissing), file, file);
    public static Diagnostic OutputPathInvalid(string file, string targetPath) => Make(nameof(OutputPathInvalid), null, file, targetPath);
    public static Diagnostic OutputNotRegularFile(string file, string kind) => Make(nameof(OutputNotRegularFile), file, file, kind);
    public static Diagnostic OutputDestEscapes(string dest) => Make(nameof(OutputDestEscapes), null, dest);
    public static Diagnostic OutputsNeedOneFramework(string frameworks) => Make(nameof(OutputsNeedOneFramework), null, frameworks);

    public static Diagnostic CompressedManifestNotSynced(string file) => Make(nameof(CompressedManifestNotSynced), file, file);

    public static Diagnostic UnknownTargetFramework(string framework, string frameworks) => Make(nameof(UnknownTargetFramework), null, framework, frameworks);

    // Docker
    public static Diagnostic DockerUnreachable(string endpoint, string reason) => Make(nameof(DockerUnreachable), null, endpoint, reason);
    public static Diagnostic ContainerNotFound(string container, string endpoint) => Make(nameof(ContainerNotFound), null, container, endpoint);
    public static Diagnostic ContainerNotRunning(string container, string status) => Make(nameof(ContainerNotRunning), null, container, status);
    public static Diagnostic NoContainerMatches(string what, string endpoint) => Make(nameof(NoContainerMatches), null, what, endpoint);
    public static Diagnostic UploadFailed(string container, string reason) => Make(nameof(UploadFailed), null, container, reason);
    public static Diagnostic DeleteNeedsRm(string container, int count, string files) => Make(nameof(DeleteNeedsRm), null, container, count, files);
    public static Diagnostic DeleteFailed(string container, string reason) => Make(nameof(DeleteFailed), null, container, reason);
    public static Diagnostic DockerApiFailed(string operation, string container, string reason) => Make(nameof(DockerApiFailed), null, operation, container, reason);
    public static Diagnostic UserNotResolved(string user, string container) => Make(nameof(UserNotResolved), null, user, container);
    public static Diagnostic ContainerPaused(string container) => Make(nameof(ContainerPaused), null, container);
    public static Diagnostic DockerContextNotFound(string context, string chosenBy, string metaFile) => Make(nameof(DockerContextNotFound), null, context, chosenBy, metaFile);
    public static Diagnostic DockerContextInvalid(string context, string chosenBy, string metaFile, string reason) => Make(nameof(DockerContextInvalid), metaFile, context, chosenBy, metaFile, reason);
    public static Diagnostic DockerConfigInvalid(string configFile, string reason) => Make(nameof(DockerConfigInvalid), configFile, configFile, reason);
    public static Diagnostic SshFailed(string endpoint, int exitCode, string stderr) => Make(nameof(SshFailed), null, endpoint, exitCode, stderr);
    public static Diagnostic SshNotStarted(string endpoint, string reason) => Make(nameof(SshNotStarted), null, endpoint, reason);
    public static Diagnostic ParentNotFolder(string path, string target, string kind, int count, string files) => Make(nameof(ParentNotFolder), null, path, target, kind, count, files);
    public static Diagnostic ReplaceRefused(string target, string held, string path, string source, string wanted) => Make(nameof(ReplaceRefused), source, target, held, path, source, wanted);
    public static Diagnostic RootReadOnly(string container, string path) => Make(nameof(RootReadOnly), null, container, path);
    public static Diagnostic RemoveFolderNeedsRmdir(string container, int count, string folders) => Make(nameof(RemoveFolderNeedsRmdir), null, container, count, folders);
    public static Diagnostic FolderNotRemoved(string target, string folder, string source) => Make(nameof(FolderNotRemoved), source, target, folder, source);
    public static Diagnostic DockerConnectTimeout(string endpoint, int seconds) => Make(nameof(DockerConnectTimeout), null, endpoint, seconds);
    public static Diagnostic DockerResponseTimeout(string endpoint, string request, int seconds) => Make(nameof(DockerResponseTimeout), null, endpoint, request, seconds);
    public static Diagnostic DockerStalled(string endpoint, int seconds, string activity, string request) => Make(nameof(DockerStalled), null, endpoint, seconds, activity, request);
    public static Diagnostic DockerRequestFailed(string request, string reason) => Make(nameof(DockerRequestFailed), null, request, reason);
    public static Diagnostic InvalidDockerTimeout(string value) => Make(nameof(InvalidDockerTimeout), null, value);

    // State
    public static Diagnostic StateDiscarded(string file, string reason, string folders) => Make(nameof(StateDiscarded), file, file, reason, folders);
    public static Diagnostic StateLocked(string file, int seconds) => Make(nameof(StateLocked), file, file, seconds);
    public static Diagnostic SyncProgress(string target, int files, int totalFiles, string bytes, string totalBytes, int seconds) => Make(nameof(SyncProgress), null, target, files, totalFiles, bytes, totalBytes, seconds);
    public static Diagnostic StateNotWritten(string file, string reason) => Make(nameof(StateNotWritten), file, file, reason);
    public static Diagnostic StateLockFailed(string file, string reason) => Make(nameof(StateLockFailed), file, file, reason);
    public static Diagnostic StateUnreadable(string file, string reason) => Make(nameof(StateUnreadable), file, file, reason);
    public static Diagnostic StampNotWritten(string file, string reason) => Make(nameof(StampNotWritten), file, file, reason);
    public static Diagnostic FileOperationFailed(string reason) => Make(nameof(FileOperationFailed), null, reason);

    // Post-sync actions and the launcher
    public static Diagnostic UnknownActionKind(string action) => Make(nameof(UnknownActionKind), null, action);
    public static Diagnostic ActionWithoutCommand(string action) => Make(nameof(ActionWithoutCommand), null, action);
    public static Diagnostic ActionMatchInvalid(string action, string match, string reason) => Make(nameof(ActionMatchInvalid), null, action, match, reason);
    public static Diagnostic ActionFailed(string target, string action, int exitCode, string output) => Make(nameof(ActionFailed), null, target, action, exitCode, output);
    public static Diagnostic ActionSkipped(string action, string target, int count, string files) => Make(nameof(ActionSkipped), null, action, target, count, files);
    public static Diagnostic ActionsNotSupported(string action, string target) => Make(nameof(ActionsNotSupported), null, action, target);
    public static Diagnostic LauncherNotFound(string container, string paths) => Make(nameof(LauncherNotFound), null, container, paths);
    public static Diagnostic LauncherNotRunning(string target, string output) => Make(nameof(LauncherNotRunning), null, target, output);
    // ASP.NET Core
    public static Diagnostic StaticAssetsNotPrepared(string targets, string mode, string compression) => Make(nameof(StaticAssetsNotPrepared), null, targets, mode, compression);
    public static Diagnostic StaticAssetsReloadOff(string container) => Make(nameof(StaticAssetsReloadOff), null, container);
    public static Diagnostic StaticAssetsPrecompressed(string container, string manifest) => Make(nameof(StaticAssetsPrecompressed), null, container, manifest);

    // The sync server (detail lines say which path synced; the folder and the peer are warnings)
    public static Diagnostic ServerSynced(int pid, string socket) => Make(nameof(ServerSynced), null, pid, socket);
    public static Diagnostic ServerStarted(int pid, string socket, string why, string idleMinutes) => Make(nameof(ServerStarted), null, pid, socket, why, idleMinutes);
    public static Diagnostic ServerStale(string socket, int pid, string serverKey, string key) => Make(nameof(ServerStale), null, socket, pid, serverKey, key);
    public static Diagnostic ServerHung(int pid, string socket, int seconds) => Make(nameof(ServerHung), null, pid, socket, seconds);
    public static Diagnostic ServerLost(int pid, string socket, string reason) => Make(nameof(ServerLost), null, pid, socket, reason);
    public static Diagnostic ServerNotStarted(string assembly, string reason) => Make(nameof(ServerNotStarted), null, assembly, reason);
    public static Diagnostic ServerFolderUnsafe(string folder, string reason) => Make(nameof(ServerFolderUnsafe), null, folder, reason);
    public static Diagnostic ServerOtherUser(string socket, string user) => Make(nameof(ServerOtherUser), null, socket, user);
    public static Diagnostic InvalidServerIdleMinutes(string value) => Make(nameof(InvalidServerIdleMinutes), null, value);
    public static Diagnostic ServerStopped(int pid, string socket) => Make(nameof(ServerStopped), null, pid, socket);
    public static Diagnostic ServerNotRunning(string socket) => Make(nameof(ServerNotRunning), null, socket);
    public static Diagnostic ServerOff() => Make(nameof(ServerOff), null);

    // Directory target
    public static Diagnostic DirectoryMissing(string directory) => Make(nameof(DirectoryMissing), null, directory);
    public static Diagnostic UnsafeEntry(string entry, string root) => Make(nameof(UnsafeEntry), null, entry, root);
    public static Diagnostic DirectoryWriteFailed(string path, string reason) => Make(nameof(DirectoryWriteFailed), path, path, reason);
    public static Diagnostic KindConflict(string path, string existing, string wanted, string directory) => Make(nameof(KindConflict), null, path, existing, wanted, directory);
    public static Diagnostic LinkInTarget(string entry, string link, string directory) => Make(nameof(LinkInTarget), null, entry, link, directory);
    public static Diagnostic UploadRootMissing(string root, string directory) => Make(nameof(UploadRootMissing), null, root, directory);
    public static Diagnostic DirectoryReadFailed(string path, string reason) => Make(nameof(DirectoryReadFailed), path, path, reason);

    // Globs and the watch (7xxx)
    public static Diagnostic WatchProjectChanged(string file) => Make(nameof(WatchProjectChanged), file, file);
    public static Diagnostic WatchRuleNotFollowed(string rule, string reason) => Make(nameof(WatchRuleNotFollowed), null, rule, reason);
    public static Diagnostic WatchRulesUnknown(string project, string reason) => Make(nameof(WatchRulesUnknown), project, project, reason);
    public static Diagnostic WatchUnavailable(string folder, string reason) => Make(nameof(WatchUnavailable), folder, folder, reason);
    public static Diagnostic WatchFellBackToPolling(string folder, string reason) => Make(nameof(WatchFellBackToPolling), folder, folder, reason);
    public static Diagnostic GlobInvalid(string rule, string pattern, string character, int position) => Make(nameof(GlobInvalid), null, rule, pattern, character, position);

    // skaffold.yaml (FileSyncConfig)
    public static Diagnostic ConfigNotFound(string file) => Make(nameof(ConfigNotFound), file, file);
    public static Diagnostic WatchConfigUnsupported(string file) => Make(nameof(WatchConfigUnsupported), file, file);

    public static Diagnostic ConfigUnparsable(string file, string reason) => Make(nameof(ConfigUnparsable), file, file, reason);

    public static Diagnostic ConfigSyntax(string file, int line, int column, string reason) => Make(nameof(ConfigSyntax), file, file, line, column, reason) with { Line = line, Column = column };
    public static Diagnostic ConfigWrongType(string file, int line, int column, string path, string expected, string found) => Make(nameof(ConfigWrongType), file, file, line, column, path, expected, found) with { Line = line, Column = column };
    public static Diagnostic ConfigVersionUnsupported(string file, int line, int column, string version) => Make(nameof(ConfigVersionUnsupported), file, file, line, column, version) with { Line = line, Column = column };
    public static Diagnostic ConfigFieldMissing(string file, int line, int column, string path) => Make(nameof(ConfigFieldMissing), file, file, line, column, path) with { Line = line, Column = column };
    public static Diagnostic ConfigArtifactNotChosen(string file, string images) => Make(nameof(ConfigArtifactNotChosen), file, file, images);
    public static Diagnostic ConfigArtifactNotFound(string file, string image, string images) => Make(nameof(ConfigArtifactNotFound), file, file, image, images);
    public static Diagnostic ConfigProfileNotFound(string file, string profile) => Make(nameof(ConfigProfileNotFound), file, file, profile);
    public static Diagnostic ConfigUnreadable(string file, string reason) => Make(nameof(ConfigUnreadable), file, file, reason);
    public static Diagnostic ConfigSyncAuto(string file, int line, int column, string image) => Make(nameof(ConfigSyncAuto), file, file, line, column, image) with { Line = line, Column = column };
    public static Diagnostic ConfigPatchPathInvalid(string file, int line, int column, string profile, string op, string path) => Make(nameof(ConfigPatchPathInvalid), file, file, line, column, profile, op, path) with { Line = line, Column = column };
    public static Diagnostic ConfigPatchSkipped(string file, int line, int column, string profile, string op, string path) => Make(nameof(ConfigPatchSkipped), file, file, line, column, profile, op, path) with { Line = line, Column = column };
    public static Diagnostic ConfigHookInvalid(string file, int line, int column, string path, string reason) => Make(nameof(ConfigHookInvalid), file, file, line, column, path, reason) with { Line = line, Column = column };
    public static Diagnostic HookBeforeFailed(string hook, string command, string target, int exitCode, string output) => Make(nameof(HookBeforeFailed), null, hook, command, target, exitCode, output);
    public static Diagnostic HookAfterFailed(string hook, string command, string target, int exitCode, string output) => Make(nameof(HookAfterFailed), null, hook, command, target, exitCode, output);
    public static Diagnostic HookNotStarted(string hook, string command, string reason, string synced) => Make(nameof(HookNotStarted), null, hook, command, reason, synced);
    public static Diagnostic DefaultConfigRead(string file, string image, string context, string synced) => Make(nameof(DefaultConfigRead), null, file, image, context, synced);
    public static Diagnostic DefaultConfigNotRead(string file) => Make(nameof(DefaultConfigNotRead), null, file);
    public static Diagnostic DefaultConfigIgnored(string file, string problem) => Make(nameof(DefaultConfigIgnored), null, file, problem);
    public static Diagnostic HookNeedsContainer(string hook, string command, string target) => Make(nameof(HookNeedsContainer), null, hook, command, target);
    public static Diagnostic ConfigBuilderNotDocker(string file, int line, int column, string image, string builder) => Make(nameof(ConfigBuilderNotDocker), file, file, line, column, image, builder) with { Line = line, Column = column };
    public static Diagnostic ConfigRequiresIgnored(string file, int line, int column) => Make(nameof(ConfigRequiresIgnored), file, file, line, column) with { Line = line, Column = column };
    public static Diagnostic ConfigProfileActivation(string file, int line, int column, string profile) => Make(nameof(ConfigProfileActivation), file, file, line, column, profile) with { Line = line, Column = column };
    public static Diagnostic ConfigArtifactRequired(string file, string image, string requiredBy) => Make(nameof(ConfigArtifactRequired), file, file, image, requiredBy);
    public static Diagnostic ConfigContextMissing(string file, string image, string context) => Make(nameof(ConfigContextMissing), file, file, image, context);

    // skaffold.yaml: sync.infer and .dockerignore
    public static Diagnostic DockerfileNotFound(string config, string image, string dockerfile) => Make(nameof(DockerfileNotFound), config, config, image, dockerfile);
    public static Diagnostic DockerfileUnreadable(string dockerfile, string reason) => Make(nameof(DockerfileUnreadable), dockerfile, dockerfile, reason);
    public static Diagnostic DockerfileSyntax(string dockerfile, int line, string reason) => Make(nameof(DockerfileSyntax), dockerfile, dockerfile, line, reason) with { Line = line };
    public static Diagnostic ConfigInferWithManual(string file, int line, int column, string image) => Make(nameof(ConfigInferWithManual), file, file, line, column, image) with { Line = line, Column = column };
    public static Diagnostic InferSourceOutsideContext(string dockerfile, int line, string source, string context) => Make(nameof(InferSourceOutsideContext), dockerfile, dockerfile, line, source, context) with { Line = line };
    public static Diagnostic ConfigBuildArgTemplate(string file, int line, int column, string image, string name) => Make(nameof(ConfigBuildArgTemplate), file, file, line, column, image, name) with { Line = line, Column = column };
    public static Diagnostic ConfigInferNoDockerfile(string file, int line, int column, string image, string builder) => Make(nameof(ConfigInferNoDockerfile), file, file, line, column, image, builder) with { Line = line, Column = column };
    public static Diagnostic DockerIgnorePatternInvalid(string file, int line, string pattern) => Make(nameof(DockerIgnorePatternInvalid), file, file, line, pattern) with { Line = line };
    public static Diagnostic DockerIgnoreUnreadable(string file, string reason) => Make(nameof(DockerIgnoreUnreadable), file, file, reason);
    public static Diagnostic InferArchiveNotSynced(string dockerfile, int line, string source) => Make(nameof(InferArchiveNotSynced), dockerfile, dockerfile, line, source) with { Line = line };
    public static Diagnostic InferPatternInvalid(string file, int line, int column, string pattern, int at) => Make(nameof(InferPatternInvalid), file, file, line, column, pattern, at) with { Line = line, Column = column };
    // Kubernetes
    public static Diagnostic KubePodsNotNamed() => Make(nameof(KubePodsNotNamed), null);
    public static Diagnostic KubePodWithoutRuntime(string pod) => Make(nameof(KubePodWithoutRuntime), null, pod);
    public static Diagnostic KubeConfigUnreadable(string config, string reason) => Make(nameof(KubeConfigUnreadable), null, config, reason);
    public static Diagnostic KubeApiUnreachable(string endpoint, string reason) => Make(nameof(KubeApiUnreachable), null, endpoint, reason);
    public static Diagnostic KubeApiFailed(string endpoint, string operation, string reason) => Make(nameof(KubeApiFailed), null, endpoint, operation, reason);
    public static Diagnostic KubePodNotFound(string pod, string ns, string endpoint) => Make(nameof(KubePodNotFound), null, pod, ns, endpoint);
    public static Diagnostic KubeNoPodMatches(string what, string ns, string endpoint) => Make(nameof(KubeNoPodMatches), null, what, ns, endpoint);
    public static Diagnostic KubePodNotReady(string pod, string container, string state) => Make(nameof(KubePodNotReady), null, pod, container, state);
    public static Diagnostic KubePodTerminating(string pod) => Make(nameof(KubePodTerminating), null, pod);
    public static Diagnostic KubeContainerNotFound(string container, string pod, string containers) => Make(nameof(KubeContainerNotFound), null, container, pod, containers);
    public static Diagnostic KubeContainerAmbiguous(string pod, string containers) => Make(nameof(KubeContainerAmbiguous), null, pod, containers);
    public static Diagnostic KubeUploadFailed(string pod, string container, string status, string output) => Make(nameof(KubeUploadFailed), null, pod, container, status, output);
    public static Diagnostic KubeNoTar(string pod, string container, string candidates) => Make(nameof(KubeNoTar), null, pod, container, candidates);
    public static Diagnostic KubeExecFailed(string command, string pod, string container, string reason) => Make(nameof(KubeExecFailed), null, command, pod, container, reason);
    public static Diagnostic KubeStdinNotClosed(string endpoint, string pod, int seconds) => Make(nameof(KubeStdinNotClosed), null, endpoint, pod, seconds);
    public static Diagnostic KubeRestartNotSupported(string pod) => Make(nameof(KubeRestartNotSupported), null, pod);
}
