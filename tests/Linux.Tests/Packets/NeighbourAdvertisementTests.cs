using System.Buffers.Binary;
using System.Diagnostics;
using System.Net;
using HaDirector.Linux.Packets;

namespace HaDirector.Linux.Tests.Packets;

public sealed class NeighbourAdvertisementTests
{
    private static readonly byte[] Mac = [0x02, 0x00, 0x5e, 0x12, 0x34, 0x56];

    [Fact]
    public void Write_Vip_TcpdumpReadsAnUnsolicitedRouterOverrideAdvertWithAGoodChecksum()
    {
        var frame = new byte[NeighbourAdvertisement.Length];
        NeighbourAdvertisement.Write(frame, IPAddress.Parse("2001:2::10"), Mac);

        // tcpdump decodes the frame on its own: flags, target, option and whether the ICMPv6 checksum is right.
        var decoded = Tcpdump(frame);

        Assert.Contains("02:00:5e:12:34:56 > 33:33:00:00:00:01, ethertype IPv6 (0x86dd)", decoded);
        Assert.Contains("hlim 255", decoded);
        Assert.Contains("2001:2::10 > ff02::1: [icmp6 sum ok] ICMP6, neighbor advertisement", decoded);
        Assert.Contains("tgt is 2001:2::10, Flags [router, override]", decoded);
        Assert.Contains("destination link-address option (2), length 8 (1): 02:00:5e:12:34:56", decoded);
    }

    [Fact]
    public void Write_Vip_MatchesTheHandWorkedGoldenBytes()
    {
        var frame = new byte[NeighbourAdvertisement.Length];
        NeighbourAdvertisement.Write(frame, IPAddress.Parse("2001:2::10"), Mac);

        // Worked out by hand (RFC 4861 §4.4, RFC 8200 §8.1), field by field.
        var golden = string.Concat(
            "333300000001", "02005E123456", "86DD",                    // Ethernet: all-nodes multicast MAC, our MAC, IPv6
            "60000000", "0020", "3A", "FF",                            // IPv6: version 6, payload 32, ICMPv6, hop limit 255
            "20010002000000000000000000000010",                        // source: the VIP itself
            "FF020000000000000000000000000001",                        // destination: ff02::1
            "88", "00", "0211",                                        // ICMPv6 136 (NA), code 0, checksum over the pseudo-header
            "A0000000",                                                // Router and Override set, Solicited clear
            "20010002000000000000000000000010",                        // target address: the VIP
            "02", "01", "02005E123456");                               // option 2 (target link-layer address), 8 bytes: our MAC
        Assert.Equal(golden, Convert.ToHexString(frame));
    }

    [Fact]
    public void Write_NotRouter_ClearsOnlyTheRouterFlag()
    {
        var frame = new byte[NeighbourAdvertisement.Length];
        NeighbourAdvertisement.Write(frame, IPAddress.Parse("2001:2::10"), Mac, router: false);

        Assert.Equal(0x2000_0000u, BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(54 + 4)));
        Assert.Contains("Flags [override]", Tcpdump(frame));
    }

    [Fact]
    public void Write_Ipv4Address_IsRefused() =>
        Assert.Throws<ArgumentException>(() => NeighbourAdvertisement.Write(new byte[NeighbourAdvertisement.Length], IPAddress.Parse("198.18.0.1"), Mac));

    [Fact]
    public void OverIpv6_PacketWithItsChecksum_SumsToAllOnes()
    {
        // RFC 1071 §2 (and what a receiver checks): the sum over pseudo-header and packet, checksum included, is 0xffff.
        var frame = new byte[NeighbourAdvertisement.Length];
        NeighbourAdvertisement.Write(frame, IPAddress.Parse("2001:2:0:1::abcd"), Mac);
        var ip = frame.AsSpan(14, Ipv6Header.Length);
        var icmp = frame.AsSpan(14 + Ipv6Header.Length);

        var sum = InternetChecksum.Add(InternetChecksum.Add(InternetChecksum.Add((uint)icmp.Length + 58, ip[8..24]), ip[24..40]), icmp);

        Assert.Equal(0xffffu, sum);
    }

    /// <summary>The frame as a one-packet pcap file, decoded by tcpdump -vv.</summary>
    private static string Tcpdump(byte[] frame)
    {
        var path = Path.Combine(Path.GetTempPath(), $"hadirector-na-{Guid.NewGuid():N}.pcap");
        try
        {
            var file = new byte[24 + 16 + frame.Length];
            BinaryPrimitives.WriteUInt32LittleEndian(file, 0xa1b2c3d4);
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(4), 2);
            BinaryPrimitives.WriteUInt16LittleEndian(file.AsSpan(6), 4);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(16), 65535);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(20), 1); // LINKTYPE_ETHERNET
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(24 + 8), (uint)frame.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(file.AsSpan(24 + 12), (uint)frame.Length);
            frame.CopyTo(file, 40);
            File.WriteAllBytes(path, file);
            using var tcpdump = Process.Start(new ProcessStartInfo("tcpdump", ["-r", path, "-n", "-e", "-vv"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            })!;
            var output = tcpdump.StandardOutput.ReadToEnd();
            tcpdump.WaitForExit();
            Assert.True(tcpdump.ExitCode == 0, tcpdump.StandardError.ReadToEnd());
            return output;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
