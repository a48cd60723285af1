using System.Buffers.Binary;
using System.Net;

namespace HaDirector.Vrrp.Protocol;

/// <summary>
/// An allocation-free view of a received IPv4 or IPv6 datagram carrying VRRP. <see cref="TryRead"/> checks
/// only what every receiver must (RFC 5798 §7.1: TTL or hop limit, version, type, completeness); checksum and
/// per-instance checks belong to the caller.
/// </summary>
/// <remarks>
/// Wire layout after the IP header (RFC 3768 §5.1, RFC 5798 §5.1); an IPv6 datagram is the 40-byte header the
/// IPv6 socket rebuilds from what recvmsg reports (no extension headers) and 16-byte addresses:
/// <code>
///  0       4       8              16              24             31
/// |Ver|Type| VRID  |   Priority    | Count IPvX    | v2: AuthType | AdverInt(s) |
///                                                  | v3: Rsvd(4) | Max Adver Int (12, cs) |
/// |          Checksum             |  IPvX address 1 ... Count     | v2: 8 bytes auth data |
/// </code>
/// </remarks>
internal readonly ref struct VrrpDatagramView
{
    public const int HeaderLength = 8;
    private const int MinIpHeaderLength = 20;
    private const int Ipv6HeaderLength = 40;

    private VrrpDatagramView(ReadOnlySpan<byte> payload, int messageLength, byte ttl, ReadOnlySpan<byte> source, ReadOnlySpan<byte> destination)
    {
        Payload = payload;
        Message = payload[..messageLength];
        Ttl = ttl;
        SourceBytes = source;
        DestinationBytes = destination;
    }

    /// <summary>The VRRP message, exactly as long as its header announces (trailing bytes cut).</summary>
    public ReadOnlySpan<byte> Message { get; }

    /// <summary>The whole IP payload: the message and whatever follows it (an HMAC trailer, padding).</summary>
    public ReadOnlySpan<byte> Payload { get; }

    /// <summary>The IPv4 TTL or the IPv6 hop limit.</summary>
    public byte Ttl { get; }

    /// <summary>The source address in network order: 4 bytes, or 16 for IPv6.</summary>
    public ReadOnlySpan<byte> SourceBytes { get; }

    public ReadOnlySpan<byte> DestinationBytes { get; }

    public bool IsIpv6 => SourceBytes.Length == 16;

    public System.Net.Sockets.AddressFamily Family =>
        IsIpv6 ? System.Net.Sockets.AddressFamily.InterNetworkV6 : System.Net.Sockets.AddressFamily.InterNetwork;

    /// <summary>The source as a number (see <see cref="VrrpAddress"/>).</summary>
    public UInt128 Source => VrrpAddress.Read(SourceBytes);

    private int AddressLength => SourceBytes.Length;

    public VrrpVersion Version => (VrrpVersion)(Message[0] >> 4);

    public byte VirtualRouterId => Message[1];

    public byte Priority => Message[2];

    public int AddressCount => Message[3];

    public VrrpAuthType AuthType => (VrrpAuthType)Message[4];

    /// <summary>Seconds for v2, centiseconds for v3.</summary>
    public int IntervalField => Version == VrrpVersion.V2
        ? Message[5]
        : BinaryPrimitives.ReadUInt16BigEndian(Message[4..]) & 0x0FFF;

    public TimeSpan AdvertInterval => Version == VrrpVersion.V2
        ? TimeSpan.FromSeconds(IntervalField)
        : TimeSpan.FromMilliseconds(IntervalField * 10L);

    public ushort Checksum => BinaryPrimitives.ReadUInt16BigEndian(Message[6..]);

    public ReadOnlySpan<byte> AddressBytes => Message.Slice(HeaderLength, AddressCount * AddressLength);

    public ReadOnlySpan<byte> AuthData => Version == VrrpVersion.V2
        ? Message.Slice(HeaderLength + (AddressCount * AddressLength), VrrpAuthentication.DataLength)
        : default;

    public static int MessageLength(VrrpVersion version, int addressCount, int addressLength = 4) =>
        HeaderLength + (addressCount * addressLength) + (version == VrrpVersion.V2 ? VrrpAuthentication.DataLength : 0);

    public static VrrpDropReason TryRead(ReadOnlySpan<byte> ipDatagram, out VrrpDatagramView view)
    {
        view = default;
        if (ipDatagram.Length < MinIpHeaderLength)
        {
            return VrrpDropReason.Truncated;
        }

        if (ipDatagram[0] >> 4 == 6)
        {
            return TryReadIpv6(ipDatagram, out view);
        }

        int ihl = (ipDatagram[0] & 0x0F) * 4;
        if (ipDatagram[0] >> 4 != 4 || ihl < MinIpHeaderLength)
        {
            return VrrpDropReason.NotIpv4;
        }

        int totalLength = BinaryPrimitives.ReadUInt16BigEndian(ipDatagram[2..]);
        if (ihl > ipDatagram.Length || totalLength < ihl || totalLength > ipDatagram.Length)
        {
            return VrrpDropReason.Truncated;
        }

        return TryReadMessage(ipDatagram[ihl..totalLength], ipDatagram[9], ipDatagram[8], ipDatagram.Slice(12, 4), ipDatagram.Slice(16, 4), out view);
    }

    /// <summary>RFC 5798 §5.1.2: next header 112, hop limit 255 (§5.1.2.3), then the message as over IPv4.</summary>
    private static VrrpDropReason TryReadIpv6(ReadOnlySpan<byte> ipDatagram, out VrrpDatagramView view)
    {
        view = default;
        if (ipDatagram.Length < Ipv6HeaderLength)
        {
            return VrrpDropReason.Truncated;
        }

        int payloadLength = BinaryPrimitives.ReadUInt16BigEndian(ipDatagram[4..]);
        if (Ipv6HeaderLength + payloadLength > ipDatagram.Length)
        {
            return VrrpDropReason.Truncated;
        }

        return TryReadMessage(ipDatagram.Slice(Ipv6HeaderLength, payloadLength), ipDatagram[6], ipDatagram[7], ipDatagram.Slice(8, 16),
            ipDatagram.Slice(24, 16), out view);
    }

    private static VrrpDropReason TryReadMessage(ReadOnlySpan<byte> payload, byte protocol, byte ttl, ReadOnlySpan<byte> source,
        ReadOnlySpan<byte> destination, out VrrpDatagramView view)
    {
        view = default;
        if (protocol != VrrpCodec.IpProtocolNumber)
        {
            return VrrpDropReason.NotVrrp;
        }

        if (ttl != VrrpCodec.RequiredTtl)
        {
            return VrrpDropReason.TtlNot255;
        }

        if (payload.Length < HeaderLength)
        {
            return VrrpDropReason.Truncated;
        }

        var version = payload[0] >> 4;
        if (version is not (2 or 3))
        {
            return VrrpDropReason.BadVersion;
        }

        if ((payload[0] & 0x0F) != (int)VrrpPacketType.Advertisement)
        {
            return VrrpDropReason.BadType;
        }

        int length = MessageLength((VrrpVersion)version, payload[3], source.Length);
        if (payload.Length < length)
        {
            return VrrpDropReason.Truncated;
        }

        view = new VrrpDatagramView(payload, length, ttl, source, destination);
        return VrrpDropReason.None;
    }

    /// <summary>
    /// The checksum over the message; over IPv6 with an HMAC trailer, also over message and trailer: keepalived 2.4 leaves
    /// the IPv6 checksum to the kernel (IPV6_CHECKSUM), which sums the whole payload.
    /// </summary>
    public bool ChecksumIsValid(VrrpChecksumMode mode) =>
        VrrpChecksum.Compute(Message, Version, SourceBytes, DestinationBytes, mode) == 0
        || (IsIpv6 && Payload.Length == Message.Length + Authentication.VrrpHmacTrailer.Length
            && VrrpChecksum.Compute(Payload, Version, SourceBytes, DestinationBytes, mode) == 0);

    public bool ContainsAddress(UInt128 address)
    {
        var bytes = AddressBytes;
        for (int i = 0; i < bytes.Length; i += AddressLength)
        {
            if (VrrpAddress.Read(bytes.Slice(i, AddressLength)) == address)
            {
                return true;
            }
        }

        return false;
    }

    public VrrpDatagram ToDatagram()
    {
        var addresses = new IPAddress[AddressCount];
        for (int i = 0; i < addresses.Length; i++)
        {
            addresses[i] = new IPAddress(AddressBytes.Slice(i * AddressLength, AddressLength));
        }

        var packet = new VrrpPacket(Version, VirtualRouterId, Priority, addresses, AdvertInterval)
        {
            Authentication = Version == VrrpVersion.V2
                ? VrrpAuthentication.FromWire(AuthType, AuthData)
                : VrrpAuthentication.None,
            Checksum = Checksum,
        };
        return new VrrpDatagram(new IPAddress(SourceBytes), new IPAddress(DestinationBytes), Ttl, packet);
    }
}
