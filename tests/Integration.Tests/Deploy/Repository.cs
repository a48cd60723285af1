using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Deploy;

/// <summary>Paths in the checkout the tests run from.</summary>
public static class Repository
{
    /// <summary>The directory holding HaDirector.sln (hadirector is built at src/Director/bin/CONFIG/net10.0).</summary>
    public static string Root { get; } = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(Binary.Path)!, "..", "..", "..", "..", ".."));

    public static string File(params string[] parts) => Path.Combine([Root, .. parts]);
}
