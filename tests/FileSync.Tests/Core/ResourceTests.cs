using System.Reflection;
using System.Text.RegularExpressions;
using FileSync.Diagnostics;
using FileSync.Tests.Infrastructure;

namespace FileSync.Tests.Core;

/// <summary>Every message carries a unique code, every factory has its message, and every code is documented.</summary>
public sealed partial class ResourceTests
{
    private static readonly Dictionary<string, string> Resources = Diagnostic.AllResources().ToDictionary(r => r.Key, r => r.Value, StringComparer.Ordinal);

    [GeneratedRegex(@"^FSYNC\d{4}: \S")]
    private static partial Regex CodePrefix();

    private static IEnumerable<MethodInfo> Factories() =>
        typeof(Diag).GetMethods(BindingFlags.Public | BindingFlags.Static).Where(m => m.ReturnType == typeof(Diagnostic));

    private static string CodeOf(string text) => text[..text.IndexOf(':', StringComparison.Ordinal)];

    [Fact]
    public void There_are_resources()
    {
        Assert.True(Resources.Count >= 30, $"only {Resources.Count} resources were read");
    }

    [Fact]
    public void Every_resource_starts_with_its_code()
    {
        Assert.All(Resources, r => Assert.True(CodePrefix().IsMatch(r.Value), $"{r.Key}: '{r.Value}'"));
    }

    [Fact]
    public void Codes_are_unique()
    {
        var duplicates = Resources.GroupBy(r => CodeOf(r.Value)).Where(g => g.Count() > 1).Select(g => $"{g.Key}: {string.Join(", ", g.Select(r => r.Key))}");

        Assert.Empty(duplicates);
    }

    [Fact]
    public void Every_Diag_method_has_a_resource_of_its_name_and_every_resource_a_method()
    {
        string[] methods = [.. Factories().Select(m => m.Name).Order(StringComparer.Ordinal)];

        Assert.Equal(methods.Length, methods.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(Resources.Keys.Order(StringComparer.Ordinal), methods);
    }

    [Fact]
    public void Every_Diag_method_formats_its_code_and_every_argument()
    {
        Assert.All(Factories(), method =>
        {
            object[] args = [.. method.GetParameters().Select((p, i) => p.ParameterType == typeof(int) ? (object)(9000 + i) : $"«{p.Name}»")];

            var diagnostic = (Diagnostic)method.Invoke(null, args)!;

            Assert.Equal(CodeOf(Resources[method.Name]), diagnostic.Code);
            Assert.DoesNotContain("{", diagnostic.Message, StringComparison.Ordinal);
            Assert.False(diagnostic.Message.StartsWith("FSYNC", StringComparison.Ordinal), diagnostic.Message);
            foreach (object arg in args)
            {
                Assert.True(diagnostic.Message.Contains(arg.ToString()!, StringComparison.Ordinal), $"{method.Name} drops {arg}: {diagnostic.Message}");
            }
        });
    }

    [Fact]
    public void The_README_error_table_lists_exactly_the_codes_of_the_resources()
    {
        IReadOnlyList<ErrorRow> rows = ReadmeErrorTable();

        Assert.Empty(rows.GroupBy(row => row.Code).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Equal(Resources.Values.Select(CodeOf).Order(StringComparer.Ordinal), rows.Select(row => row.Code).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_README_row_says_what_to_do()
    {
        Assert.All(ReadmeErrorTable(), row =>
        {
            Assert.False(string.IsNullOrWhiteSpace(row.Meaning), $"{row.Code}: no meaning");
            Assert.False(string.IsNullOrWhiteSpace(row.WhatToDo), $"{row.Code}: no 'what to do'");
        });
    }

    [Fact]
    public void Every_README_row_has_the_severity_the_code_logs_it_with()
    {
        Dictionary<string, string> kinds = ReadmeErrorTable().ToDictionary(row => row.Code, row => row.Kind, StringComparer.Ordinal);
        IReadOnlyDictionary<string, string> raised = SeverityBySource();

        var wrong = Resources
            .Select(r => (Code: CodeOf(r.Value), Name: r.Key))
            .Select(r => (r.Code, r.Name, Readme: kinds.GetValueOrDefault(r.Code, "(no row)"), Source: raised.GetValueOrDefault(r.Name, "(never raised)")))
            .Where(r => r.Readme != r.Source)
            .Select(r => $"{r.Code} ({r.Name}): README '{r.Readme}', source '{r.Source}'");

        Assert.Empty(wrong);
    }

    private sealed record ErrorRow(string Code, string Kind, string Meaning, string WhatToDo);

    /// <summary>The rows of README.md's error table: <c>| FSYNCnnnn | error or warning | meaning | what to do |</c>.</summary>
    private static List<ErrorRow> ReadmeErrorTable()
    {
        var rows = new List<ErrorRow>();
        foreach (string line in File.ReadLines(Path.Combine(Repository.Root, "README.md")))
        {
            Match row = ErrorTableRow().Match(line);
            if (row.Success)
            {
                rows.Add(new ErrorRow(row.Groups["code"].Value, row.Groups["kind"].Value.Trim(), row.Groups["meaning"].Value.Trim(), row.Groups["todo"].Value.Trim()));
            }
        }

        Assert.True(rows.Count >= 30, $"only {rows.Count} rows read from the README's error table");
        return rows;
    }

    // A cell may hold "|" only inside backquotes; the error table has none, so a plain split is exact.
    [GeneratedRegex(@"^\|\s*(?<code>FSYNC\d{4})\s*\|(?<kind>[^|]*)\|(?<meaning>[^|]*)\|(?<todo>[^|]*)\|\s*$")]
    private static partial Regex ErrorTableRow();

    /// <summary>
    /// How the product raises each resource, read from its sources: "warning" when every use of <c>Diag.Name(</c> is
    /// the argument of <c>.Warning(</c> (ILog.Warning, logged as an MSBuild warning), "message" when every use is the
    /// argument of <c>.Summary(</c>, "error" when every use is neither (a thrown FileSyncException or ILog.Error),
    /// "mixed" otherwise. A resource no source raises is missing from the result.
    /// </summary>
    private static Dictionary<string, string> SeverityBySource()
    {
        string src = Path.Combine(Repository.Root, "src");
        var uses = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (string file in Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories).Where(f => Path.GetFileName(f) != "Diag.cs" && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)))
        {
            string text = File.ReadAllText(file);
            foreach (Match use in DiagUse().Matches(text))
            {
                ReadOnlySpan<char> before = text.AsSpan(Math.Max(0, use.Index - 40), Math.Min(40, use.Index));
                string kind = WarningCall().IsMatch(before) ? "warning" : MessageCall().IsMatch(before) ? "message" : "error";
                uses.TryAdd(use.Groups["name"].Value, []);
                uses[use.Groups["name"].Value].Add(kind);
            }
        }

        return uses.ToDictionary(u => u.Key, u => u.Value.Distinct().Count() == 1 ? u.Value[0] : "mixed", StringComparer.Ordinal);
    }

    [GeneratedRegex(@"\bDiag\.(?<name>\w+)\(")]
    private static partial Regex DiagUse();

    [GeneratedRegex(@"\.Warning\(\s*$")]
    private static partial Regex WarningCall();

    /// <summary>ILog.Summary / ILog.Detail: a coded message (the sync server's lines), neither a warning nor an error.</summary>
    [GeneratedRegex(@"\.(Summary|Detail)\(\s*$")]
    private static partial Regex MessageCall();
}
