namespace FileSync.Planning;

/// <summary>
/// The plain files a warm <see cref="SourceScanner"/> statted, by path, with the folders that hold them and every folder
/// above those: an event for a folder finds the files below it without going through every file, and an event for a
/// path that holds none (obj/, an editor's temporary file) costs two look-ups.
/// </summary>
internal sealed class KnownFiles
{
    private readonly Dictionary<string, SourceFile> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _byFolder = new(StringComparer.Ordinal);
    private readonly HashSet<string> _folders = new(StringComparer.Ordinal); // at or above a folder of _byFolder

    public bool TryGet(string path, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out SourceFile? file) => _files.TryGetValue(path, out file);

    public void Add(string path, SourceFile file)
    {
        _files[path] = file;
        string folder = Path.GetDirectoryName(path)!;
        if (!_byFolder.TryGetValue(folder, out HashSet<string>? files))
        {
            _byFolder[folder] = files = new(StringComparer.Ordinal);
            for (string? above = folder; above is not null && _folders.Add(above); above = Path.GetDirectoryName(above))
            {
            }
        }

        files.Add(path);
    }

    /// <summary>The file at <paramref name="path"/>, or every file below the folder there, is statted again; each one
    /// forgotten is added to <paramref name="forgotten"/>.</summary>
    public void Forget(string path, ISet<string> forgotten)
    {
        if (_files.Remove(path)) // its folder still lists it: harmless, a later Add of it is the same name
        {
            forgotten.Add(path);
        }

        if (!_folders.Contains(path))
        {
            return;
        }

        string below = path + "/";
        foreach (string folder in _byFolder.Keys.Where(folder => folder == path || folder.StartsWith(below, StringComparison.Ordinal)).ToList())
        {
            foreach (string file in _byFolder[folder])
            {
                if (_files.Remove(file))
                {
                    forgotten.Add(file);
                }
            }

            _byFolder.Remove(folder);
        }

        _folders.RemoveWhere(folder => folder == path || folder.StartsWith(below, StringComparison.Ordinal));
    }

    public void Clear()
    {
        _files.Clear();
        _byFolder.Clear();
        _folders.Clear();
    }
}
