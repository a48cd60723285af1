using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Deploy;

/// <summary>
/// Runs deploy/publish once for the deploy tests (one Native AOT file). The output stays in
/// artifacts/publish-test so a rerun only republishes what changed.
/// </summary>
public sealed class PublishedBinary
{
    public PublishedBinary()
    {
        Directory = Repository.File("artifacts", "publish-test");
        var result = Shell.RunWithTimeout(TimeSpan.FromMinutes(20), Repository.File("deploy", "publish"), Directory);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"deploy/publish failed ({result.ExitCode}):\n{result.Stdout}\n{result.Stderr}");
        }
    }

    public string Directory { get; }
}
