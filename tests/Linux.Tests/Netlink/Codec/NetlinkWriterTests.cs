using System.Net;
using HaDirector.Linux.Netlink.Codec;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Codec;

public class NetlinkWriterTests
{
    [Fact]
    public void Message_WithStringNestedAndBe16_MatchesGoldenBytes()
    {
        var writer = new NetlinkWriter(8); // small on purpose: the buffer must grow
        var start = writer.BeginMessage(0x10, NetlinkFlags.Request | NetlinkFlags.Ack, sequence: 1);
        writer.WriteGenericHeader(3, 1);
        writer.WriteString(2, "IPVS");
        var nest = writer.BeginNested(1);
        writer.WriteU16(1, 2);
        writer.WriteU32(2, 0x01020304);
        writer.EndNested(nest);
        writer.WriteBe16(4, 80);
        writer.EndMessage(start);

        var expected = Hex.Parse("""
            3c000000 1000 0500 01000000 00000000
            03 01 0000
            0900 0200 49505653 00 000000
            1400 0180
               0600 0100 0200 0000
               0800 0200 04030201
            0600 0400 0050 0000
            """);
        Assert.Equal(Hex.Format(expected), Hex.Format(writer.WrittenSpan));
    }

    [Fact]
    public void Addresses_V4AndV6_AreNetworkOrderAndInetAddressIsPaddedTo16()
    {
        var writer = new NetlinkWriter();
        writer.WriteAddress(1, IPAddress.Parse("198.18.0.10"));
        writer.WriteInetAddress(3, IPAddress.Parse("198.18.0.10"));
        writer.WriteAddress(2, IPAddress.Parse("2001:db8::1"));

        var expected = Hex.Parse("""
            0800 0100 c612000a
            1400 0300 c612000a 00000000 00000000 00000000
            1400 0200 20010db8 00000000 00000000 00000001
            """);
        Assert.Equal(Hex.Format(expected), Hex.Format(writer.WrittenSpan));
    }

    [Fact]
    public void Reader_RoundTripsEveryAttributeKind()
    {
        var writer = new NetlinkWriter();
        var start = writer.BeginMessage(0x20, NetlinkFlags.Request);
        writer.WriteU8(1, 0xab);
        writer.WriteU16(2, 0xbeef);
        writer.WriteU32(3, 0xdeadbeef);
        writer.WriteU64(4, 0x0102030405060708);
        writer.WriteString(5, "wlc");
        writer.WriteBe16(6, 8080);
        writer.WriteBe32(7, 0xffffff00);
        var nest = writer.BeginNested(8);
        writer.WriteU32(1, 7);
        writer.EndNested(nest);
        writer.EndMessage(start);

        var reader = new NetlinkMessageReader(writer.WrittenSpan);
        Assert.True(reader.MoveNext());
        var message = reader.Current;
        Assert.Equal((uint)writer.Length, message.Header.Length);
        var seen = new Dictionary<ushort, object>();
        foreach (var attribute in message.AttributesAfter(0))
        {
            seen[attribute.Type] = attribute.Type switch
            {
                1 => attribute.GetU8(),
                2 => attribute.GetU16(),
                3 => attribute.GetU32(),
                4 => attribute.GetU64(),
                5 => attribute.GetString(),
                6 => attribute.GetBe16(),
                7 => attribute.GetBe32(),
                8 => attribute.IsNested ? NestedU32(attribute) : -1,
                _ => throw new InvalidOperationException(),
            };
        }

        Assert.Equal((byte)0xab, seen[1]);
        Assert.Equal((ushort)0xbeef, seen[2]);
        Assert.Equal(0xdeadbeefu, seen[3]);
        Assert.Equal(0x0102030405060708ul, seen[4]);
        Assert.Equal("wlc", seen[5]);
        Assert.Equal((ushort)8080, seen[6]);
        Assert.Equal(0xffffff00u, seen[7]);
        Assert.Equal(7u, seen[8]);
        Assert.False(reader.MoveNext());
    }

    [Fact]
    public void Reader_TwoMessagesInOneDatagram_YieldsBoth()
    {
        var writer = new NetlinkWriter();
        for (ushort type = 0x10; type < 0x12; type++)
        {
            var start = writer.BeginMessage(type, NetlinkFlags.Request, sequence: type);
            writer.WriteU8(1, 1); // odd size: the second message must start after padding
            writer.EndMessage(start);
        }

        var types = new List<ushort>();
        foreach (var message in new NetlinkMessageReader(writer.WrittenSpan))
        {
            types.Add(message.Header.Type);
        }

        Assert.Equal(new ushort[] { 0x10, 0x11 }, types);
    }

    [Fact]
    public void Reader_LengthPastEndOfBuffer_IsRejected()
    {
        var bytes = Hex.Parse("40000000 1000 0000 01000000 00000000"); // claims 64 bytes, has 16

        var ex = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var unused in new NetlinkMessageReader(bytes))
            {
            }
        });
        Assert.Contains("length 64", ex.Message);
    }

    [Fact]
    public void Attribute_ShorterThanItsType_IsRejectedNotMisread()
    {
        var bytes = Hex.Parse("0600 0100 0100 0000"); // a 2-byte value read as u32

        var ex = Assert.Throws<InvalidDataException>(() =>
        {
            foreach (var attribute in new NetlinkAttributeReader(bytes))
            {
                attribute.GetU32();
            }
        });
        Assert.Equal("netlink attribute 1 has 2 bytes, expected at least 4", ex.Message);
    }

    private static uint NestedU32(NetlinkAttribute attribute)
    {
        foreach (var inner in attribute.Nested)
        {
            return inner.GetU32();
        }

        return 0;
    }
}
