using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace HaDirector.Vrrp.Protocol.Authentication;

/// <summary>
/// The checksum of a signed IPv6 advert as keepalived 2.4 sends it: its raw socket leaves the checksum to the kernel
/// (IPV6_CHECKSUM), which sums the whole payload, trailer included, and checks it the same way on receipt, so a checksum
/// over the message alone is dropped by keepalived's kernel before keepalived sees the advert. The HMAC skips the
/// checksum, so rewriting it after signing leaves the trailer valid. IPv4 is summed over the message alone (keepalived
/// computes that one itself).
/// </summary>
public static class VrrpHmacIpv6Checksum
{
    private const int ChecksumOffset = 6;

    /// <summary>Rewrites the checksum of <paramref name="payload"/> (message and trailer) over all of it; IPv4: nothing.</summary>
    public static void Cover(Span<byte> payload, IPAddress source, IPAddress destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return;
        }

        Span<byte> from = stackalloc byte[16];
        Span<byte> to = stackalloc byte[16];
        if (!source.TryWriteBytes(from, out _) || !destination.TryWriteBytes(to, out _))
        {
            throw new ArgumentException("Both addresses must be IPv6.", nameof(destination));
        }

        payload.Slice(ChecksumOffset, 2).Clear();
        BinaryPrimitives.WriteUInt16BigEndian(payload[ChecksumOffset..],
            VrrpChecksum.Compute(payload, VrrpVersion.V3, from, to, VrrpChecksumMode.PseudoHeader));
    }
}
