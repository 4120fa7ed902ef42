using FileSync.Docker;
using FileSync.Tests.Infrastructure;

namespace FileSync.Tests.Docker;

/// <summary>Against the real engine, with containers of their own: listed, created, stopped, removed or restarted.</summary>
public sealed class DockerLifecycleTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_with_a_label_filter_finds_only_the_labelled_running_container()
    {
        string value = Guid.NewGuid().ToString("N");
        await using var labelled = await TestContainer.StartAsync(new Dictionary<string, string> { ["filesync.list"] = value, ["other"] = "x" }, ct: Ct);
        await using var unlabelled = await TestContainer.StartAsync(ct: Ct);
        await using var notRunning = await TestContainer.CreateAsync(new Dictionary<string, string> { ["filesync.list"] = value }, ct: Ct);
        using var client = DockerClientTests.NewClient();

        var found = await client.ListContainersAsync(["filesync.list=" + value], Ct);
        var both = await client.ListContainersAsync(["filesync.list=" + value, "other=x"], Ct);
        var none = await client.ListContainersAsync(["filesync.list=" + value, "other=y"], Ct);
        var all = await client.ListContainersAsync([], Ct);

        var summary = Assert.Single(found);
        Assert.Equal(labelled.Id, summary.Id);
        Assert.Equal([labelled.Name], summary.Names);
        Assert.Equal(DockerCli.Image, summary.Image);
        Assert.StartsWith("sha256:", summary.ImageId, StringComparison.Ordinal);
        Assert.Equal("running", summary.State);
        Assert.Equal(value, summary.Labels["filesync.list"]);
        Assert.Equal(labelled.Id, Assert.Single(both).Id);
        Assert.Empty(none);
        Assert.Contains(all, c => c.Id == unlabelled.Id);
        Assert.DoesNotContain(all, c => c.Id == notRunning.Id);
    }

    [Fact]
    public async Task Inspect_reports_the_configured_user_of_a_created_container()
    {
        // Created, not started: the test image's root folder is 0700, so it cannot run as a non-root user.
        await using var container = await TestContainer.CreateAsync(user: "1000:1000", ct: Ct);
        using var client = DockerClientTests.NewClient();

        var info = await client.InspectContainerAsync(container.Id, Ct);

        Assert.Equal("1000:1000", info?.User);
        Assert.False(info?.Running);
        Assert.Equal("created", info?.Status);
    }

    [Fact]
    public async Task PutArchive_into_a_removed_container_is_a_404_and_sends_no_body()
    {
        var container = await TestContainer.StartAsync(ct: Ct);
        await using (container)
        {
            await container.RemoveAsync();
        }

        using var client = DockerClientTests.NewClient();
        bool bodyWritten = false;

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.PutArchiveAsync(container.Id, "/", async (stream, ct) =>
        {
            bodyWritten = true;
            await stream.WriteAsync(new byte[1024 * 1024], ct);
        }, Ct));

        Assert.Equal(404, ex.StatusCode);
        Assert.False(ex.Unreachable);
        Assert.Contains("No such container", ex.Message, StringComparison.Ordinal);
        Assert.False(bodyWritten); // Expect: 100-continue: the engine refused before the body was produced
    }

    [Fact]
    public async Task Exec_in_a_removed_container_is_a_404()
    {
        var container = await TestContainer.StartAsync(ct: Ct);
        await using (container)
        {
            await container.RemoveAsync();
        }

        using var client = DockerClientTests.NewClient();

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.ExecAsync(container.Id, ["true"], null, Ct));

        Assert.Equal(404, ex.StatusCode);
    }

    [Fact]
    public async Task Exec_in_a_stopped_container_is_a_409()
    {
        await using var container = await TestContainer.StartAsync(ct: Ct);
        await DockerCli.RunCheckedAsync(["kill", container.Id], Ct);
        using var client = DockerClientTests.NewClient();

        var ex = await Assert.ThrowsAsync<DockerException>(() => client.ExecAsync(container.Id, ["true"], null, Ct));

        Assert.Equal(409, ex.StatusCode);
        Assert.Contains("is not running", ex.Message, StringComparison.Ordinal);
    }
}
