using System.Buffers.Binary;

namespace HaDirector.Vrrp.Protocol.Authentication;

/// <summary>
/// The 28-byte trailer appended after the VRRP message (draft-cassen-vrrp-auth-hmac, keepalived 2.4
/// <c>vrrp_auth_ext_t</c>). It is not covered by the VRRP checksum; the IP length includes it.
/// </summary>
/// <remarks>
/// <code>
/// | Type (1: HMAC-SHA256/128) | Key ID | Reserved (0, 16 bits)         |
/// | Seconds (UTC since the Unix epoch, 32 bits)                         |
/// | Subseconds (1/65536 s, 16 bits)   | Counter (16 bits)               |
/// | HMAC-SHA256 truncated to 128 bits (16 bytes)                        |
/// </code>
/// Seconds, subseconds and counter form one 64-bit sequence number, compared in serial arithmetic (RFC 1982).
/// </remarks>
public readonly record struct VrrpHmacTrailer(byte Type, byte KeyId, ushort Reserved, ulong Sequence)
{
    public const int Length = 28;

    /// <summary>Bytes before the HMAC field: the HMAC covers them, and the HMAC field as zeros.</summary>
    public const int HmacOffset = 12;

    public const int HmacLength = 16;

    /// <summary>HMAC-SHA256 truncated to 128 bits, the only scheme defined.</summary>
    public const byte TypeHmacSha256 = 1;

    public uint Seconds => (uint)(Sequence >> 32);

    public static VrrpHmacTrailer Read(ReadOnlySpan<byte> trailer) =>
        new(trailer[0], trailer[1], BinaryPrimitives.ReadUInt16BigEndian(trailer[2..]), BinaryPrimitives.ReadUInt64BigEndian(trailer[4..]));

    /// <summary>Writes the fields and zeros the HMAC (the signer fills it).</summary>
    public void Write(Span<byte> trailer)
    {
        trailer[0] = Type;
        trailer[1] = KeyId;
        BinaryPrimitives.WriteUInt16BigEndian(trailer[2..], Reserved);
        BinaryPrimitives.WriteUInt64BigEndian(trailer[4..], Sequence);
        trailer.Slice(HmacOffset, HmacLength).Clear();
    }

    /// <summary>
    /// The sequence of a clock reading with the counter cleared: UTC seconds in the high 32 bits, the fraction of the
    /// second in 1/65536 s in the next 16.
    /// </summary>
    public static ulong ClockSequence(DateTimeOffset utc)
    {
        var ticks = utc.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks;
        var seconds = (ulong)(ticks / TimeSpan.TicksPerSecond);
        var fraction = (ulong)(ticks % TimeSpan.TicksPerSecond);
        var subseconds = (fraction << 16) / TimeSpan.TicksPerSecond;
        return ((seconds & 0xFFFF_FFFF) << 32) | (subseconds << 16);
    }

    /// <summary>RFC 1982 serial order over 64 bits: a is after b.</summary>
    public static bool After(ulong a, ulong b) => (long)(a - b) > 0;

    /// <summary>
    /// Finds the trailer of a received datagram (IPv4, or IPv6 with the 40-byte header the IPv6 socket rebuilds) whose
    /// VRRP message is <paramref name="messageLength"/> bytes: present exactly when the IP payload is the message plus
    /// <see cref="Length"/> (padding never reaches that size).
    /// </summary>
    public static bool TryLocate(ReadOnlySpan<byte> ipDatagram, int messageLength, out ReadOnlySpan<byte> message, out ReadOnlySpan<byte> trailer)
    {
        message = default;
        trailer = default;
        if (ipDatagram.Length < 20)
        {
            return false;
        }

        int header;
        int total;
        if (ipDatagram[0] >> 4 == 6)
        {
            header = 40;
            total = ipDatagram.Length < header ? 0 : Math.Min(header + BinaryPrimitives.ReadUInt16BigEndian(ipDatagram[4..]), ipDatagram.Length);
        }
        else
        {
            header = (ipDatagram[0] & 0x0F) * 4;
            total = Math.Min(BinaryPrimitives.ReadUInt16BigEndian(ipDatagram[2..]), ipDatagram.Length);
        }

        if (header < 20 || total < header + messageLength)
        {
            return false;
        }

        message = ipDatagram.Slice(header, messageLength);
        if (total - header == messageLength + Length)
        {
            trailer = ipDatagram.Slice(header + messageLength, Length);
        }

        return true;
    }
}
