using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Deploy;

/// <summary>Paths in the checkout the tests run from.</summary>
public static class Repository
{
    /// <summary>The directory holding HaDirector.sln, above the test assembly (not above hadirector: $HADIRECTOR_BIN may be anywhere).</summary>
    public static string Root { get; } = Binary.RepositoryRoot();

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);
}
