namespace HaDirector.Linux.Tests.Support;

/// <summary>
/// The captures of what ipvsadm 1.31 sends and Debian 12's kernel answers (tests/Linux.Tests/Fixtures/ipvsadm,
/// made in the test VM; see the README there). Found by walking up from the test assembly to that folder,
/// or through HADIRECTOR_IPVSADM_FIXTURES.
/// </summary>
public static class IpvsadmFixtures
{
    public const string EnvironmentVariable = "HADIRECTOR_IPVSADM_FIXTURES";

    private static readonly Lazy<string?> Folder = new(Find);

    public static string? Directory => Folder.Value;

    /// <summary>The messages of one file in order: direction ("req"/"rep"), family, what, bytes.</summary>
    public static IReadOnlyList<FixtureMessage> Load(string name)
    {
        var path = Path.Combine(Directory ?? throw new InvalidOperationException("no ipvsadm fixtures"), name);
        return File.ReadLines(path)
            .Where(line => line.Length > 0 && line[0] != '#')
            .Select(line => line.Split(' ', 4))
            .Select(fields => new FixtureMessage(fields[0], fields[1], fields[2], Convert.FromHexString(fields[3])))
            .ToList();
    }

    /// <summary>The IPVS request of the operation: the last `req ipvs` that is not libipvs's GET_INFO probe.</summary>
    public static FixtureMessage OperationRequest(string name) =>
        Load(name).Last(m => m is { Direction: "req", Family: "ipvs" } && m.What != "GET_INFO");

    private static string? Find()
    {
        var configured = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(configured))
        {
            return System.IO.Directory.Exists(configured) ? configured : null;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "tests", "Linux.Tests", "Fixtures", "ipvsadm");
            if (System.IO.Directory.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
