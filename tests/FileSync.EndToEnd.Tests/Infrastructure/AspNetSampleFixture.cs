namespace FileSync.EndToEnd.Tests.Infrastructure;

/// <summary>
/// samples/aspnet exactly as it is in the repository (the SDK's webapp template + a C# endpoint, build outputs synced,
/// a <c>process</c> action), published and imaged with <c>--launcher</c> as the README and build/demo.sh do; only the
/// package source, the packages folder and the container's name come from the test (a Directory.Build.props beside it).
/// </summary>
public sealed class AspNetSampleFixture(PackageFixture package) : AspNetAppFixture(package)
{
    protected override string AppName => "AspNetSample";

    protected override IReadOnlyList<string> ImageOptions => ["--launcher"];

    protected override Task CreateAppAsync(string dir, string name, CancellationToken ct)
    {
        string sample = Path.Combine(RepositoryRoot(), "samples", "aspnet");
        foreach (string file in Directory.EnumerateFiles(sample, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(sample, file);
            if (relative.Split(Path.DirectorySeparatorChar)[0] is "bin" or "obj")
            {
                continue;
            }

            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(dir, relative))!);
            File.Copy(file, Path.Combine(dir, relative));
        }

        UsePackage(dir);
        File.WriteAllText(Path.Combine(dir, "Directory.Build.props"), $"""
            <Project>
              <PropertyGroup>
                <FileSyncVersion>{Package.Version}</FileSyncVersion>
                <RestorePackagesPath>{Package.PackagesFolder}</RestorePackagesPath>
                <UseSharedCompilation>false</UseSharedCompilation>
                <FileSyncContainer>{name}</FileSyncContainer>
              </PropertyGroup>
            </Project>
            """);
        return Task.CompletedTask;
    }
}
