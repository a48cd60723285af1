using System.Runtime.CompilerServices;

namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>
/// Every daemon and CLI a test starts keeps its claims and socket records ($HADIRECTOR_RUNTIME_DIR) in a directory
/// of this test run, not in the host's /run/hadirector: hundreds of test configurations would otherwise leave their
/// files there.
/// </summary>
internal static class TestRuntimeDirectory
{
    [ModuleInitializer]
    internal static void Set()
    {
        if (Environment.GetEnvironmentVariable("HADIRECTOR_RUNTIME_DIR") is { Length: > 0 })
        {
            return;
        }

        var directory = Directory.CreateTempSubdirectory("hd-runtime-").FullName;
        Environment.SetEnvironmentVariable("HADIRECTOR_RUNTIME_DIR", directory);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
    }
}
