using HaDirector.HealthCheck.Probes;
using HaDirector.Linux.Packets;

namespace HaDirector.HealthCheck.Tests.Probes;

public sealed class SynSegmentTests
{
    [Fact]
    public void Write_KnownProbe_GoldenBytesWithBothChecksums()
    {
        var packet = new byte[SynSegment.Length];

        SynSegment.Write(packet, [10, 0, 0, 1], [10, 0, 0, 2], 40000, 80, 0x01020304, 0x1234);

        // Independently computed (Python struct + RFC 1071): IPv4 checksum 0x1496, TCP checksum 0xe89c.
        Assert.Equal(
            "4500002c12344000400614960a0000010a000002" + "9c40005001020304000000006002faf0e89c0000020405b4",
            Convert.ToHexStringLower(packet));
    }

    [Fact]
    public void Write_AnyProbe_ChecksumsVerifyToZero()
    {
        var packet = new byte[SynSegment.Length];

        SynSegment.Write(packet, [192, 168, 255, 254], [127, 1, 0, 9], 65535, 20099, 0xffffffff, 0xffff);

        // A receiver sums header and checksum together: all ones, complemented to 0.
        Assert.Equal(0, InternetChecksum.Finish(InternetChecksum.Add(0, packet.AsSpan(0, SynSegment.Ipv4HeaderLength))));
        Assert.Equal(0, InternetChecksum.Tcp(packet.AsSpan(12, 4), packet.AsSpan(16, 4), packet.AsSpan(SynSegment.Ipv4HeaderLength)));
    }

    [Fact]
    public void WriteIpv6_KnownProbe_GoldenBytesWithThePseudoHeaderChecksum()
    {
        var packet = new byte[SynSegment.Ipv6Length];

        SynSegment.WriteIpv6(packet, System.Net.IPAddress.Parse("2001:2::1").GetAddressBytes(), System.Net.IPAddress.Parse("2001:2::2").GetAddressBytes(), 40000, 80, 0x01020304);

        // Independently computed (Python struct + RFC 1071 over the RFC 8200 §8.1 pseudo-header): TCP checksum 0xbcaa.
        Assert.Equal(
            "6000000000180640" + "20010002000000000000000000000001" + "20010002000000000000000000000002"
            + "9c40005001020304000000006002faf0bcaa0000020405a0",
            Convert.ToHexStringLower(packet));
    }
}
