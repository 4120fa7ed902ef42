using System.Diagnostics;
using System.Formats.Tar;

namespace FileSync.Tests.Core;

/// <summary>Tar entries as the archive writer makes them, for tests that feed a target directly.</summary>
internal static class TestArchive
{
    public static readonly DateTime Mtime = new(2022, 2, 3, 4, 5, 6, DateTimeKind.Utc);

    public static Func<Stream, CancellationToken, Task> Of(params TarEntry[] entries) => async (stream, ct) =>
    {
        await using var writer = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true);
        foreach (TarEntry entry in entries)
        {
            if (entry.DataStream is { CanSeek: true } data)
            {
                data.Position = 0;
            }

            await writer.WriteEntryAsync(entry, ct);
        }
    };

    public static PaxTarEntry File(string name, string content, UnixFileMode mode = (UnixFileMode)0b110_100_100) =>
        File(name, System.Text.Encoding.UTF8.GetBytes(content), mode);

    public static PaxTarEntry File(string name, byte[] content, UnixFileMode mode = (UnixFileMode)0b110_100_100) => new(TarEntryType.RegularFile, name)
    {
        DataStream = new MemoryStream(content),
        Mode = mode,
        ModificationTime = Mtime,
    };

    public static PaxTarEntry Folder(string name, UnixFileMode mode) => new(TarEntryType.Directory, name) { Mode = mode, ModificationTime = Mtime };

    public static PaxTarEntry Link(string name, string target) => new(TarEntryType.SymbolicLink, name) { LinkName = target, ModificationTime = Mtime };
}

/// <summary>stat(1) as an independent reader of what landed: it never follows a link it is given.</summary>
internal static class Stat
{
    public static Task<string> OwnerAsync(string path, CancellationToken ct) => FormatAsync("%u:%g", path, ct);

    public static async Task<string> FormatAsync(string format, string path, CancellationToken ct)
    {
        var psi = new ProcessStartInfo("stat") { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string arg in (string[])["-c", format, path])
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        string output = await process.StandardOutput.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }
}
