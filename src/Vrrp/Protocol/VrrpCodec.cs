using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Net;
using System.Net.Sockets;

namespace HaDirector.Vrrp.Protocol;

/// <summary>Writes VRRP messages and parses received IPv4 and IPv6 datagrams that carry them.</summary>
public static class VrrpCodec
{
    /// <summary>IANA protocol number of VRRP.</summary>
    public const byte IpProtocolNumber = 112;

    /// <summary>RFC 5798 §5.1.1.3 and §5.1.2.3: sent with TTL (IPv6: hop limit) 255 and dropped on receipt otherwise.</summary>
    public const byte RequiredTtl = 255;

    /// <summary>IP precedence "internetwork control" (0xC0), as keepalived sends adverts.</summary>
    public const byte TypeOfService = 0xC0;

    /// <summary>v3 Max Adver Int is a 12-bit count of centiseconds (RFC 5798 §5.2.7).</summary>
    public const int MaxV3IntervalCentiseconds = 0x0FFF;

    /// <summary>224.0.0.18, the VRRP multicast group (RFC 5798 §5.1.1.2).</summary>
    public static IPAddress MulticastGroup { get; } = IPAddress.Parse("224.0.0.18");

    /// <summary>ff02::12, the IPv6 VRRP multicast group (RFC 5798 §5.1.2.2).</summary>
    public static IPAddress MulticastGroupV6 { get; } = IPAddress.Parse("ff02::12");

    /// <summary>The group adverts of <paramref name="family"/> go to when no unicast peers are configured.</summary>
    public static IPAddress MulticastGroupOf(AddressFamily family) =>
        family == AddressFamily.InterNetworkV6 ? MulticastGroupV6 : MulticastGroup;

    /// <summary>Bytes of the VRRP message (no IP header) that <see cref="Write(VrrpPacket, IPAddress, IPAddress, Span{byte}, VrrpChecksumMode)"/> produces.</summary>
    public static int GetMessageLength(VrrpPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        return VrrpDatagramView.MessageLength(packet.Version, packet.Addresses.Count,
            packet.Addresses.Count > 0 ? VrrpAddress.Length(packet.Addresses[0].AddressFamily) : 4);
    }

    /// <summary>
    /// Writes the VRRP message (the payload of a raw IPPROTO 112 socket; the kernel adds the IP
    /// header) and its checksum, ignoring <see cref="VrrpPacket.Checksum"/>. <paramref name="source"/>
    /// and <paramref name="destination"/> are the IP header's, needed for the v3 pseudo-header.
    /// Returns the number of bytes written.
    /// </summary>
    /// <exception cref="ArgumentException">The packet cannot be encoded (interval, counts, families).</exception>
    public static int Write(
        VrrpPacket packet,
        IPAddress source,
        IPAddress destination,
        Span<byte> buffer,
        VrrpChecksumMode mode = VrrpChecksumMode.PseudoHeader)
    {
        ArgumentNullException.ThrowIfNull(packet);
        int length = GetMessageLength(packet);
        if (buffer.Length < length)
        {
            throw new ArgumentException($"The buffer holds {buffer.Length} bytes; the message needs {length}.", nameof(buffer));
        }

        if (packet.Addresses.Count > byte.MaxValue)
        {
            throw new ArgumentException("A VRRP advertisement carries at most 255 addresses.", nameof(packet));
        }

        var family = packet.Addresses.Count > 0 ? packet.Addresses[0].AddressFamily : source.AddressFamily;
        var mixed = source.AddressFamily != family || destination.AddressFamily != family;
        for (int i = 0; i < packet.Addresses.Count; i++)
        {
            mixed |= packet.Addresses[i].AddressFamily != family;
        }

        if (mixed)
        {
            throw new ArgumentException("A VRRP advertisement's addresses, source and destination are of one family (RFC 5798 §1).", nameof(packet));
        }

        if (family == AddressFamily.InterNetworkV6 && packet.Version != VrrpVersion.V3)
        {
            throw new ArgumentException("VRRP over IPv6 is version 3 (RFC 5798).", nameof(packet));
        }

        var message = buffer[..length];
        message[0] = (byte)(((int)packet.Version << 4) | (int)packet.Type);
        message[1] = packet.VirtualRouterId;
        message[2] = packet.Priority;
        message[3] = (byte)packet.Addresses.Count;
        if (packet.Version == VrrpVersion.V2)
        {
            message[4] = (byte)packet.Authentication.Type;
            message[5] = (byte)EncodeInterval(packet.Version, packet.AdvertInterval);
        }
        else
        {
            BinaryPrimitives.WriteUInt16BigEndian(message[4..], (ushort)EncodeInterval(packet.Version, packet.AdvertInterval));
        }

        message[6] = 0;
        message[7] = 0;
        var offset = VrrpDatagramView.HeaderLength;
        // Indexed: a foreach over the interface boxes an enumerator on every advert sent.
        for (int i = 0; i < packet.Addresses.Count; i++)
        {
            offset += VrrpAddress.Write(packet.Addresses[i], message[offset..]);
        }

        if (packet.Version == VrrpVersion.V2)
        {
            packet.Authentication.Data.CopyTo(message[(length - VrrpAuthentication.DataLength)..]);
        }

        Span<byte> from = stackalloc byte[16];
        Span<byte> to = stackalloc byte[16];
        var checksum = VrrpChecksum.Compute(message, packet.Version, from[..VrrpAddress.Write(source, from)], to[..VrrpAddress.Write(destination, to)], mode);
        BinaryPrimitives.WriteUInt16BigEndian(message[6..], checksum);
        return length;
    }

    /// <inheritdoc cref="Write(VrrpPacket, IPAddress, IPAddress, Span{byte}, VrrpChecksumMode)"/>
    public static byte[] Write(
        VrrpPacket packet, IPAddress source, IPAddress destination, VrrpChecksumMode mode = VrrpChecksumMode.PseudoHeader)
    {
        var buffer = new byte[GetMessageLength(packet)];
        Write(packet, source, destination, buffer, mode);
        return buffer;
    }

    /// <summary>
    /// Parses a full received IPv4 datagram (raw IPPROTO 112 sockets deliver the IP header), or an IPv6 one whose
    /// header the IPv6 socket rebuilt, and checks what does not depend on configuration: IP header, protocol,
    /// TTL or hop limit 255, version, type,
    /// length and checksum. Never throws on bad bytes. For the per-instance checks of RFC 5798
    /// §7.1 use <see cref="VrrpAdvertValidator"/>.
    /// </summary>
    public static VrrpDropReason TryParse(
        ReadOnlySpan<byte> ipDatagram,
        [NotNullWhen(true)] out VrrpDatagram? datagram,
        VrrpChecksumMode mode = VrrpChecksumMode.PseudoHeader)
    {
        datagram = null;
        var reason = VrrpDatagramView.TryRead(ipDatagram, out var view);
        if (reason != VrrpDropReason.None)
        {
            return reason;
        }

        if (!view.ChecksumIsValid(mode))
        {
            return VrrpDropReason.BadChecksum;
        }

        datagram = view.ToDatagram();
        return VrrpDropReason.None;
    }

    /// <summary>Whole seconds 1..255 for v2; whole centiseconds 1..4095 for v3.</summary>
    public static bool IsValidInterval(VrrpVersion version, TimeSpan interval) =>
        TryEncodeInterval(version, interval, out _);

    private static int EncodeInterval(VrrpVersion version, TimeSpan interval) =>
        TryEncodeInterval(version, interval, out var value)
            ? value
            : throw new ArgumentException(
                version == VrrpVersion.V2
                    ? $"A VRRPv2 advert interval is whole seconds from 1 to 255, not {interval}."
                    : $"A VRRPv3 advert interval is whole centiseconds from 10ms to 40.95s, not {interval}.",
                nameof(interval));

    private static bool TryEncodeInterval(VrrpVersion version, TimeSpan interval, out int value)
    {
        long unit = version == VrrpVersion.V2 ? TimeSpan.TicksPerSecond : TimeSpan.TicksPerMillisecond * 10;
        long max = version == VrrpVersion.V2 ? byte.MaxValue : MaxV3IntervalCentiseconds;
        value = (int)Math.Clamp(interval.Ticks / unit, 0, int.MaxValue);
        return version is VrrpVersion.V2 or VrrpVersion.V3 && interval.Ticks % unit == 0 && value >= 1 && value <= max;
    }
}
