using FileSync.Docker;

namespace FileSync.Tests.Docker;

/// <summary>The one redaction rule, used by every message that shows an address (FSYNC2001, invalid endpoints, timeouts).</summary>
public sealed class CredentialsTests
{
    /// <summary>sentence, address, as shown.</summary>
    public static TheoryData<string, string, string> Addresses => new()
    {
        { "A socket path has nothing to hide", "unix:///var/run/docker.sock", "unix:///var/run/docker.sock" },
        { "A tcp address has nothing to hide", "tcp://10.0.0.5:2376/docker", "tcp://10.0.0.5:2376/docker" },
        { "User and password in tcp", "tcp://me:s3cr3t@docker.local:2375", "tcp://***@docker.local:2375" },
        { "A user alone in ssh", "ssh://s3cr3t@build-host", "ssh://***@build-host" },
        { "Userinfo in any scheme", "https://me:s3cr3t@proxy.local/docker", "https://***@proxy.local/docker" },
        { "A password holding '/'", "tcp://me:s3/cr3t@docker.local:2375", "tcp://***@docker.local:2375" },
        { "A password holding '@' and '?'", "tcp://me:s3@c?r3t@docker.local:2375", "tcp://***@docker.local:2375" },
        { "Userinfo without a scheme", "me:s3cr3t@docker.local:2375", "***@docker.local:2375" },
        { "A query token", "tcp://docker.local:2375/?token=s3cr3t", "tcp://docker.local:2375/?token=***" },
        { "Every query value, and a bare one", "tcp://h:1/x?a=s3cr3t&s3cr3t&b=s3cr3t#frag", "tcp://h:1/x?a=***&***&b=***#frag" },
        { "Userinfo and a query together", "tcp://me:s3cr3t@h:1/?access_token=s3cr3t", "tcp://***@h:1/?access_token=***" },
    };

    [Theory]
    [MemberData(nameof(Addresses))]
    public void Redact_hides_userinfo_and_query_values(string sentence, string address, string shown)
    {
        string actual = Credentials.Redact(address);

        Assert.True(shown == actual, $"{sentence}: expected {shown}, got {actual}");
        Assert.DoesNotContain("s3", actual, StringComparison.Ordinal);
    }
}
