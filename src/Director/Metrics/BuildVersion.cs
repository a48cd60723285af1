using System.Reflection;

namespace HaDirector.Director.Metrics;

/// <summary>
/// The version <c>hadirector --version</c> prints (the informational version, e.g. <c>1.0.0+73f1291…</c>), so that
/// <c>hadirector_build_info{version}</c> names the same build the operator sees on the command line.
/// </summary>
public static class BuildVersion
{
    public static string Text { get; } =
        typeof(BuildVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(BuildVersion).Assembly.GetName().Version?.ToString()
        ?? "0";
}
