using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink;
using HaDirector.Linux.Netlink.Genetlink;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Genetlink;

/// <summary>Against this host's kernel, which has generic netlink but no IPVS.</summary>
public class GenericNetlinkKernelTests
{
    [Fact]
    public void Resolve_Controller_FindsItselfAtFixedId()
    {
        using var socket = NetlinkSocket.Open(LinuxConstants.NetlinkGeneric);

        var family = GenericNetlinkResolver.Resolve(socket, "nlctrl", "generic netlink");

        Assert.Equal(GenericNetlinkConstants.ControllerId, family.Id);
        Assert.Equal("nlctrl", family.Name);
    }

    [Fact]
    public void ReplyTimeout_Changed_SocketStillAnswers()
    {
        // send(2)/recv(2) on the bare descriptor: SO_RCVTIMEO is what bounds a reply now.
        using var socket = NetlinkSocket.Open(LinuxConstants.NetlinkGeneric);
        Assert.Equal(TimeSpan.FromSeconds(30), socket.ReplyTimeout);

        socket.ReplyTimeout = TimeSpan.FromMilliseconds(1500);

        Assert.Equal(TimeSpan.FromMilliseconds(1500), socket.ReplyTimeout);
        Assert.Equal("nlctrl", GenericNetlinkResolver.Resolve(socket, "nlctrl", "generic netlink").Name);
    }

    [Fact]
    public void IpvsClientOpen_HostWithoutIpvs_FailsWithClearError()
    {
        // The host runs this; a host whose kernel has IPVS fails it, and the test then belongs elsewhere.
        Assert.False(File.Exists("/proc/net/ip_vs"), "this test needs a kernel without IPVS (the build host)");

        var ex = Assert.Throws<GenericNetlinkFamilyNotFoundException>(IpvsClient.Open);

        Assert.Equal("the kernel has no IPVS (genetlink family 'IPVS' not found)", ex.Message);
        Assert.Equal("IPVS", ex.Family);
    }
}
