using System.Runtime.CompilerServices;

namespace FileSync.Tests.Infrastructure;

/// <summary>The source repository these tests were built from.</summary>
internal static class Repository
{
    /// <summary>
    /// The folder holding FileSync.sln, above the test's output folder; with an --artifacts-path outside the repository,
    /// above this source file (where it was compiled) or the current folder.
    /// </summary>
    public static string Root { get; } = Find();

    private static string Find([CallerFilePath] string sourceFile = "")
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
