namespace HaDirector.Director.Ipvs;

/// <summary>
/// <see cref="IIpvsSysctls"/> through /proc/sys: per network namespace, and present only once the ip_vs module
/// is loaded (the first IPVS netlink request loads it).
/// </summary>
public sealed class ProcIpvsSysctls(string directory = "/proc/sys/net/ipv4/vs") : IIpvsSysctls
{
    public string Read(string name) => File.ReadAllText(Path.Combine(directory, name)).Trim();

    public void Write(string name, string value) => File.WriteAllText(Path.Combine(directory, name), value + "\n");
}
