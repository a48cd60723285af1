using System.Net.Sockets;
using System.Runtime.CompilerServices;
using HaDirector.Linux.Interop;

namespace HaDirector.Linux.Tests.Interop;

public class LinuxSocketTests
{
    [Fact]
    public void SockAddrNetlink_Layout_MatchesStructSockaddrNl()
    {
        // sockaddr_nl: u16 family, u16 pad, u32 pid, u32 groups
        Assert.Equal(12, Unsafe.SizeOf<SockAddrNetlink>());
    }

    [Fact]
    public void Open_NetlinkRoute_GivesUsableManagedSocket()
    {
        using var socket = LinuxSocket.Open(LinuxConstants.AfNetlink, LinuxConstants.SockRaw, LinuxConstants.NetlinkRoute);
        var portId = LinuxSocket.BindNetlink(socket);

        Assert.NotEqual(0u, portId);
        Assert.True(socket.ReceiveBufferSize > 0);
    }

    [Fact]
    public void Open_RawVrrpSocket_Works()
    {
        using var socket = LinuxSocket.Open(LinuxConstants.AfInet, LinuxConstants.SockRaw, LinuxConstants.IpProtoVrrp);

        socket.SetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive, 255);
        Assert.Equal(255, (int)socket.GetSocketOption(SocketOptionLevel.IP, SocketOptionName.MulticastTimeToLive)!);
    }

    [Fact]
    public void Open_UnknownFamily_ThrowsWithErrnoAndOperation()
    {
        var ex = Assert.Throws<LinuxErrorException>(() => LinuxSocket.Open(4242, LinuxConstants.SockRaw, 0));

        Assert.Equal(Errno.EAFNOSUPPORT, ex.Errno);
        Assert.Equal("EAFNOSUPPORT", ex.ErrnoName);
        Assert.Equal("socket(family 4242, type 3, protocol 0) failed: Address family not supported by protocol (EAFNOSUPPORT)", ex.Message);
        Assert.IsAssignableFrom<IOException>(ex);
    }

    [Fact]
    public void InterfaceIndex_Loopback_IsKnownAndMissingIsNull()
    {
        Assert.Equal(1, LinuxSocket.InterfaceIndex("lo"));
        Assert.Null(LinuxSocket.InterfaceIndex("no-such-if0"));
    }
}
