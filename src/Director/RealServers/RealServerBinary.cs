namespace HaDirector.Director.RealServers;

/// <summary>
/// The hadirector the <c>--persist</c> unit runs at boot: the installed one, not whatever copy <c>up</c> happened
/// to be run from (a build tree, a download directory, a temporary copy may be gone by the next boot).
/// </summary>
public static class RealServerBinary
{
    public const string FileName = "hadirector";

    /// <summary>Where deploy/install puts it first (its default prefix), then the other usual places.</summary>
    public static readonly string[] InstalledPaths =
        ["/usr/local/bin/hadirector", "/usr/local/sbin/hadirector", "/usr/bin/hadirector", "/usr/sbin/hadirector"];

    public static string Resolve() => Resolve(Environment.ProcessPath, File.Exists);

    /// <param name="processPath">The running binary (null when unknown; <c>dotnet</c> under <c>dotnet hadirector.dll</c>).</param>
    public static string Resolve(string? processPath, Func<string, bool> exists)
    {
        // Already an installed copy (any prefix's bin or sbin, as deploy/install --prefix makes): that one.
        if (processPath is not null && Path.GetFileName(processPath) == FileName
            && Path.GetFileName(Path.GetDirectoryName(processPath)) is "bin" or "sbin")
        {
            return processPath;
        }

        foreach (var path in InstalledPaths)
        {
            if (exists(path))
            {
                return path;
            }
        }

        // Not installed anywhere we know: the running copy, which `up --persist` says it names.
        return processPath is not null && Path.GetFileName(processPath) == FileName ? processPath : InstalledPaths[0];
    }
}
