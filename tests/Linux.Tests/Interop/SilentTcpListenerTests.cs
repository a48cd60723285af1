using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Interop;

/// <summary>
/// Against the real kernel in a throw-away namespace: a segment of a connection nobody knows is reset by the
/// kernel on an ordinary closed port (the control), and silently dropped where a silent listener holds the port.
/// The segments are hand-made on a raw socket, which also sees every TCP segment the kernel sends back.
/// </summary>
public sealed class SilentTcpListenerTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.77");
    private const ushort ClientPort = 40123;
    private readonly TestNamespace _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public void Open_BeforeTheAddressIsLocal_ThenSegmentsOfUnknownConnectionsGetNoReset()
    {
        // The VIP is not on any interface yet: IP_FREEBIND lets the listener wait for it.
        using var silent = _ns.Run(() => SilentTcpListener.Open(new IPEndPoint(Vip, 80)));
        _ns.Ip("addr", "add", Vip + "/32", "dev", TestNamespace.Link);
        using var raw = _ns.Run(OpenRaw);

        // Control first: the same segment to a port nobody holds is reset, so the method can see a reset.
        Assert.True(ResetSeen(raw, 81, TcpAck), "the kernel did not reset an ACK to a closed port: the test cannot see resets");

        Assert.False(ResetSeen(raw, 80, TcpAck), "an ACK of an unknown connection to the silent port was reset");
        Assert.False(ResetSeen(raw, 80, TcpAck | TcpPsh), "a data segment of an unknown connection was reset");
    }

    [Fact]
    public async Task Connect_ToTheSilentPort_IsNeitherAcceptedNorRefused()
    {
        _ns.Ip("addr", "add", Vip + "/32", "dev", TestNamespace.Link);
        using var silent = _ns.Run(() => SilentTcpListener.Open(new IPEndPoint(Vip, 80)));
        using var client = _ns.Run(() => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));

        // The SYN is dropped like every other segment: the connect is still pending when we give up on it.
        var connect = client.ConnectAsync(new IPEndPoint(Vip, 80), CancellationToken.None).AsTask();
        var first = await Task.WhenAny(connect, Task.Delay(TimeSpan.FromMilliseconds(1500), CancellationToken.None));
        Assert.True(first != connect, "the silent listener answered a SYN: " + (connect.Exception?.InnerException?.Message ?? "accepted"));
        Assert.False(silent.Poll(TimeSpan.Zero, SelectMode.SelectRead), "the silent listener has a connection to accept");
    }

    [Fact]
    public void Open_PortAlreadyListenedOn_ThrowsAddressInUse()
    {
        _ns.Ip("addr", "add", Vip + "/32", "dev", TestNamespace.Link);
        using var service = _ns.Run(() =>
        {
            var s = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            s.Bind(new IPEndPoint(IPAddress.Any, 80));
            s.Listen();
            return s;
        });

        var ex = Assert.Throws<LinuxErrorException>(() => _ns.Run(() => SilentTcpListener.Open(new IPEndPoint(Vip, 80))));

        Assert.Equal(Errno.EADDRINUSE, ex.Errno);
        Assert.Contains("198.18.0.77:80", ex.Message);
    }

    private const byte TcpPsh = 0x08;
    private const byte TcpAck = 0x10;
    private const byte TcpRst = 0x04;

    private static Socket OpenRaw()
    {
        var raw = LinuxSocket.Open(LinuxConstants.AfInet, LinuxConstants.SockRaw, (int)ProtocolType.Tcp);
        raw.Bind(new IPEndPoint(Vip, 0));
        return raw;
    }

    /// <summary>Sends one segment from ClientPort to VIP:port and watches 1 s for a reset coming back.</summary>
    private static bool ResetSeen(Socket raw, ushort port, byte flags)
    {
        raw.SendTo(Segment(port, flags), new IPEndPoint(Vip, 0));
        var buffer = new byte[2048];
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(1))
        {
            if (!raw.Poll(TimeSpan.FromMilliseconds(100), SelectMode.SelectRead))
            {
                continue;
            }

            var length = raw.Receive(buffer);
            var ip = buffer.AsSpan(0, length);
            var tcp = ip[((ip[0] & 0xF) * 4)..];
            if (BinaryPrimitives.ReadUInt16BigEndian(tcp) == port && BinaryPrimitives.ReadUInt16BigEndian(tcp[2..]) == ClientPort
                && (tcp[13] & TcpRst) != 0)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A 20-byte TCP header (plus 4 bytes of data when PSH) with a correct checksum.</summary>
    private static byte[] Segment(ushort port, byte flags)
    {
        var segment = new byte[(flags & TcpPsh) != 0 ? 24 : 20];
        BinaryPrimitives.WriteUInt16BigEndian(segment, ClientPort);
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(2), port);
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(4), 1000);   // seq
        BinaryPrimitives.WriteUInt32BigEndian(segment.AsSpan(8), 2000);   // ack
        segment[12] = 5 << 4;                                             // data offset: 5 words
        segment[13] = flags;
        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(14), 64240); // window
        if (segment.Length > 20)
        {
            "GET\n"u8.CopyTo(segment.AsSpan(20));
        }

        // Checksum over the pseudo-header (source, destination, protocol, length) and the segment.
        var pseudo = new byte[12 + segment.Length];
        Vip.TryWriteBytes(pseudo, out _);
        Vip.TryWriteBytes(pseudo.AsSpan(4), out _);
        pseudo[9] = (byte)ProtocolType.Tcp;
        BinaryPrimitives.WriteUInt16BigEndian(pseudo.AsSpan(10), (ushort)segment.Length);
        segment.CopyTo(pseudo, 12);
        uint sum = 0;
        for (var i = 0; i < pseudo.Length; i += 2)
        {
            sum += (uint)(pseudo[i] << 8 | (i + 1 < pseudo.Length ? pseudo[i + 1] : 0));
        }

        while (sum >> 16 != 0)
        {
            sum = (sum & 0xFFFF) + (sum >> 16);
        }

        BinaryPrimitives.WriteUInt16BigEndian(segment.AsSpan(16), (ushort)~sum);
        return segment;
    }
}
