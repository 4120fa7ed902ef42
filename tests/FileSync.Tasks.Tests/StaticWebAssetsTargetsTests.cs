using FileSync.Tasks.Tests.Infrastructure;
using Microsoft.Build.Evaluation;

namespace FileSync.Tasks.Tests;

/// <summary>
/// ASP.NET Core static web assets (README "ASP.NET Core"): a FileSync dev build turns the SDK's static-asset compression
/// off and runs the SDK's container publish with the runtime reload; a Release publish is left as it is unless opted in.
/// The SDK's static web assets props are stood in for by UsingMicrosoftNETSdkStaticWebAssets.
/// </summary>
[Collection(InProcessMSBuild.Name)]
public sealed class StaticWebAssetsTargetsTests
{
    private const string Web = "UsingMicrosoftNETSdkStaticWebAssets=true;FileSyncContainer=web";

    /// <summary>sentence, project properties, global properties, expected CompressionEnabled | what the task is told | reload env var set.</summary>
    public static TheoryData<string, string, string, string> Cases => new()
    {
        { "A Debug web build with a container named is a dev build: compression off, reload on", Web + ";Configuration=Debug", "", "false|reload|True" },
        { "No configuration given (the SDK's default is Debug) counts as a dev build", Web, "", "false|reload|True" },
        { "A Release publish is never changed: compression as the SDK decides, the task warns", Web + ";Configuration=Release", "", "|off|False" },
        { "Release opts in with FileSyncStaticWebAssets=reload", Web + ";Configuration=Release;FileSyncStaticWebAssets=reload", "", "false|reload|True" },
        { "FileSyncStaticWebAssets=off leaves a Debug build as it is", Web + ";Configuration=Debug", "FileSyncStaticWebAssets=off", "|off|False" },
        { "CompressionEnabled=true set by the user is kept, and the build is not prepared", Web + ";Configuration=Debug;CompressionEnabled=true", "", "true|off|False" },
        { "Nothing configured: not a FileSync build, nothing changed", "UsingMicrosoftNETSdkStaticWebAssets=true;Configuration=Debug", "", "|off|False" },
        { "A project without static web assets: nothing changed, nothing told", "FileSyncContainer=web;Configuration=Debug", "", "||False" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_FileSync_dev_build_prepares_static_web_assets_for_synced_files(string sentence, string projectProperties, string globalProperties, string expected)
    {
        using var project = new TestProject(Properties(projectProperties), globalProperties);
        Project evaluated = project.Evaluate();

        bool reloadEnv = evaluated.GetItems("ContainerEnvironmentVariable")
            .Any(item => item.EvaluatedInclude == "ASPNETCORE_ReloadStaticAssetsAtRuntime" && item.GetMetadataValue("Value") == "true");
        string actual = $"{evaluated.GetPropertyValue("CompressionEnabled")}|{evaluated.GetPropertyValue("_FileSyncStaticWebAssets")}|{reloadEnv}";
        Assert.True(expected == actual, $"{sentence}: expected {expected}, got {actual}");
    }

    /// <summary>dotnet publish makes the dev image, often before its container exists (a Dockerfile's RUN cannot reach
    /// the engine at all): it never syncs after its build, unless asked.</summary>
    [Theory]
    [InlineData("", "true")]
    [InlineData("_IsPublishing=true", "")]
    [InlineData("_IsPublishing=true;FileSyncOnBuild=true", "true")]
    public void Dotnet_publish_does_not_sync_after_its_build(string globalProperties, string expected)
    {
        using var project = new TestProject(Properties(Web), globalProperties);

        Assert.Equal(expected, project.Evaluate().GetPropertyValue("FileSyncOnBuild"));
    }

    private static string Properties(string properties) =>
        "  <PropertyGroup>" + string.Concat(properties.Split(';', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
        {
            string[] parts = pair.Split('=', 2);
            return $"<{parts[0]}>{parts[1]}</{parts[0]}>";
        })) + "</PropertyGroup>\n";
}
