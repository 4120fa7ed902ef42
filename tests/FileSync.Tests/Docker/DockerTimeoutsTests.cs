using FileSync.Docker;

namespace FileSync.Tests.Docker;

/// <summary>FileSyncDockerTimeout as the task receives it.</summary>
public sealed class DockerTimeoutsTests
{
    /// <summary>sentence, property value, connect / response / stall seconds (null: refused).</summary>
    public static TheoryData<string, string?, int[]?> Values => new()
    {
        { "Unset means the defaults", null, [10, 60, 60] },
        { "Blank means the defaults", "  ", [10, 60, 60] },
        { "One number sets all three bounds", "300", [300, 300, 300] },
        { "Spaces around are ignored", " 5 ", [5, 5, 5] },
        { "Zero would mean no bound: refused", "0", null },
        { "A negative number is refused", "-1", null },
        { "A unit is refused", "5min", null },
        { "A fraction is refused", "1.5", null },
        { "More than a day is refused", "86401", null },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public void Parses_seconds(string sentence, string? value, int[]? seconds)
    {
        bool parsed = DockerTimeouts.TryParse(value, out DockerTimeouts timeouts);

        Assert.True(parsed == seconds is not null, sentence);
        if (seconds is not null)
        {
            Assert.Equal(seconds, new[] { (int)timeouts.Connect.TotalSeconds, (int)timeouts.Response.TotalSeconds, (int)timeouts.Stall.TotalSeconds });
        }
    }
}
