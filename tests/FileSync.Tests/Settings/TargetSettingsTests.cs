using FileSync.Targets;

namespace FileSync.Tests.Settings;

/// <summary>"Is a target configured, and validly?" decided once, in Core: every combination of runtime and settings
/// gives exactly one outcome (a kind, nothing configured, or one error), with warnings only for ignored settings.</summary>
public sealed class TargetSettingsTests
{
    /// <summary>sentence; runtime; settings "Name=value;..."; expected: kind, or the error code; warning codes.</summary>
    public static TheoryData<string, string, string, string, string> Cases => new()
    {
        { "Nothing set: nothing configured, a warning", "docker", "", "None", "FSYNC0001" },
        { "An empty runtime means docker", "", "Container=web", "Docker", "" },
        { "A container", "docker", "Container=web", "Docker", "" },
        { "A label selector", "docker", "Selector=com.docker.compose.service=web", "Docker", "" },
        { "An image", "docker", "Image=web:dev", "Docker", "" },
        { "The runtime's case and spaces do not matter", " Docker ", "Container=web", "Docker", "" },
        { "Container and selector: one way to pick only", "docker", "Container=web;Selector=a=b", "FSYNC0007", "" },
        { "Container, selector and image", "docker", "Container=web;Selector=a=b;Image=web", "FSYNC0007", "" },
        { "A malformed selector fails before anything is contacted", "docker", "Selector==web", "FSYNC0006", "" },
        { "A selector with an empty label", "docker", "Selector=a=b,,c=d", "FSYNC0006", "" },
        { "A folder without the directory runtime is a half-made choice", "docker", "Directory=/tmp/root", "FSYNC0010", "" },
        { "A folder with a container: the folder is ignored, with a warning", "docker", "Container=web;Directory=/tmp/root", "Docker", "FSYNC0009" },
        { "Only a Docker host names no container", "docker", "DockerHost=unix:///run/docker.sock", "None", "FSYNC0001" },
        { "The directory runtime with a folder", "directory", "Directory=/tmp/root", "Directory", "" },
        { "The directory runtime without a folder: FSYNC0004, not FSYNC0001", "directory", "", "FSYNC0004", "" },
        { "The directory runtime with a blank folder", "directory", "Directory=  ", "FSYNC0004", "" },
        { "The directory runtime without a folder but with a container is still FSYNC0004", "directory", "Container=web", "FSYNC0004", "" },
        { "The directory runtime ignores Docker settings, with one warning", "directory", "Directory=/tmp/root;Container=web;DockerHost=tcp://h:1", "Directory", "FSYNC0009" },
        { "Kubernetes: one pod by name", "kubernetes", "Pod=web-0", "Kubernetes", "" },
        { "Kubernetes: pods by label selector (set-based selectors go to the API server as written)", "kubernetes", "Selector=app in (web),tier!=db", "Kubernetes", "" },
        { "Kubernetes: pods by image", "kubernetes", "Image=web:dev", "Kubernetes", "" },
        { "Kubernetes: the container names the container in each pod, not the pods", "kubernetes", "Container=app", "FSYNC9001", "" },
        { "Kubernetes: a pod and a container in it", "kubernetes", "Pod=web-0;Container=app", "Kubernetes", "" },
        { "Kubernetes with nothing set names the three ways", "kubernetes", "", "FSYNC9001", "" },
        { "Kubernetes: a pod and a selector, one way to pick only", "kubernetes", "Pod=web-0;Selector=app=web", "FSYNC0007", "" },
        { "Kubernetes ignores Docker and folder settings, with one warning", "kubernetes", "Pod=web-0;DockerHost=tcp://h:1;Directory=/tmp/root", "Kubernetes", "FSYNC0009" },
        { "A pod with the docker runtime is a half-made choice", "docker", "Pod=web-0", "FSYNC9002", "" },
        { "The directory runtime ignores a pod, with a warning", "directory", "Directory=/tmp/root;Pod=web-0", "Directory", "FSYNC0009" },
        { "An unknown runtime", "podman", "Container=web", "FSYNC0002", "" },
        { "An unknown runtime with nothing set", "podman", "", "FSYNC0002", "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Every_combination_has_exactly_one_outcome(string sentence, string runtime, string settings, string expected, string warnings)
    {
        TargetDecision decision = Settings(runtime, settings).Decide();

        string outcome = decision.Error?.Code ?? decision.Kind.ToString();
        Assert.True(expected == outcome, $"{sentence}: expected {expected}, got {outcome} ({decision.Error})");
        Assert.True(decision.Error is null || decision.Kind == TargetKind.None, $"{sentence}: an error comes with no target kind");
        Assert.Equal(warnings.Split(',', StringSplitOptions.RemoveEmptyEntries), decision.Warnings.Select(w => w.Code));
    }

    [Fact]
    public void The_ignored_settings_warning_names_each_ignored_setting_and_the_runtime()
    {
        TargetDecision decision = Settings("directory", "Directory=/tmp/root;Selector=a=b;DockerHost=tcp://h:1").Decide();

        string message = Assert.Single(decision.Warnings).Message;
        Assert.Contains("FileSyncSelector, FileSyncDockerHost", message, StringComparison.Ordinal);
        Assert.Contains("FileSyncRuntime=directory", message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_folder_without_the_directory_runtime_names_the_folder_and_the_fix()
    {
        TargetDecision decision = Settings("docker", "Directory=/tmp/root").Decide();

        Assert.Contains("'/tmp/root'", decision.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("FileSyncRuntime=directory", decision.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_factory_refuses_what_the_decision_refuses_without_contacting_an_engine()
    {
        var settings = Settings("directory", "");

        var error = await Assert.ThrowsAsync<FileSync.Diagnostics.FileSyncException>(() => TargetFactory.ResolveAsync(
            settings, _ => throw new InvalidOperationException("no engine may be contacted"), new Core.RecordingLog(), TestContext.Current.CancellationToken));

        Assert.Equal("FSYNC0004", error.Diagnostic.Code);
    }

    private static TargetSettings Settings(string runtime, string settings)
    {
        var values = settings.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(pair => pair.Split('=', 2)).ToDictionary(pair => pair[0], pair => pair[1]);
        return new TargetSettings(runtime)
        {
            Container = values.GetValueOrDefault("Container"),
            Selector = values.GetValueOrDefault("Selector"),
            Image = values.GetValueOrDefault("Image"),
            DockerHost = values.GetValueOrDefault("DockerHost"),
            Directory = values.GetValueOrDefault("Directory"),
            Pod = values.GetValueOrDefault("Pod"),
        };
    }
}
