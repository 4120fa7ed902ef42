using System.Runtime.CompilerServices;

namespace FileSync.Tasks.Tests.Infrastructure;

/// <summary>The checkout these tests belong to: the folder holding FileSync.sln.</summary>
internal static class Repo
{
    public static string Root { get; } = Find();

    public static string PropsFile => Path.Combine(Root, "build", "FileSync.props");

    public static string TargetsFile => Path.Combine(Root, "build", "FileSync.targets");

    /// <summary>The task assembly built beside this test assembly.</summary>
    public static string TasksAssembly => typeof(SyncFiles).Assembly.Location;

    // Up from the test's output folder; with --artifacts-path that folder is outside the checkout, so also up from this source file.
    private static string Find([CallerFilePath] string sourceFile = "")
    {
        foreach (string start in new[] { AppContext.BaseDirectory, Path.GetDirectoryName(sourceFile) ?? "" })
        {
            for (DirectoryInfo? folder = start.Length > 0 ? new DirectoryInfo(start) : null; folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "FileSync.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException($"No folder with FileSync.sln above '{AppContext.BaseDirectory}' or '{sourceFile}'.");
    }
}
