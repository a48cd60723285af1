using System.Buffers.Binary;
using System.Net;
using HaDirector.Linux.IpvsSync;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Linux.Tests.IpvsSync;

/// <summary>The layout of net/netfilter/ipvs/ip_vs_sync.c's struct ip_vs_sync_mesg and ip_vs_sync_v4/v6.</summary>
public sealed class IpvsSyncMessageTests
{
    private static IpvsConnection V4(int clientPort, IpvsTcpState state = IpvsTcpState.Established) => new(
        IpvsProtocol.Tcp, IPEndPoint.Parse($"198.18.0.1:{clientPort}"), IPEndPoint.Parse("198.18.0.88:80"),
        IPEndPoint.Parse("198.18.0.101:80"), (ushort)state, true, 899);

    private static IpvsConnection V6(int clientPort) => new(
        IpvsProtocol.Tcp, IPEndPoint.Parse($"[2001:2::1]:{clientPort}"), IPEndPoint.Parse("[2001:2::100]:7007"),
        IPEndPoint.Parse("[2001:2::12]:7007"), (ushort)IpvsTcpState.SynReceived, true, 59);

    [Fact]
    public void Encode_OneIpv4Connection_GoldenBytes()
    {
        var datagram = Assert.Single(IpvsSyncMessage.Encode(51, [V4(40000)], _ => IpvsKernel.ConnectionFlag.DirectRoute));

        Assert.Equal(
            "00 33 00 2C 01 01 00 00 "                 // reserved 0, sync id 51, size 44, 1 connection, version 1, spare
            + "00 06 00 24 00 00 00 03 00 01 "          // IPv4, TCP, entry version 0 and length 36, flags DR, ESTABLISHED
            + "9C 40 00 50 00 50 "                      // client, virtual and destination ports
            + "00 00 00 00 00 00 00 00 "                // no firewall mark; timeout 0: the backup's own for the state
            + "C6 12 00 01 C6 12 00 58 C6 12 00 65",    // client, virtual, destination
            Convert.ToHexString(datagram).Chunk(2).Select(b => new string(b)).Aggregate((a, b) => a + " " + b));
    }

    [Fact]
    public void Encode_Ipv6HalfOpen_TypeInet6LengthSeventyTwoAndSixteenByteAddresses()
    {
        var datagram = Assert.Single(IpvsSyncMessage.Encode(0, [V6(54000)], _ => IpvsKernel.ConnectionFlag.DirectRoute | IpvsKernel.ConnectionFlag.Inactive));
        var entry = datagram.AsSpan(IpvsSyncMessage.HeaderLength);

        Assert.Equal(IpvsSyncMessage.HeaderLength + IpvsSyncMessage.Ipv6EntryLength, datagram.Length);
        Assert.Equal(1, entry[0]);
        Assert.Equal(72, BinaryPrimitives.ReadUInt16BigEndian(entry[2..]));
        Assert.Equal(0x103u, BinaryPrimitives.ReadUInt32BigEndian(entry[4..]));
        Assert.Equal((ushort)IpvsTcpState.SynReceived, BinaryPrimitives.ReadUInt16BigEndian(entry[8..]));
        Assert.Equal(IPAddress.Parse("2001:2::1"), new IPAddress(entry.Slice(24, 16)));
        Assert.Equal(IPAddress.Parse("2001:2::100"), new IPAddress(entry.Slice(40, 16)));
        Assert.Equal(IPAddress.Parse("2001:2::12"), new IPAddress(entry.Slice(56, 16)));
    }

    [Fact]
    public void Encode_ManyConnections_DatagramsWithinTheLengthEachHeaderCountingItsOwn()
    {
        var connections = Enumerable.Range(0, 600).Select(k => k % 3 == 0 ? V6(10000 + k) : V4(10000 + k)).ToList();

        var datagrams = IpvsSyncMessage.Encode(7, connections, _ => 3);

        var ports = new List<int>();
        foreach (var datagram in datagrams)
        {
            Assert.InRange(datagram.Length, IpvsSyncMessage.HeaderLength, IpvsSyncMessage.DefaultMaxLength);
            Assert.Equal(datagram.Length, BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(2)));
            Assert.Equal(7, datagram[1]);
            var offset = IpvsSyncMessage.HeaderLength;
            for (var k = 0; k < datagram[4]; k++)
            {
                ports.Add(BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(offset + 10)));
                offset += BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(offset + 2)) & 0x0FFF;
            }

            Assert.Equal(datagram.Length, offset);
        }

        Assert.Equal(connections.Select(c => c.Client.Port), ports);
    }
}
