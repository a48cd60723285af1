using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.RealServers;

/// <summary>What an operator checks on a real server: the four ARP sysctls and lo's IPv4 addresses, read with the usual tools.</summary>
public sealed record RealServerHostSnapshot(string AllArpIgnore, string LoArpIgnore, string AllArpAnnounce, string LoArpAnnounce, string LoAddresses)
{
    public static RealServerHostSnapshot Take(string ns) => new(
        Sysctl(ns, "all", "arp_ignore"),
        Sysctl(ns, "lo", "arp_ignore"),
        Sysctl(ns, "all", "arp_announce"),
        Sysctl(ns, "lo", "arp_announce"),
        string.Join(" ", LanTopology.Addresses(ns, "lo").Order(StringComparer.Ordinal)));

    public static string Sysctl(string ns, string device, string name) =>
        Shell.Check("ip", "netns", "exec", ns, "cat", $"/proc/sys/net/ipv4/conf/{device}/{name}").Trim();

    public static void SetSysctl(string ns, string device, string name, string value) =>
        Shell.Check("ip", "netns", "exec", ns, "sh", "-c", $"echo {value} > /proc/sys/net/ipv4/conf/{device}/{name}");
}
