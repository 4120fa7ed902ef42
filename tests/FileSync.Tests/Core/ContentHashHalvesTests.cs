using System.IO.Hashing;
using FileSync.Planning;

namespace FileSync.Tests.Core;

/// <summary>Hash128 holds exactly UInt128's halves of the same XxHash128, so states written before it read the same.</summary>
public sealed class ContentHashHalvesTests
{
    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("the quick brown fox jumps over the lazy dog, and then some more bytes to pass a block")]
    public void Hash128_is_the_high_and_low_half_of_UInt128(string text)
    {
        byte[] data = System.Text.Encoding.UTF8.GetBytes(text);
        UInt128 expected = XxHash128.HashToUInt128(data);
        var streamed = new XxHash128();
        streamed.Append(data);

        Assert.Equal(new Hash128((ulong)(expected >> 64), (ulong)expected), Hash128.Of(data));
        Assert.Equal(Hash128.Of(data), Hash128.Of(streamed));
    }
}
