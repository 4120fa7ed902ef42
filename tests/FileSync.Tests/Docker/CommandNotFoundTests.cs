using FileSync.Docker;

namespace FileSync.Tests.Docker;

public sealed class CommandNotFoundTests
{
    /// <summary>sentence, exit code, stdout, stderr, expected.</summary>
    public static TheoryData<string, int, string, string, bool> Cases => new()
    {
        { "runc: a command missing from PATH (engine 20.10, seen here)", 126, "OCI runtime exec failed: exec failed: unable to start container process: exec: \"rm\": executable file not found in $PATH: unknown\r\n", "", true },
        { "runc: an absolute path that does not exist", 126, "OCI runtime exec failed: exec failed: unable to start container process: exec: \"/bin/rm\": stat /bin/rm: no such file or directory: unknown\r\n", "", true },
        { "crun (podman) words it differently and may exit 127", 127, "", "crun: executable file `rm` not found in $PATH: No such file or directory: OCI runtime attempted to invoke a command that was not found", true },
        { "A file that is not executable is not 'not found'", 126, "OCI runtime exec failed: exec failed: unable to start container process: exec: \"/etc/passwd\": permission denied: unknown\r\n", "", false },
        { "A shell's own 'not found' is the command's result", 127, "", "sh: nosuch: not found\n", false },
        { "Exit code 1 is never 'not found'", 1, "OCI runtime exec failed: executable file not found", "", false },
        { "A normal success", 0, "", "", false },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Recognises_a_missing_executable(string sentence, int exitCode, string stdout, string stderr, bool expected) =>
        Assert.True(expected == DockerClient.IsCommandNotFound(exitCode, stdout, stderr), sentence);
}
