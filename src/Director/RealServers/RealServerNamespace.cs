namespace HaDirector.Director.RealServers;

/// <summary>
/// The network namespace <c>realserver</c> runs in. Its sysctls and lo's addresses belong to that namespace, so
/// the state that undoes them must too: a <c>down</c> in one namespace must never undo, or erase the record of,
/// another namespace's <c>up</c>.
/// </summary>
/// <param name="Name">Null for the host's namespace (pid 1's); else the name <c>ip netns</c> knows it by, or
/// <c>inode-N</c> for a namespace without a name.</param>
public sealed record RealServerNamespace(string? Name)
{
    public const string SelfLink = "/proc/self/ns/net";
    public const string InitLink = "/proc/1/ns/net";
    public const string MountInfo = "/proc/self/mountinfo";

    public static RealServerNamespace Host { get; } = new((string?)null);

    /// <summary><c>realserver.json</c> in the host's namespace (as before namespaces were told apart), else one file per namespace.</summary>
    public string StateFileName => Name is null ? "realserver.json" : $"realserver.netns-{Name}.json";

    public override string ToString() => Name is null ? "the host's network namespace" : $"network namespace {Name}";

    public static RealServerNamespace Current() =>
        Identify(LinkTarget(SelfLink), LinkTarget(InitLink), File.Exists(MountInfo) ? File.ReadLines(MountInfo) : []);

    /// <param name="self">This process's namespace, as <c>readlink /proc/self/ns/net</c> gives it (<c>net:[4026532173]</c>).</param>
    /// <param name="init">pid 1's, or null when it cannot be read (a container may forbid it).</param>
    /// <param name="mountInfo">The lines of /proc/self/mountinfo: <c>ip netns add NAME</c> bind-mounts the namespace on /run/netns/NAME.</param>
    public static RealServerNamespace Identify(string? self, string? init, IEnumerable<string> mountInfo)
    {
        if (self is null || self == init)
        {
            return Host;
        }

        foreach (var line in mountInfo)
        {
            // "68 67 0:4 net:[4026532173] /run/netns/rs1 rw master:2 - nsfs nsfs rw": field 4 is what is mounted.
            var fields = line.Split(' ');
            if (fields.Length > 4 && fields[3] == self
                && (fields[4].StartsWith("/run/netns/", StringComparison.Ordinal) || fields[4].StartsWith("/var/run/netns/", StringComparison.Ordinal)))
            {
                return new RealServerNamespace(Path.GetFileName(fields[4]));
            }
        }

        // Not pid 1's and without a name; when pid 1's cannot be read, the host's cannot be told apart: take it as that.
        return init is null ? Host : new RealServerNamespace("inode-" + new string([.. self.Where(char.IsAsciiDigit)]));
    }

    private static string? LinkTarget(string path)
    {
        try
        {
            return new FileInfo(path).LinkTarget;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
