using System.IO.Hashing;
using System.Text;
using FileSync.Planning;
using FileSync.Rules;

namespace FileSync.Skaffold;

/// <summary>
/// What MSBuild's inputs check is for FileSyncRule items, for a skaffold.yaml's rules (whose files MSBuild never
/// sees): a hash of the settings, the file's bytes and every source as stat saw it (path, size, mtime, mode, link,
/// rules). The after-build sync skips the targets when it equals the one recorded after the last sync that
/// succeeded, exactly as MSBuild skips the task for items; an explicit SyncToContainer never skips.
/// </summary>
internal static class ConfigFingerprint
{
    public const string FileName = "config.fingerprint";

    public static string Compute(string configFile, IEnumerable<string?> settings, IReadOnlyList<SourceFile> sources)
    {
        var hash = new XxHash128();
        var text = new StringBuilder("filesync-config-1\n");
        foreach (string? setting in settings)
        {
            text.Append(setting).Append('\u0001');
        }

        text.Append('\n');
        foreach (SourceFile source in sources)
        {
            text.Append(source.RelativePath).Append('\u0001').Append(source.FullPath).Append('\u0001').Append(source.Kind)
                .Append('\u0001').Append(source.Size).Append('\u0001').Append(source.MtimeTicks).Append('\u0001').Append((int)source.Mode)
                .Append('\u0001').Append(source.LinkTarget);
            foreach (SyncRule rule in source.Rules)
            {
                text.Append('\u0002').Append(rule.Dest).Append('\u0001').Append(rule.Strip).Append('\u0001').Append(rule.Origin).Append('\u0001').Append(rule.IsBuildOutput);
            }

            text.Append('\n');
        }

        hash.Append(Encoding.UTF8.GetBytes(text.ToString()));
        hash.Append(File.ReadAllBytes(configFile));
        return Convert.ToHexString(hash.GetCurrentHash());
    }

    /// <summary>Whether the fingerprint recorded in <paramref name="stateDirectory"/> is <paramref name="fingerprint"/> (no record, or an unreadable one: no).</summary>
    public static bool Matches(string stateDirectory, string fingerprint)
    {
        try
        {
            return File.ReadAllText(Path.Combine(stateDirectory, FileName)) == fingerprint;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>Drops the record before a sync that contacts the targets: only its success records one again.</summary>
    public static void Forget(string stateDirectory)
    {
        try
        {
            File.Delete(Path.Combine(stateDirectory, FileName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Records it after a sync that succeeded; a failure only costs the next no-op its shortcut.</summary>
    public static void Record(string stateDirectory, string fingerprint)
    {
        try
        {
            File.WriteAllText(Path.Combine(stateDirectory, FileName), fingerprint);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
