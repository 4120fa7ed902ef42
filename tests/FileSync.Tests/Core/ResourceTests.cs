using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using FileSync.Diagnostics;

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
    public void Every_code_is_documented_in_the_README()
    {
        string readme = File.ReadAllText(Path.Combine(RepositoryRoot(), "README.md"));

        var missing = Resources.Values.Select(CodeOf).Where(code => !readme.Contains(code, StringComparison.Ordinal)).Order(StringComparer.Ordinal);

        Assert.Empty(missing);
    }

    /// <summary>
    /// The folder holding FileSync.sln, above the test's output folder; with an --artifacts-path outside the repository,
    /// above this source file (where it was compiled) or the current folder.
    /// </summary>
    private static string RepositoryRoot([CallerFilePath] string sourceFile = "")
    {
        string[] starts = [AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "", Environment.CurrentDirectory];
        foreach (string start in starts.Where(Path.IsPathFullyQualified))
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "FileSync.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No FileSync.sln above any of {string.Join(", ", starts)}");
    }
}
