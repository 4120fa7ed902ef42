using System.Runtime.CompilerServices;
using Microsoft.Build.Locator;

namespace FileSync.Tasks.Tests.Infrastructure;

/// <summary>Points the MSBuild API (compiled against, not shipped) at the SDK's own MSBuild before any MSBuild type loads.</summary>
internal static class MSBuildSetup
{
    // This method must not mention an MSBuild type: the JIT would resolve Microsoft.Build before the locator ran.
    // xunit v3 test projects are executables whose Main lives in this module, so this runs before any test code.
#pragma warning disable CA2255 // a test executable, not a library: the module initializer is the earliest hook there is
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register()
    {
        if (!MSBuildLocator.IsRegistered)
        {
            MSBuildLocator.RegisterDefaults();
        }
    }
}
