namespace FileSync.Tests.Infrastructure;

/// <summary>
/// A folder tree whose path passes the host's 4,096-byte limit: folders of 200-byte names, built in two halves, each short
/// enough to create, then the second moved into the first (rename(2) takes short paths). Shared by the Core and the
/// end-to-end tests (linked).
/// </summary>
internal static class DeepTree
{
    /// <summary>Builds the tree below <paramref name="under"/> until the path passes <paramref name="bytes"/>; returns its
    /// top moved folder. <paramref name="file"/> is the path of the file at the bottom, past the limit.</summary>
    public static string Create(string under, int bytes, out string file)
    {
        string name = new('d', 200);
        string first = under;
        while (first.Length < 2000)
        {
            first = Path.Combine(first, name);
        }

        Directory.CreateDirectory(first);
        string elsewhere = Directory.CreateTempSubdirectory("filesync-deep-").FullName;
        string second = Path.Combine(elsewhere, name);
        string deepest = second;
        while (first.Length + "/e".Length + (deepest.Length - second.Length) < bytes)
        {
            deepest = Path.Combine(deepest, name);
        }

        Directory.CreateDirectory(deepest);
        File.WriteAllText(Path.Combine(deepest, "f.txt"), "deep");
        Directory.Move(second, Path.Combine(first, "e"));
        Directory.Delete(elsewhere);
        file = Path.Combine(first, "e") + deepest[second.Length..] + "/f.txt";
        return Path.Combine(first, "e");
    }

    public static string Create(string under, int bytes) => Create(under, bytes, out _);

    /// <summary>Takes a tree made by <see cref="Create(string, int, out string)"/> apart again: no path past the limit can be deleted whole.</summary>
    public static void Remove(string moved)
    {
        string elsewhere = Directory.CreateTempSubdirectory("filesync-deep-").FullName;
        Directory.Move(moved, Path.Combine(elsewhere, "e"));
        Directory.Delete(elsewhere, recursive: true);
    }
}
