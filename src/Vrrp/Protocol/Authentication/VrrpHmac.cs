using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using HaDirector.Vrrp.Crypto;

namespace HaDirector.Vrrp.Protocol.Authentication;

/// <summary>
/// The HMAC of the draft: HMAC-SHA256 over pseudo-header ‖ VRRP message with its checksum read as zero ‖ the trailer's
/// first 12 bytes ‖ 16 zero bytes, truncated to 128 bits. The checksum is excluded because it differs between the copies
/// sent to several unicast peers (v3 covers the destination) and IPv6's is written by the kernel.
/// </summary>
public static class VrrpHmac
{
    /// <summary>Offset of the checksum in the VRRP header (v2 and v3).</summary>
    private const int ChecksumOffset = 6;

    public static void Compute(
        VrrpHmacKey key, IPAddress source, VrrpVersion version, byte vrid, ReadOnlySpan<byte> message, ReadOnlySpan<byte> trailer,
        Span<byte> hmac)
    {
        ArgumentNullException.ThrowIfNull(key);
        using var state = key.CreateHmac();
        Compute(state, source, version, vrid, message, trailer, hmac);
    }

    /// <summary>
    /// As above with an HMAC made once for the key (<see cref="VrrpHmacKey.CreateHmac"/>): the key's pads are not
    /// hashed again per advert.
    /// </summary>
    public static void Compute(
        HmacSha256 state, IPAddress source, VrrpVersion version, byte vrid, ReadOnlySpan<byte> message, ReadOnlySpan<byte> trailer,
        Span<byte> hmac)
    {
        ArgumentNullException.ThrowIfNull(state);
        var length = VrrpHmacPseudoHeader.Length + message.Length + VrrpHmacTrailer.Length;
        byte[]? rented = null;
        var input = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        input = input[..length];
        try
        {
            VrrpHmacPseudoHeader.Write(input, source, version, vrid);
            var body = input[VrrpHmacPseudoHeader.Length..];
            message.CopyTo(body);
            body.Slice(ChecksumOffset, 2).Clear();
            trailer[..VrrpHmacTrailer.HmacOffset].CopyTo(body[message.Length..]);
            body.Slice(message.Length + VrrpHmacTrailer.HmacOffset, VrrpHmacTrailer.HmacLength).Clear();
            Span<byte> digest = stackalloc byte[32];
            state.Compute(input, digest);
            digest[..VrrpHmacTrailer.HmacLength].CopyTo(hmac);
            CryptographicOperations.ZeroMemory(digest);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }
}
