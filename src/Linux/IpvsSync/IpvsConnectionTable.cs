using System.Globalization;
using System.Net;
using System.Net.Sockets;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Linux.IpvsSync;

/// <summary>
/// Reads the kernel's IPVS connection table from /proc/net/ip_vs_conn_sync (IPVS's netlink family has no
/// command that lists connections). Its lines, from net/netfilter/ipvs/ip_vs_conn.c:
/// <c>TCP C6120001 9C40 C6120058 0050 C6120065 0050 ESTABLISHED LOCAL      899</c>, IPv4 addresses as 8 hex digits
/// in host order of the network value, IPv6 ones in full colon form, ports as 4 hex digits. Only TCP and UDP
/// entries are read: templates and other protocols are left to the kernel's own sync.
/// </summary>
public static class IpvsConnectionTable
{
    public const string Path = "/proc/net/ip_vs_conn_sync";

    private static readonly string[] TcpStates =
        ["NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK"];

    /// <summary>The entries of this network namespace's table; none when ip_vs is not loaded.</summary>
    public static List<IpvsConnection> Read(Func<IpvsConnection, bool> wanted)
    {
        var connections = new List<IpvsConnection>();
        if (!File.Exists(Path))
        {
            return connections;
        }

        foreach (var line in File.ReadLines(Path))
        {
            if (TryParse(line, out var connection) && wanted(connection))
            {
                connections.Add(connection);
            }
        }

        return connections;
    }

    /// <summary>One line; false for the header and for entries this reader leaves out.</summary>
    public static bool TryParse(ReadOnlySpan<char> line, out IpvsConnection connection)
    {
        connection = null!;
        Span<Range> fields = stackalloc Range[11];
        var count = line.Split(fields, ' ', StringSplitOptions.RemoveEmptyEntries);
        if (count != 10)
        {
            return false;
        }

        IpvsProtocol protocol;
        switch (line[fields[0]])
        {
            case "TCP":
                protocol = IpvsProtocol.Tcp;
                break;
            case "UDP":
                protocol = IpvsProtocol.Udp;
                break;
            default:
                return false;
        }

        if (!TryEndPoint(line[fields[1]], line[fields[2]], out var client)
            || !TryEndPoint(line[fields[3]], line[fields[4]], out var @virtual)
            || !TryEndPoint(line[fields[5]], line[fields[6]], out var destination)
            || client.AddressFamily != @virtual.AddressFamily
            || destination.AddressFamily != client.AddressFamily
            || !uint.TryParse(line[fields[9]], NumberStyles.None, CultureInfo.InvariantCulture, out var expires))
        {
            return false;
        }

        ushort state = 0;
        if (protocol == IpvsProtocol.Tcp)
        {
            var index = Array.IndexOf(TcpStates, line[fields[7]].ToString());
            if (index <= (int)IpvsTcpState.None)
            {
                return false;
            }

            state = (ushort)index;
        }

        var origin = line[fields[8]];
        if (origin is not ("LOCAL" or "SYNC"))
        {
            return false;
        }

        connection = new IpvsConnection(protocol, client, @virtual, destination, state, origin is "LOCAL", expires);
        return true;
    }

    private static bool TryEndPoint(ReadOnlySpan<char> address, ReadOnlySpan<char> port, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (!ushort.TryParse(port, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        IPAddress ip;
        if (address.Contains(':'))
        {
            if (!IPAddress.TryParse(address, out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            ip = parsed;
        }
        else
        {
            if (address.Length != 8 || !uint.TryParse(address, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var value))
            {
                return false;
            }

            Span<byte> bytes = stackalloc byte[4];
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            ip = new IPAddress(bytes);
        }

        endPoint = new IPEndPoint(ip, number);
        return true;
    }
}
