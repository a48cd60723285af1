using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace HaDirector.Linux.Interop;

/// <summary>struct sockaddr_in / sockaddr_in6 (netinet/in.h), written into a caller's buffer.</summary>
public static class SockAddrInet
{
    public const int AfInet = 2;
    public const int AfInet6 = 10;

    /// <summary>Large enough for both: sizeof(struct sockaddr_in6).</summary>
    public const int MaxLength = 28;

    public static int Family(IPAddress address) => address.AddressFamily == AddressFamily.InterNetworkV6 ? AfInet6 : AfInet;

    /// <returns>The length written: 16 for IPv4, 28 for IPv6.</returns>
    public static int Write(IPEndPoint endPoint, Span<byte> buffer)
    {
        buffer[..MaxLength].Clear();
        var v6 = endPoint.AddressFamily == AddressFamily.InterNetworkV6;
        BinaryPrimitives.WriteUInt16LittleEndian(buffer, (ushort)(v6 ? AfInet6 : AfInet));
        BinaryPrimitives.WriteUInt16BigEndian(buffer[2..], (ushort)endPoint.Port);
        if (!v6)
        {
            endPoint.Address.TryWriteBytes(buffer[4..8], out _);
            return 16;
        }

        // sin6_flowinfo at 4 stays 0; the address at 8; sin6_scope_id at 24 (host order) for link-local.
        endPoint.Address.TryWriteBytes(buffer[8..24], out _);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[24..], (uint)endPoint.Address.ScopeId);
        return 28;
    }
}
