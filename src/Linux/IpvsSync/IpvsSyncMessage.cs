using System.Buffers.Binary;
using System.Net.Sockets;

namespace HaDirector.Linux.IpvsSync;

/// <summary>
/// The kernel's connection-sync protocol, version 1 (net/netfilter/ipvs/ip_vs_sync.c), as a master's sync daemon
/// sends it to the backups' group: an 8-byte header (0, sync id, size, count, version 1, 0) and one 36-byte (IPv4)
/// or 72-byte (IPv6) entry a connection, every field in network order. A backup's kernel adds each entry to its
/// table, or updates the one it has.
/// </summary>
public static class IpvsSyncMessage
{
    public const int HeaderLength = 8;
    public const int Ipv4EntryLength = 36;
    public const int Ipv6EntryLength = 72;

    /// <summary>Fits the smallest datagram a backup's daemon accepts (its interface MTU, at least 1,500, less IP and UDP headers).</summary>
    public const int DefaultMaxLength = 1400;

    private const byte Version = 1;
    private const byte TypeInet6 = 1;   // STYPE_F_INET6
    private const int MaxEntries = 255; // the header counts them in one byte

    /// <summary>The connections as datagrams of at most <paramref name="maxLength"/> bytes, in their order.</summary>
    /// <param name="flags">The entry's IP_VS_CONN_F_* flags (forwarding method, inactive).</param>
    public static List<byte[]> Encode(byte syncId, IReadOnlyList<IpvsConnection> connections, Func<IpvsConnection, uint> flags, int maxLength = DefaultMaxLength)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, HeaderLength + Ipv6EntryLength);
        var datagrams = new List<byte[]>();
        var start = 0;
        while (start < connections.Count)
        {
            var length = HeaderLength;
            var end = start;
            while (end < connections.Count && end - start < MaxEntries && length + EntryLength(connections[end]) <= maxLength)
            {
                length += EntryLength(connections[end]);
                end++;
            }

            var datagram = new byte[length];
            datagram[1] = syncId;
            BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), (ushort)length);
            datagram[4] = (byte)(end - start);
            datagram[5] = Version;
            var offset = HeaderLength;
            for (var k = start; k < end; k++)
            {
                offset += WriteEntry(datagram.AsSpan(offset), connections[k], flags(connections[k]));
            }

            datagrams.Add(datagram);
            start = end;
        }

        return datagrams;
    }

    public static int EntryLength(IpvsConnection connection) =>
        connection.Client.AddressFamily == AddressFamily.InterNetworkV6 ? Ipv6EntryLength : Ipv4EntryLength;

    /// <summary>
    /// One entry (struct ip_vs_sync_v4/v6). The timeout is left 0: the backup then takes its own for the state,
    /// as for a connection it scheduled itself.
    /// </summary>
    public static int WriteEntry(Span<byte> entry, IpvsConnection connection, uint flags)
    {
        var length = EntryLength(connection);
        entry[..length].Clear();
        entry[0] = length == Ipv6EntryLength ? TypeInet6 : (byte)0;
        entry[1] = (byte)connection.Protocol;
        BinaryPrimitives.WriteUInt16BigEndian(entry[2..], (ushort)length); // version 0 of the entry in the top 4 bits
        BinaryPrimitives.WriteUInt32BigEndian(entry[4..], flags);
        BinaryPrimitives.WriteUInt16BigEndian(entry[8..], connection.State);
        BinaryPrimitives.WriteUInt16BigEndian(entry[10..], (ushort)connection.Client.Port);
        BinaryPrimitives.WriteUInt16BigEndian(entry[12..], (ushort)connection.Virtual.Port);
        BinaryPrimitives.WriteUInt16BigEndian(entry[14..], (ushort)connection.Destination.Port);
        // 16..19 firewall mark and 20..23 timeout stay 0.
        var size = length == Ipv6EntryLength ? 16 : 4;
        connection.Client.Address.TryWriteBytes(entry.Slice(24, size), out _);
        connection.Virtual.Address.TryWriteBytes(entry.Slice(24 + size, size), out _);
        connection.Destination.Address.TryWriteBytes(entry.Slice(24 + (2 * size), size), out _);
        return length;
    }
}
