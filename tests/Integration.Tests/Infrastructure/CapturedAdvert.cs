using System.Buffers.Binary;
using System.Net;

namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>One advert seen on the wire: when (seconds since the epoch), its IP datagram, and its fields.</summary>
public sealed record CapturedAdvert(double Time, byte[] Datagram, IPAddress Source, int HopLimit, byte[] Payload)
{
    public byte Vrid => Payload[1];

    public byte Priority => Payload[2];

    /// <summary>
    /// The HMAC trailer's key id, or null when the advert carries none: a VRRPv3 message is 8 bytes plus its addresses
    /// (4 or 16 bytes each, their count in byte 3); the trailer is the 28 bytes after it.
    /// </summary>
    public int? TrailerKeyId
    {
        get
        {
            var message = 8 + (Payload[3] * (Source.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? 16 : 4));
            return Payload.Length == message + 28 ? Payload[message + 1] : null;
        }
    }

    /// <summary>Reads an IPv4 or IPv6 datagram as tcpdump printed it (Ethernet padding cut by the IP length).</summary>
    public static bool TryParse(double time, byte[] datagram, out CapturedAdvert advert)
    {
        advert = null!;
        if (datagram.Length >= 40 && datagram[0] >> 4 == 6)
        {
            var length = BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(4));
            if (datagram.Length < 40 + length || length < 8)
            {
                return false;
            }

            advert = new CapturedAdvert(time, datagram[..(40 + length)], new IPAddress(datagram.AsSpan(8, 16)), datagram[7], datagram[40..(40 + length)]);
            return true;
        }

        if (datagram.Length >= 20 && datagram[0] >> 4 == 4)
        {
            var header = (datagram[0] & 0x0F) * 4;
            var total = BinaryPrimitives.ReadUInt16BigEndian(datagram.AsSpan(2));
            if (datagram.Length < total || total < header + 8)
            {
                return false;
            }

            advert = new CapturedAdvert(time, datagram[..total], new IPAddress(datagram.AsSpan(12, 4)), datagram[8], datagram[header..total]);
            return true;
        }

        return false;
    }
}
