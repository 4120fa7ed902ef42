using System.Text;

namespace FileSync.Rules;

/// <summary>Go's <c>path</c> package for container paths: always '/', whatever the host OS.</summary>
internal static class UnixPath
{
    /// <summary>Linux PATH_MAX and NAME_MAX, in bytes.</summary>
    public const int MaxPathBytes = 4096;
    public const int MaxNameBytes = 255;

    public static bool HasDotDotSegment(string path) =>
        path.Replace('\\', '/').Split('/').Any(segment => segment == "..");

    public static string Join(string first, string second) =>
        first.Length == 0 ? Clean(second) : second.Length == 0 ? Clean(first) : Clean(first + "/" + second);

    /// <summary>Lexical clean like Go's path.Clean: folds '//', drops '.', resolves '..' (never above '/').</summary>
    public static string Clean(string path)
    {
        if (path.Length == 0)
        {
            return ".";
        }

        if (IsClean(path))
        {
            return path; // the common case, on the hot path of every planned file: no allocation
        }

        bool rooted = path[0] == '/';
        var parts = new List<string>();
        foreach (string segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (segment == "..")
            {
                if (parts.Count > 0 && parts[^1] != "..")
                {
                    parts.RemoveAt(parts.Count - 1);
                }
                else if (!rooted)
                {
                    parts.Add(segment);
                }

                continue;
            }

            parts.Add(segment);
        }

        string joined = string.Join('/', parts);
        return rooted ? "/" + joined : joined.Length == 0 ? "." : joined;
    }

    /// <summary>No empty, "." or ".." segment and no trailing '/': what Clean would return unchanged.</summary>
    private static bool IsClean(string path)
    {
        if (path == "/")
        {
            return true;
        }

        int start = path[0] == '/' ? 1 : 0;
        for (int i = start; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] != '/')
            {
                continue;
            }

            int length = i - start;
            if (length == 0 || (length == 1 && path[start] == '.') || (length == 2 && path[start] == '.' && path[start + 1] == '.'))
            {
                return false;
            }

            start = i + 1;
        }

        return true;
    }

    /// <summary>True when the path fits Linux's limits (so the container can hold it).</summary>
    public static bool FitsLinuxLimits(string absolutePath, out int bytes)
    {
        // A UTF-16 char is at most 3 UTF-8 bytes: short paths need no counting.
        if (absolutePath.Length * 3 <= MaxNameBytes)
        {
            bytes = absolutePath.Length;
            return true;
        }

        bytes = Encoding.UTF8.GetByteCount(absolutePath);
        if (bytes >= MaxPathBytes)
        {
            return false;
        }

        foreach (string segment in absolutePath.Split('/'))
        {
            if (segment.Length * 3 > MaxNameBytes && Encoding.UTF8.GetByteCount(segment) > MaxNameBytes)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The parent folder of an absolute path ("/" for "/a").</summary>
    public static string Parent(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }
}
