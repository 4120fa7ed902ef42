using FileSync.Diagnostics;

namespace FileSync.Rules;

/// <summary>A FileSyncRule's Mode metadata: permission bits in octal, as chmod takes them ("644", "0755").
/// Set-id and sticky bits are refused: a sync does not hand out privileges.</summary>
internal static class FileModeText
{
    /// <summary>Null for no Mode (empty or blanks); a coded error naming <paramref name="rule"/> and the value otherwise.</summary>
    public static UnixFileMode? Parse(string rule, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        string digits = text.Trim();
        if (digits.Length == 4 && digits[0] == '0')
        {
            digits = digits[1..];
        }

        if (digits.Length != 3 || digits.Any(c => c is < '0' or > '7'))
        {
            throw new FileSyncException(Diag.RuleModeInvalid(rule, text));
        }

        return (UnixFileMode)(((digits[0] - '0') << 6) | ((digits[1] - '0') << 3) | (digits[2] - '0'));
    }

    /// <summary>"0755".</summary>
    public static string Format(UnixFileMode mode) => "0" + Convert.ToString((int)mode & 0b111_111_111, 8).PadLeft(3, '0');
}
