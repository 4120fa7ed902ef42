namespace FileSync.Tasks.Tests.Infrastructure;

/// <summary>A fresh folder under the temp path, deleted on dispose.</summary>
internal sealed class TempFolder : IDisposable
{
    public TempFolder() => System.IO.Directory.CreateDirectory(Root);

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "fsync-tasks-" + Guid.NewGuid().ToString("N")[..12]);

    /// <summary>A path below the root (not created).</summary>
    public string PathOf(string relative) => Path.Combine(Root, relative);

    /// <summary>Creates a folder below the root and returns its full path.</summary>
    public string CreateFolder(string relative) => System.IO.Directory.CreateDirectory(PathOf(relative)).FullName;

    /// <summary>Writes a file below the root (creating its folders) and returns its full path.</summary>
    public string WriteFile(string relative, string content)
    {
        string path = PathOf(relative);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Every file below <paramref name="relative"/>, relative to it with '/', sorted.</summary>
    public string[] FilesUnder(string relative)
    {
        string folder = PathOf(relative);
        return !System.IO.Directory.Exists(folder)
            ? []
            : [.. System.IO.Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
                .Select(file => Path.GetRelativePath(folder, file).Replace('\\', '/'))
                .Order(StringComparer.Ordinal)];
    }

    public void Dispose()
    {
        if (System.IO.Directory.Exists(Root))
        {
            System.IO.Directory.Delete(Root, recursive: true);
        }
    }
}
