using HaDirector.Director.RealServers;

namespace HaDirector.Director.Tests.RealServers;

/// <summary>Which namespace's state realserver uses, from /proc/self/ns/net, pid 1's and /proc/self/mountinfo.</summary>
public sealed class RealServerNamespaceTests
{
    private const string HostNet = "net:[4026531840]";
    private const string Rs1Net = "net:[4026532173]";

    private static readonly string[] MountInfo =
    [
        "29 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw",
        "68 67 0:4 net:[4026532173] /run/netns/rs1 rw master:2 - nsfs nsfs rw",
        "69 67 0:4 net:[4026532299] /run/netns/rs2 rw master:2 - nsfs nsfs rw",
    ];

    [Fact]
    public void Identify_SameAsPidOne_HostWithTheFileItAlwaysHad()
    {
        var ns = RealServerNamespace.Identify(HostNet, HostNet, MountInfo);

        Assert.Equal(RealServerNamespace.Host, ns);
        Assert.Equal("realserver.json", ns.StateFileName);
    }

    [Fact]
    public void Identify_UnderIpNetnsExec_TheNamespacesName()
    {
        var ns = RealServerNamespace.Identify(Rs1Net, HostNet, MountInfo);

        Assert.Equal("realserver.netns-rs1.json", ns.StateFileName);
    }

    [Fact]
    public void Identify_NamedNamespacePidOneUnreadable_StillTheName()
    {
        Assert.Equal("rs1", RealServerNamespace.Identify(Rs1Net, null, MountInfo).Name);
    }

    [Fact]
    public void Identify_UnnamedNamespace_ItsInode()
    {
        Assert.Equal("realserver.netns-inode-4026532500.json", RealServerNamespace.Identify("net:[4026532500]", HostNet, MountInfo).StateFileName);
    }

    [Fact]
    public void StateFile_TwoNamespaces_TwoFiles()
    {
        var paths = new RealServerPaths("/var/lib/hadirector", "/etc/sysctl.d", "/etc/systemd/system");

        Assert.NotEqual(
            (paths with { Namespace = RealServerNamespace.Identify(Rs1Net, HostNet, MountInfo) }).StateFile,
            (paths with { Namespace = RealServerNamespace.Identify("net:[4026532299]", HostNet, MountInfo) }).StateFile);
    }
}
