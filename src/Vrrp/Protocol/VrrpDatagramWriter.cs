using System.Net;
using System.Net.Sockets;
using HaDirector.Linux.Packets;

namespace HaDirector.Vrrp.Protocol;

/// <summary>
/// A whole advert datagram, IP header and VRRP message, as the sockets take it: IPv4 with TTL 255 (RFC 5798 §5.1.1.3),
/// or IPv6 with hop limit 255 (§5.1.2.3), whose header the IPv6 socket turns into sendmsg's source and hop limit.
/// </summary>
public static class VrrpDatagramWriter
{
    /// <summary>Bytes of the IP header in front of the message for <paramref name="family"/>.</summary>
    public static int HeaderLength(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? Ipv6Header.Length : Ipv4Header.Length;

    /// <summary>Writes the datagram into <paramref name="buffer"/>; returns its length.</summary>
    public static int Write(VrrpPacket packet, IPAddress source, IPAddress destination, Span<byte> buffer,
        VrrpChecksumMode mode = VrrpChecksumMode.PseudoHeader, byte ttl = VrrpCodec.RequiredTtl)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        var header = HeaderLength(source.AddressFamily);
        var length = VrrpCodec.Write(packet, source, destination, buffer[header..], mode);
        WriteHeader(source, destination, buffer, length, ttl);
        return header + length;
    }

    /// <summary>
    /// Writes only the IP header in front of a message of <paramref name="messageLength"/> bytes already in place (a
    /// message followed by a trailer, such as the HMAC one, is longer than the codec wrote).
    /// </summary>
    public static void WriteHeader(IPAddress source, IPAddress destination, Span<byte> buffer, int messageLength,
        byte ttl = VrrpCodec.RequiredTtl)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.AddressFamily == AddressFamily.InterNetworkV6)
        {
            Span<byte> from = stackalloc byte[16];
            Span<byte> to = stackalloc byte[16];
            source.TryWriteBytes(from, out _);
            destination.TryWriteBytes(to, out _);
            Ipv6Header.Write(buffer, from, to, VrrpCodec.IpProtocolNumber, messageLength, ttl);
        }
        else
        {
            Ipv4Header.Write(buffer, source, destination, VrrpCodec.IpProtocolNumber, messageLength, ttl, VrrpCodec.TypeOfService);
        }
    }

    /// <inheritdoc cref="Write(VrrpPacket, IPAddress, IPAddress, Span{byte}, VrrpChecksumMode, byte)"/>
    public static byte[] Write(VrrpPacket packet, IPAddress source, IPAddress destination,
        VrrpChecksumMode mode = VrrpChecksumMode.PseudoHeader, byte ttl = VrrpCodec.RequiredTtl)
    {
        var buffer = new byte[HeaderLength(source.AddressFamily) + VrrpCodec.GetMessageLength(packet)];
        Write(packet, source, destination, buffer, mode, ttl);
        return buffer;
    }
}
