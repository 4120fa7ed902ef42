using System.Text;
using FileSync.Docker;

namespace FileSync.Tests.Settings;

/// <summary>State.Paused from an inspection: a paused container also says Running, so Paused is what tells them apart.</summary>
public sealed class PausedInspectionTests
{
    public static TheoryData<string, string, bool, bool> Cases => new()
    {
        { "A paused container is running and paused", """{"Id":"a","State":{"Status":"paused","Running":true,"Paused":true}}""", true, true },
        { "A running container is not paused", """{"Id":"a","State":{"Status":"running","Running":true,"Paused":false}}""", true, false },
        { "An engine that does not say is not paused", """{"Id":"a","State":{"Status":"running","Running":true}}""", true, false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Paused_is_read_from_the_state(string sentence, string json, bool running, bool paused)
    {
        ContainerInfo info = DockerJson.ReadContainer(Encoding.UTF8.GetBytes(json));

        Assert.True((running, paused) == (info.Running, info.Paused), sentence);
    }
}
