using System.Globalization;
using System.Resources;

namespace FileSync.Diagnostics;

/// <summary>A coded message (FSYNCnnnn) with the file it is about, ready for MSBuild.</summary>
internal sealed record Diagnostic(string Code, string Message, string? File = null)
{
    /// <summary>1-based line in <see cref="File"/> (0: none), for MSBuild's file(line,column) form.</summary>
    public int Line { get; init; }

    public int Column { get; init; }

    private static readonly ResourceManager Resources = new("FileSync.Strings", typeof(Diagnostic).Assembly);

    /// <summary>Formats the resource <paramref name="name"/>, whose text starts with its code ("FSYNC1001: ...").</summary>
    internal static Diagnostic FromResource(string name, string? file, params object?[] args)
    {
        string format = Resources.GetString(name, CultureInfo.InvariantCulture)
            ?? throw new InvalidOperationException($"Missing resource '{name}'.");
        string text = string.Format(CultureInfo.InvariantCulture, format, args);
        int colon = text.IndexOf(':');
        return new Diagnostic(text[..colon], text[(colon + 1)..].TrimStart(), file);
    }

    /// <summary>Every resource name and text, for the uniqueness and documentation tests.</summary>
    internal static IEnumerable<KeyValuePair<string, string>> AllResources()
    {
        ResourceSet set = Resources.GetResourceSet(CultureInfo.InvariantCulture, createIfNotExists: true, tryParents: true)!;
        foreach (System.Collections.DictionaryEntry entry in set)
        {
            yield return new((string)entry.Key, (string)entry.Value!);
        }
    }

    public override string ToString() => $"{Code}: {Message}";
}

/// <summary>A failure Core cannot recover from; the task logs its diagnostic as an error.</summary>
internal sealed class FileSyncException(Diagnostic diagnostic, Exception? inner = null)
    : Exception(diagnostic.ToString(), inner)
{
    public Diagnostic Diagnostic { get; } = diagnostic;
}
