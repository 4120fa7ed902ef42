using System.Runtime.Versioning;

namespace FileSync.Tests.Core;

/// <summary>A fresh folder under the temp directory, removed on dispose. Links made in tests point inside it.</summary>
[UnsupportedOSPlatform("windows")]
internal sealed class TempFolder : IDisposable
{
    public TempFolder()
    {
        Path = Directory.CreateTempSubdirectory("filesync-core-").FullName;
    }

    public string Path { get; }

    /// <summary>The absolute path of a '/'-separated relative path inside the folder.</summary>
    public string Combine(string relative) => System.IO.Path.Combine(Path, relative.Replace('/', System.IO.Path.DirectorySeparatorChar));

    public string Folder(string relative)
    {
        string full = Combine(relative);
        Directory.CreateDirectory(full);
        return full;
    }

    public string Write(string relative, string content, DateTime? mtimeUtc = null) =>
        Write(relative, System.Text.Encoding.UTF8.GetBytes(content), mtimeUtc);

    public string Write(string relative, byte[] content, DateTime? mtimeUtc = null)
    {
        string full = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        if (mtimeUtc is { } mtime)
        {
            File.SetLastWriteTimeUtc(full, mtime);
        }

        return full;
    }

    /// <summary>Creates a symbolic link at <paramref name="relative"/> whose text is <paramref name="target"/> (verbatim).</summary>
    public string Link(string relative, string target)
    {
        string full = Combine(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.CreateSymbolicLink(full, target);
        return full;
    }

    public void Dispose()
    {
        // Directory.Delete removes links, never what they point at.
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
