using System.Text;
using System.Text.RegularExpressions;

namespace FileSync.Actions;

/// <summary>
/// A FileSyncAction's Match: a glob over destination paths. <c>*</c> and <c>?</c> stay within one segment, <c>**</c> (a
/// whole segment) spans any number of folders, including none. An absolute glob matches the absolute destination; a
/// relative one matches the destination relative to the sync's working directory (the container's WORKDIR), and a
/// destination outside it by its absolute path without the leading '/'.
/// </summary>
internal sealed class DestinationGlob
{
    private readonly Regex _regex;
    private readonly bool _absolute;

    private DestinationGlob(string pattern, Regex regex, bool absolute)
    {
        Pattern = pattern;
        _regex = regex;
        _absolute = absolute;
    }

    public string Pattern { get; }

    /// <summary>Null with the reason when <paramref name="pattern"/> is not a glob of this form.</summary>
    public static DestinationGlob? TryParse(string pattern, out string? reason)
    {
        reason = Validate(pattern);
        if (reason is not null)
        {
            return null;
        }

        bool absolute = pattern.StartsWith('/');
        string[] segments = pattern.TrimStart('/').Split('/');
        var regex = new StringBuilder("^");
        for (int i = 0; i < segments.Length; i++)
        {
            bool last = i == segments.Length - 1;
            if (segments[i] == "**")
            {
                regex.Append(last ? ".*" : "(?:[^/]*/)*");
                continue;
            }

            foreach (char c in segments[i])
            {
                regex.Append(c switch
                {
                    '*' => "[^/]*",
                    '?' => "[^/]",
                    _ => Regex.Escape(c.ToString()),
                });
            }

            if (!last)
            {
                regex.Append('/');
            }
        }

        regex.Append('$');
        return new DestinationGlob(pattern, new Regex(regex.ToString(), RegexOptions.CultureInvariant | RegexOptions.Singleline), absolute);
    }

    private static string? Validate(string pattern)
    {
        if (pattern.Length == 0 || pattern == "/")
        {
            return "it is empty";
        }

        if (pattern.IndexOfAny(['[', ']', '{', '}', '\\']) >= 0)
        {
            return "'[', ']', '{', '}' and '\\' are not supported (use '*', '?' and '**')";
        }

        string[] segments = pattern.TrimStart('/').Split('/');
        if (segments.Any(segment => segment.Length == 0))
        {
            return "it has an empty folder name ('//' or a trailing '/')";
        }

        if (segments.Any(segment => segment is "." or ".."))
        {
            return "it has a '.' or '..' segment";
        }

        if (segments.Any(segment => segment != "**" && segment.Contains("**", StringComparison.Ordinal)))
        {
            return "'**' must be a whole folder segment, as in '**/*.dll'";
        }

        return null;
    }

    /// <summary>Whether the absolute destination <paramref name="path"/> matches, with <paramref name="workingDirectory"/> as the base of a relative glob.</summary>
    public bool IsMatch(string path, string workingDirectory)
    {
        if (_absolute)
        {
            return _regex.IsMatch(path[1..]);
        }

        string prefix = workingDirectory.EndsWith('/') ? workingDirectory : workingDirectory + "/";
        return _regex.IsMatch(path.StartsWith(prefix, StringComparison.Ordinal) ? path[prefix.Length..] : path[1..]);
    }
}
