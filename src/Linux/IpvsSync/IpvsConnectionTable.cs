using System.Buffers.Binary;
using System.Buffers.Text;
using System.Net;
using System.Net.Sockets;
using System.Text;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Linux.IpvsSync;

/// <summary>
/// Reads the kernel's IPVS connection table from /proc/net/ip_vs_conn_sync (IPVS's netlink family has no
/// command that lists connections). Its lines, from net/netfilter/ipvs/ip_vs_conn.c:
/// <c>TCP C6120001 9C40 C6120058 0050 C6120065 0050 ESTABLISHED LOCAL      899</c>, IPv4 addresses as 8 hex digits
/// in host order of the network value, IPv6 ones in full colon form, ports as 4 hex digits. Only TCP and UDP
/// entries are read: templates and other protocols are left to the kernel's own sync.
/// </summary>
/// <remarks>
/// The table is read when a VIP moves, and most of it (closing connections, the peer's) is not wanted: the file
/// is read in large blocks and each line is judged on its protocol, state and origin before any address is parsed
/// (in the TCG test VM a line-by-line read of a few thousand entries took up to 300 ms).
/// </remarks>
public static class IpvsConnectionTable
{
    public const string Path = "/proc/net/ip_vs_conn_sync";

    private static readonly byte[][] TcpStates =
        [.. new[] { "NONE", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT", "TIME_WAIT", "CLOSE", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "SYNACK" }
            .Select(Encoding.ASCII.GetBytes)];

    /// <summary>
    /// The entries of this network namespace's table that pass <paramref name="keep"/> (protocol, TCP state, origin
    /// LOCAL) and then <paramref name="wanted"/>; none when ip_vs is not loaded.
    /// </summary>
    public static List<IpvsConnection> Read(Func<IpvsProtocol, ushort, bool, bool> keep, Func<IpvsConnection, bool> wanted)
    {
        var connections = new List<IpvsConnection>();
        byte[] text;
        try
        {
            text = ReadAll(Path);
        }
        catch (FileNotFoundException)
        {
            return connections;
        }
        catch (DirectoryNotFoundException)
        {
            return connections;
        }

        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var end = rest.IndexOf((byte)'\n');
            var line = end < 0 ? rest : rest[..end];
            rest = end < 0 ? [] : rest[(end + 1)..];
            if (TryParse(line, keep, out var connection) && wanted(connection))
            {
                connections.Add(connection);
            }
        }

        return connections;
    }

    /// <summary>One line; false for the header, for entries this reader leaves out, and for those <paramref name="keep"/> refuses.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, Func<IpvsProtocol, ushort, bool, bool>? keep, out IpvsConnection connection)
    {
        connection = null!;
        Span<Range> fields = stackalloc Range[11];
        if (Split(line, fields) != 10)
        {
            return false;
        }

        IpvsProtocol protocol;
        var name = line[fields[0]];
        if (name.SequenceEqual("TCP"u8))
        {
            protocol = IpvsProtocol.Tcp;
        }
        else if (name.SequenceEqual("UDP"u8))
        {
            protocol = IpvsProtocol.Udp;
        }
        else
        {
            return false;
        }

        ushort state = 0;
        if (protocol == IpvsProtocol.Tcp)
        {
            var index = StateIndex(line[fields[7]]);
            if (index <= (int)IpvsTcpState.None)
            {
                return false;
            }

            state = (ushort)index;
        }

        var origin = line[fields[8]];
        var local = origin.SequenceEqual("LOCAL"u8);
        if ((!local && !origin.SequenceEqual("SYNC"u8)) || (keep is not null && !keep(protocol, state, local)))
        {
            return false;
        }

        if (!TryEndPoint(line[fields[1]], line[fields[2]], out var client)
            || !TryEndPoint(line[fields[3]], line[fields[4]], out var @virtual)
            || !TryEndPoint(line[fields[5]], line[fields[6]], out var destination)
            || client.AddressFamily != @virtual.AddressFamily
            || destination.AddressFamily != client.AddressFamily
            || !Utf8Parser.TryParse(line[fields[9]], out uint expires, out var used) || used != fields[9].GetOffsetAndLength(line.Length).Length)
        {
            return false;
        }

        connection = new IpvsConnection(protocol, client, @virtual, destination, state, local, expires);
        return true;
    }

    private static int StateIndex(ReadOnlySpan<byte> name)
    {
        for (var k = 0; k < TcpStates.Length; k++)
        {
            if (name.SequenceEqual(TcpStates[k]))
            {
                return k;
            }
        }

        return -1;
    }

    /// <summary>The same for text (tests, tools).</summary>
    public static bool TryParse(string line, out IpvsConnection connection) => TryParse(Encoding.ASCII.GetBytes(line), null, out connection);

    /// <summary>The whole file in as few read(2) calls as the kernel allows: a seq_file fills what it is given.</summary>
    private static byte[] ReadAll(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, bufferSize: 0);
        var buffer = new byte[256 * 1024];
        var length = 0;
        while (true)
        {
            if (length == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = file.Read(buffer, length, buffer.Length - length);
            if (read == 0)
            {
                return buffer[..length];
            }

            length += read;
        }
    }

    /// <summary>Splits on runs of spaces into at most <paramref name="fields"/>.Length fields; returns how many.</summary>
    private static int Split(ReadOnlySpan<byte> line, Span<Range> fields)
    {
        var count = 0;
        var k = 0;
        while (k < line.Length)
        {
            while (k < line.Length && line[k] == (byte)' ')
            {
                k++;
            }

            if (k == line.Length)
            {
                break;
            }

            var start = k;
            while (k < line.Length && line[k] != (byte)' ')
            {
                k++;
            }

            if (count == fields.Length)
            {
                return count + 1;
            }

            fields[count++] = start..k;
        }

        return count;
    }

    private static bool TryEndPoint(ReadOnlySpan<byte> address, ReadOnlySpan<byte> port, out IPEndPoint endPoint)
    {
        endPoint = null!;
        if (port.Length != 4 || !Utf8Parser.TryParse(port, out ushort number, out _, 'X'))
        {
            return false;
        }

        IPAddress ip;
        if (address.Contains((byte)':'))
        {
            Span<char> chars = stackalloc char[64];
            if (address.Length > chars.Length)
            {
                return false;
            }

            var written = Encoding.ASCII.GetChars(address, chars);
            if (!IPAddress.TryParse(chars[..written], out var parsed) || parsed.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            ip = parsed;
        }
        else
        {
            if (address.Length != 8 || !Utf8Parser.TryParse(address, out uint value, out _, 'X'))
            {
                return false;
            }

            Span<byte> bytes = stackalloc byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(bytes, value);
            ip = new IPAddress(bytes);
        }

        endPoint = new IPEndPoint(ip, number);
        return true;
    }
}
