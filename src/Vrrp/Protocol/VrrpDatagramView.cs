using System.Buffers.Binary;
using System.Net;

namespace HaDirector.Vrrp.Protocol;

/// <summary>
/// An allocation-free view of a received IPv4 datagram carrying VRRP. <see cref="TryRead"/> checks
/// only what every receiver must (RFC 5798 §7.1: TTL, version, type, completeness); checksum and
/// per-instance checks belong to the caller.
/// </summary>
/// <remarks>
/// Wire layout after the IPv4 header (RFC 3768 §5.1, RFC 5798 §5.1):
/// <code>
///  0       4       8              16              24             31
/// |Ver|Type| VRID  |   Priority    | Count IPv4    | v2: AuthType | AdverInt(s) |
///                                                  | v3: Rsvd(4) | Max Adver Int (12, cs) |
/// |          Checksum             |  IPv4 address 1 ... Count     | v2: 8 bytes auth data |
/// </code>
/// </remarks>
internal readonly ref struct VrrpDatagramView
{
    public const int HeaderLength = 8;
    private const int MinIpHeaderLength = 20;

    private VrrpDatagramView(ReadOnlySpan<byte> message, byte ttl, uint source, uint destination)
    {
        Message = message;
        Ttl = ttl;
        Source = source;
        Destination = destination;
    }

    /// <summary>The VRRP message, exactly as long as its header announces (trailing bytes cut).</summary>
    public ReadOnlySpan<byte> Message { get; }

    public byte Ttl { get; }

    public uint Source { get; }

    public uint Destination { get; }

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

    public ReadOnlySpan<byte> AddressBytes => Message.Slice(HeaderLength, AddressCount * 4);

    public ReadOnlySpan<byte> AuthData => Version == VrrpVersion.V2
        ? Message.Slice(HeaderLength + (AddressCount * 4), VrrpAuthentication.DataLength)
        : default;

    public static int MessageLength(VrrpVersion version, int addressCount) =>
        HeaderLength + (addressCount * 4) + (version == VrrpVersion.V2 ? VrrpAuthentication.DataLength : 0);

    public static VrrpDropReason TryRead(ReadOnlySpan<byte> ipDatagram, out VrrpDatagramView view)
    {
        view = default;
        if (ipDatagram.Length < MinIpHeaderLength)
        {
            return VrrpDropReason.Truncated;
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

        if (ipDatagram[9] != VrrpCodec.IpProtocolNumber)
        {
            return VrrpDropReason.NotVrrp;
        }

        if (ipDatagram[8] != VrrpCodec.RequiredTtl)
        {
            return VrrpDropReason.TtlNot255;
        }

        var payload = ipDatagram[ihl..totalLength];
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

        int length = MessageLength((VrrpVersion)version, payload[3]);
        if (payload.Length < length)
        {
            return VrrpDropReason.Truncated;
        }

        view = new VrrpDatagramView(
            payload[..length],
            ipDatagram[8],
            BinaryPrimitives.ReadUInt32BigEndian(ipDatagram[12..]),
            BinaryPrimitives.ReadUInt32BigEndian(ipDatagram[16..]));
        return VrrpDropReason.None;
    }

    public bool ChecksumIsValid(VrrpChecksumMode mode) =>
        VrrpChecksum.Compute(Message, Version, Source, Destination, mode) == 0;

    public bool ContainsAddress(uint address)
    {
        var bytes = AddressBytes;
        for (int i = 0; i < bytes.Length; i += 4)
        {
            if (BinaryPrimitives.ReadUInt32BigEndian(bytes[i..]) == address)
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
            addresses[i] = new IPAddress(AddressBytes.Slice(i * 4, 4));
        }

        var packet = new VrrpPacket(Version, VirtualRouterId, Priority, addresses, AdvertInterval)
        {
            Authentication = Version == VrrpVersion.V2
                ? VrrpAuthentication.FromWire(AuthType, AuthData)
                : VrrpAuthentication.None,
            Checksum = Checksum,
        };
        return new VrrpDatagram(Ipv4.ToAddress(Source), Ipv4.ToAddress(Destination), Ttl, packet);
    }
}
