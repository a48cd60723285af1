using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink.Route;

/// <summary>Pure encoding of rtnetlink requests and decoding of their replies; no I/O.</summary>
public static class RouteCodec
{
    /// <summary>RTM_GETLINK for one interface by name (IFLA_IFNAME lookup, kernel 2.6.33+).</summary>
    public static void WriteGetLink(NetlinkWriter writer, string name)
    {
        var start = writer.BeginMessage(RouteConstants.GetLink, NetlinkFlags.Request | NetlinkFlags.Ack);
        default(InterfaceInfoMessage).Write(writer.WriteFixed(InterfaceInfoMessage.Size));
        writer.WriteString(RouteConstants.LinkAttrIfName, name);
        writer.EndMessage(start);
    }

    /// <summary>RTM_GETLINK for one interface by index.</summary>
    public static void WriteGetLink(NetlinkWriter writer, int index)
    {
        var start = writer.BeginMessage(RouteConstants.GetLink, NetlinkFlags.Request | NetlinkFlags.Ack);
        new InterfaceInfoMessage(0, 0, index, 0, 0).Write(writer.WriteFixed(InterfaceInfoMessage.Size));
        writer.EndMessage(start);
    }

    /// <summary>RTM_GETADDR dump of all addresses of one family (0 = both).</summary>
    public static void WriteDumpAddresses(NetlinkWriter writer, byte family)
    {
        var start = writer.BeginMessage(RouteConstants.GetAddr, NetlinkFlags.Request | NetlinkFlags.Dump);
        new InterfaceAddressMessage(family, 0, 0, 0, 0).Write(writer.WriteFixed(InterfaceAddressMessage.Size));
        writer.EndMessage(start);
    }

    /// <summary>
    /// RTM_NEWADDR with NLM_F_CREATE|NLM_F_EXCL, so an address already present fails with EEXIST
    /// instead of being silently replaced. Like iproute2 we send IFA_LOCAL and IFA_ADDRESS equal.
    /// IPv6 addresses get IFA_F_NODAD: a VIP the VRRP election gave us must work at once, not after
    /// a second of duplicate address detection (keepalived does the same). They are also added deprecated
    /// (IFA_CACHEINFO preferred lifetime 0, valid forever): a /128 VIP beside the LAN's /64 would otherwise win
    /// source address selection (its prefix caps the match at 128 bits, the /64's at 64), so health checks and
    /// everything else the director starts would leave from the VIP and be answered by the real servers' own `lo`.
    /// A deprecated address still receives and is still answered for in neighbour discovery.
    /// </summary>
    public static void WriteAddAddress(NetlinkWriter writer, int interfaceIndex, IPAddress address, int prefixLength, string? label)
    {
        WriteAddressRequest(writer, RouteConstants.NewAddr, NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create | NetlinkFlags.Excl,
            interfaceIndex, address, prefixLength, label);
    }

    /// <summary>RTM_DELADDR for one address/prefix on one interface.</summary>
    public static void WriteDeleteAddress(NetlinkWriter writer, int interfaceIndex, IPAddress address, int prefixLength)
    {
        WriteAddressRequest(writer, RouteConstants.DelAddr, NetlinkFlags.Request | NetlinkFlags.Ack,
            interfaceIndex, address, prefixLength, label: null);
    }

    public static LinkInfo ParseLink(NetlinkMessage message)
    {
        var info = InterfaceInfoMessage.Read(message.Payload);
        var name = string.Empty;
        var mac = PhysicalAddress.None;
        var mtu = 0;
        var operState = LinkOperState.Unknown;
        foreach (var attribute in message.AttributesAfter(InterfaceInfoMessage.Size))
        {
            switch (attribute.Type)
            {
                case RouteConstants.LinkAttrIfName:
                    name = attribute.GetString();
                    break;
                case RouteConstants.LinkAttrAddress:
                    mac = new PhysicalAddress(attribute.Value.ToArray());
                    break;
                case RouteConstants.LinkAttrMtu:
                    mtu = (int)attribute.GetU32();
                    break;
                case RouteConstants.LinkAttrOperState:
                    operState = (LinkOperState)attribute.GetU8();
                    break;
            }
        }

        return new LinkInfo(info.Index, name, mac, info.Flags, mtu, operState);
    }

    public static InterfaceAddress ParseAddress(NetlinkMessage message)
    {
        var header = InterfaceAddressMessage.Read(message.Payload);
        IPAddress? local = null;
        IPAddress? address = null;
        string? label = null;
        uint flags = header.Flags;
        foreach (var attribute in message.AttributesAfter(InterfaceAddressMessage.Size))
        {
            switch (attribute.Type)
            {
                case RouteConstants.AddrAttrLocal:
                    local = ReadAddress(attribute);
                    break;
                case RouteConstants.AddrAttrAddress:
                    address = ReadAddress(attribute);
                    break;
                case RouteConstants.AddrAttrLabel:
                    label = attribute.GetString();
                    break;
                case RouteConstants.AddrAttrFlags:
                    flags = attribute.GetU32(); // the 32-bit field supersedes ifa_flags (if_addr.h)
                    break;
            }
        }

        // On point-to-point links IFA_ADDRESS is the peer; IFA_LOCAL is always ours when present.
        var own = local ?? address ?? throw new InvalidDataException("RTM_NEWADDR without IFA_LOCAL or IFA_ADDRESS");
        return new InterfaceAddress(header.Index, own, header.PrefixLength, label, header.Scope, flags);
    }

    /// <summary>4 or 16 bytes; any other length is a malformed reply (bench/fuzz: netlink), not an ArgumentException.</summary>
    private static IPAddress ReadAddress(NetlinkAttribute attribute) => attribute.Value.Length is 4 or 16
        ? new IPAddress(attribute.Value)
        : throw new InvalidDataException($"address attribute {attribute.Type} has {attribute.Value.Length} bytes, expected 4 or 16");

    /// <summary>
    /// RTM_NEWROUTE for a host route to <paramref name="destination"/> through interface <paramref name="outputInterface"/>
    /// in <paramref name="table"/>, tagged with <paramref name="protocol"/>: what <c>ip route add VIP/32 dev lo table T
    /// proto P</c> sends (unicast, scope link, RTA_TABLE for tables of 256 and up). NLM_F_CREATE|NLM_F_EXCL: a route
    /// already there fails with EEXIST instead of being replaced.
    /// </summary>
    /// <param name="local">A <c>local</c> route (RTN_LOCAL, scope host): the destination becomes an address of this host
    /// (`ip route add local ...`) without being an interface's address.</param>
    public static void WriteAddRoute(NetlinkWriter writer, IPAddress destination, int prefixLength, uint table, byte protocol, int outputInterface,
        bool local = false)
    {
        WriteRouteRequest(writer, RouteConstants.NewRoute, NetlinkFlags.Request | NetlinkFlags.Ack | NetlinkFlags.Create | NetlinkFlags.Excl,
            destination, prefixLength, table, protocol, outputInterface, local);
    }

    /// <summary>RTM_DELROUTE for the route <see cref="WriteAddRoute"/> made (the kernel matches table, protocol and destination).</summary>
    /// <remarks>The kernel matches the type and scope too: a local route is deleted with <paramref name="local"/> set.</remarks>
    public static void WriteDeleteRoute(NetlinkWriter writer, IPAddress destination, int prefixLength, uint table, byte protocol, int outputInterface,
        bool local = false)
    {
        WriteRouteRequest(writer, RouteConstants.DelRoute, NetlinkFlags.Request | NetlinkFlags.Ack, destination, prefixLength, table, protocol,
            outputInterface, local);
    }

    /// <summary>RTM_GETROUTE dump of one family's routes (all tables: the reader filters).</summary>
    public static void WriteDumpRoutes(NetlinkWriter writer, byte family)
    {
        var start = writer.BeginMessage(RouteConstants.GetRoute, NetlinkFlags.Request | NetlinkFlags.Dump);
        new RouteMessage(family, 0, 0, 0, 0, 0).Write(writer.WriteFixed(RouteMessage.Size));
        writer.EndMessage(start);
    }

    public static KernelRoute ParseRoute(NetlinkMessage message)
    {
        var header = RouteMessage.Read(message.Payload);
        uint table = header.Table;
        var outputInterface = 0;
        IPAddress? destination = null;
        foreach (var attribute in message.AttributesAfter(RouteMessage.Size))
        {
            switch (attribute.Type)
            {
                case RouteConstants.RouteAttrDestination:
                    destination = ReadAddress(attribute);
                    break;
                case RouteConstants.RouteAttrTable:
                    table = attribute.GetU32();
                    break;
                case RouteConstants.RouteAttrOutputInterface:
                    outputInterface = (int)attribute.GetU32();
                    break;
            }
        }

        // A default route has no RTA_DST.
        destination ??= header.Family == LinuxConstants.AfInet6 ? IPAddress.IPv6Any : IPAddress.Any;
        return new KernelRoute(destination, header.DestinationLength, table, header.Protocol, outputInterface);
    }

    private static void WriteRouteRequest(NetlinkWriter writer, ushort type, ushort flags, IPAddress destination, int prefixLength, uint table,
        byte protocol, int outputInterface, bool local)
    {
        var isV6 = destination.AddressFamily == AddressFamily.InterNetworkV6;
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, isV6 ? 128 : 32);
        ArgumentOutOfRangeException.ThrowIfZero(table);

        var start = writer.BeginMessage(type, flags);
        var family = (byte)(isV6 ? LinuxConstants.AfInet6 : LinuxConstants.AfInet);
        var shortTable = table < 256 ? (byte)table : RouteConstants.TableUnspec;
        new RouteMessage(family, (byte)prefixLength, shortTable, protocol, local ? RouteConstants.ScopeHost : RouteConstants.ScopeLink,
                local ? RouteConstants.RouteTypeLocal : RouteConstants.RouteTypeUnicast)
            .Write(writer.WriteFixed(RouteMessage.Size));
        writer.WriteU32(RouteConstants.RouteAttrTable, table);
        writer.WriteAddress(RouteConstants.RouteAttrDestination, destination);
        writer.WriteU32(RouteConstants.RouteAttrOutputInterface, (uint)outputInterface);
        writer.EndMessage(start);
    }

    private static void WriteAddressRequest(NetlinkWriter writer, ushort type, ushort flags, int interfaceIndex, IPAddress address, int prefixLength, string? label)
    {
        var isV6 = address.AddressFamily == AddressFamily.InterNetworkV6;
        var maxPrefix = isV6 ? 128 : 32;
        ArgumentOutOfRangeException.ThrowIfNegative(prefixLength);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(prefixLength, maxPrefix);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(interfaceIndex);

        var start = writer.BeginMessage(type, flags);
        var family = (byte)(isV6 ? LinuxConstants.AfInet6 : LinuxConstants.AfInet);
        var addressFlags = (byte)(isV6 && type == RouteConstants.NewAddr ? RouteConstants.AddrFlagNoDad : 0);
        new InterfaceAddressMessage(family, (byte)prefixLength, addressFlags, RouteConstants.ScopeUniverse, interfaceIndex)
            .Write(writer.WriteFixed(InterfaceAddressMessage.Size));
        writer.WriteAddress(RouteConstants.AddrAttrLocal, address);
        writer.WriteAddress(RouteConstants.AddrAttrAddress, address);
        if (label is not null)
        {
            writer.WriteString(RouteConstants.AddrAttrLabel, label);
        }

        if (isV6 && type == RouteConstants.NewAddr)
        {
            // struct ifa_cacheinfo { ifa_prefered, ifa_valid, cstamp, tstamp }: deprecated at once, never expires.
            Span<byte> cacheInfo = stackalloc byte[16];
            cacheInfo.Clear();
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(cacheInfo[4..], uint.MaxValue);
            writer.WriteBytes(RouteConstants.AddrAttrCacheInfo, cacheInfo);
        }

        writer.EndMessage(start);
    }
}
