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
    public void TryReceive_BlockingSocket_NullAtOnceWhenEmptyThenTheQueuedDatagram()
    {
        // A blocking socket (as the VRRP receive thread's): MSG_DONTWAIT must not wait, then must return what is queued.
        using var receiver = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        receiver.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        using var sender = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var buffer = new byte[64];

        var started = System.Diagnostics.Stopwatch.StartNew();
        Assert.Null(LinuxSocket.TryReceive(receiver.SafeHandle, buffer));
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), "TryReceive blocked on an empty socket");

        sender.SendTo("advert"u8.ToArray(), receiver.LocalEndPoint!);
        int? received = null;
        for (var i = 0; i < 1000 && received is null; i++)
        {
            received = LinuxSocket.TryReceive(receiver.SafeHandle, buffer) ?? WaitABit();
        }

        Assert.Equal("advert", System.Text.Encoding.ASCII.GetString(buffer, 0, received ?? 0));
        Assert.Null(LinuxSocket.TryReceive(receiver.SafeHandle, buffer));
    }

    [Fact]
    public async Task ShutdownReceive_RawSocketBlockedWithoutTimeout_ReceiveReturns()
    {
        // The VRRP receive thread blocks with no timeout and is stopped this way (no wake-up every 250 ms to look at a flag).
        using var socket = LinuxSocket.Open(LinuxConstants.AfInet, LinuxConstants.SockRaw, LinuxConstants.IpProtoVrrp);
        LinuxSocket.SetReceiveTimeout(socket.SafeHandle, Timeout.InfiniteTimeSpan);
        using var entered = new ManualResetEventSlim();
        var receiver = Task.Factory.StartNew(() =>
        {
            entered.Set();
            return socket.Receive(new byte[2048]);
        }, TaskCreationOptions.LongRunning);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));

        LinuxSocket.ShutdownReceive(socket.SafeHandle);

        // Whether it was already blocked or only about to be: the receive returns, with nothing (no VRRP in this namespace).
        Assert.Equal(0, await receiver.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    private static int? WaitABit()
    {
        Thread.Sleep(1); // loopback delivers within the send call; this only guards a slow scheduler
        return null;
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
