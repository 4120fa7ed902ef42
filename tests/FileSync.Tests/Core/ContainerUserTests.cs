using FileSync.Diagnostics;
using FileSync.Targets;

namespace FileSync.Tests.Core;

/// <summary>A container's configured user to numbers, image references, and label selectors.</summary>
public sealed class ContainerUserTests
{
    private const string Passwd = """
        root:x:0:0:root:/root:/bin/sh
        daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
        app:x:1000:1001:App user:/home/app:/bin/sh
        web:x:1002:1003::/srv:/sbin/nologin
        """;

    private const string Group = "root:x:0:\r\nstaff:x:50:app\r\napp:x:1001:\r\nwww:x:33:web,app\r\n";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // sentence, configured user, whether /etc/passwd and /etc/group exist, expected "uid:gid" or null (unresolved)
    public static TheoryData<string, string, bool, string?> Users => new()
    {
        { "no user is root", "", true, "0:0" },
        { "a blank user is root", "  ", true, "0:0" },
        { "uid:gid numbers are taken as they are", "1000:1001", true, "1000:1001" },
        { "uid:gid numbers need no /etc/passwd", "4242:4343", false, "4242:4343" },
        { "a name is looked up in /etc/passwd with its primary group", "app", true, "1000:1001" },
        { "another name", "web", true, "1002:1003" },
        { "a bare uid takes its passwd group", "1000", true, "1000:1001" },
        { "root by number", "0", true, "0:0" },
        { "a bare uid not in /etc/passwd takes gid 0", "4242", true, "4242:0" },
        { "a bare uid without any /etc/passwd takes gid 0", "1000", false, "1000:0" },
        { "name:group goes through /etc/group", "app:staff", true, "1000:50" },
        { "name:group with a Windows line end in /etc/group", "web:www", true, "1002:33" },
        { "name:gid", "app:50", true, "1000:50" },
        { "uid:group", "1000:www", true, "1000:33" },
        { "an unknown name is unresolved", "nobody", true, null },
        { "a name without any /etc/passwd is unresolved", "app", false, null },
        { "an unknown group is unresolved", "app:wheel", true, null },
        { "a name matches whole, not a prefix", "ap", true, null },
        { "a name does not match a uid field", "x", true, null },
    };

    [Theory]
    [MemberData(nameof(Users))]
    public async Task ResolveAsync_resolves_a_user_the_way_the_runtime_does(string sentence, string user, bool filesExist, string? expected)
    {
        var reads = new List<string>();
        Task<string?> ReadFile(string path, CancellationToken ct)
        {
            reads.Add(path);
            return Task.FromResult(!filesExist ? null : path switch
            {
                "/etc/passwd" => Passwd,
                "/etc/group" => Group,
                _ => throw new InvalidOperationException("unexpected read of " + path),
            });
        }

        var owner = await ContainerUser.ResolveAsync(user, ReadFile, Ct);

        Assert.True(expected == owner?.ToString(), $"{sentence}: got {owner?.ToString() ?? "null"} after reading {string.Join(", ", reads)}");
        if (user.Trim().Length == 0 || user.Split(':').All(part => part.Length > 0 && part.All(char.IsAsciiDigit)) && user.Contains(':', StringComparison.Ordinal))
        {
            Assert.Empty(reads);
        }
    }

    // sentence, reference, normalized
    public static TheoryData<string, string, string> Normalized => new()
    {
        { "a bare name is :latest", "web", "web:latest" },
        { "a tag stays", "web:1.2", "web:1.2" },
        { "docker.io/library/ is dropped", "docker.io/library/web", "web:latest" },
        { "index.docker.io/library/ with a tag", "index.docker.io/library/web:2", "web:2" },
        { "docker.io/ of a user image is dropped", "docker.io/someone/web:3", "someone/web:3" },
        { "library/ alone is Docker Hub's official namespace", "library/web", "web:latest" },
        { "a registry port is not a tag", "localhost:5000/web", "localhost:5000/web:latest" },
        { "a registry port and a tag", "localhost:5000/web:dev", "localhost:5000/web:dev" },
        { "another registry keeps its host", "ghcr.io/org/web", "ghcr.io/org/web:latest" },
        { "a digest stays as it is", "web@sha256:0123abcd", "web@sha256:0123abcd" },
        { "Podman's localhost/ of a local image is no registry", "localhost/web", "web:latest" },
        { "Podman's localhost/ with a tag and a namespace", "localhost/team/web:dev", "team/web:dev" },
        { "a localhost registry with a port keeps it", "localhost:5000/team/web", "localhost:5000/team/web:latest" },
    };

    [Theory]
    [MemberData(nameof(Normalized))]
    public void Normalize_writes_references_one_way(string sentence, string reference, string expected)
    {
        Assert.True(expected == ImageReference.Normalize(reference), $"{sentence}: got {ImageReference.Normalize(reference)}");
    }

    // sentence, wanted, container's image, container's image id, matches
    public static TheoryData<string, string, string, string, bool> Matches => new()
    {
        { "a name matches its :latest", "web", "web:latest", "sha256:aa11", true },
        { "a full Docker Hub reference matches the short one", "docker.io/library/web:latest", "web", "sha256:aa11", true },
        { "surrounding blanks are ignored", "  web  ", "web", "sha256:aa11", true },
        { "another tag does not match", "web:1", "web:latest", "sha256:aa11", false },
        { "another name does not match", "api", "web", "sha256:aa11", false },
        { "a name is not a prefix match", "we", "web", "sha256:aa11", false },
        { "another registry does not match Docker Hub", "ghcr.io/library/web", "web", "sha256:aa11", false },
        { "the test image", "filesync-test:busybox", "filesync-test:busybox", "sha256:aa11", true },
        { "the test image as Podman names it", "filesync-test:busybox", "localhost/filesync-test:busybox", "sha256:aa11", true },
        { "Podman's full name as written by a user", "localhost/web", "web:latest", "sha256:aa11", true },
        { "an image id matches by prefix", "sha256:aa1", "web", "sha256:aa11", true },
        { "another image id does not match", "sha256:bb", "web", "sha256:aa11", false },
    };

    [Theory]
    [MemberData(nameof(Matches))]
    public void Matches_compares_references_the_way_users_write_them(string sentence, string wanted, string image, string imageId, bool expected)
    {
        Assert.True(expected == ImageReference.Matches(wanted, image, imageId), sentence);
    }

    // sentence, selector, labels
    public static TheoryData<string, string?, string[]> ValidSelectors => new()
    {
        { "no selector is no filter", null, [] },
        { "an empty selector is no filter", "", [] },
        { "one label", "com.docker.compose.service=web", ["com.docker.compose.service=web"] },
        { "several labels, blanks trimmed", "a=b , c=d", ["a=b", "c=d"] },
        { "a bare key means the label is present", "tier", ["tier"] },
        { "a value may hold '='", "expr=a=b", ["expr=a=b"] },
    };

    [Theory]
    [MemberData(nameof(ValidSelectors))]
    public void Labels_splits_a_selector(string sentence, string? selector, string[] expected)
    {
        Assert.True(expected.SequenceEqual(TargetFactory.Labels(selector)), $"{sentence}: got {string.Join(" | ", TargetFactory.Labels(selector))}");
    }

    // sentence, selector
    public static TheoryData<string, string> InvalidSelectors => new()
    {
        { "an empty label between commas", "a=b,,c=d" },
        { "a trailing comma", "a=b," },
        { "only commas and blanks", " , " },
        { "a label without a key", "=web" },
        { "a blank label", "a=b,  ,c=d" },
    };

    [Theory]
    [MemberData(nameof(InvalidSelectors))]
    public void Labels_refuses_a_malformed_selector(string sentence, string selector)
    {
        var error = Assert.Throws<FileSyncException>(() => TargetFactory.Labels(selector));

        Assert.True(error.Diagnostic.Code == "FSYNC0006", sentence + ": " + error.Diagnostic);
        Assert.Contains(selector, error.Diagnostic.Message, StringComparison.Ordinal);
    }
}
