using System.Net.Sockets;
using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// Packs and unpacks the IPVS_CMD_ATTR_DEST nest. The kernel needs ADDR and PORT to find a destination and
/// FWD_METHOD, WEIGHT, U_THRESH and L_THRESH as well to create or edit one (else EINVAL). ADDR_FAMILY is
/// sent always (kernels before 3.18 ignore it); tunnel attributes only for tunnel destinations that ask.
/// </summary>
public static class IpvsDestinationCodec
{
    public static void Write(NetlinkWriter writer, IpvsDestination destination, bool keyOnly)
    {
        var family = IpvsServiceCodec.FamilyNumber(destination.Family);
        var nest = writer.BeginNested(IpvsKernel.CommandAttr.Dest);
        writer.WriteInetAddress(IpvsKernel.DestAttr.Address, destination.Address);
        writer.WriteBe16(IpvsKernel.DestAttr.Port, destination.Port);
        if (!keyOnly)
        {
            writer.WriteU32(IpvsKernel.DestAttr.ForwardingMethod, (uint)destination.Forwarding);
            writer.WriteU32(IpvsKernel.DestAttr.Weight, destination.Weight);
            if (destination is { Forwarding: IpvsForwardingMethod.Tunnel, Tunnel: { } tunnel })
            {
                writer.WriteU8(IpvsKernel.DestAttr.TunnelType, (byte)tunnel.Type);
                writer.WriteBe16(IpvsKernel.DestAttr.TunnelPort, tunnel.Port);
                writer.WriteU16(IpvsKernel.DestAttr.TunnelFlags, tunnel.Flags);
            }

            writer.WriteU32(IpvsKernel.DestAttr.UpperThreshold, destination.UpperThreshold);
            writer.WriteU32(IpvsKernel.DestAttr.LowerThreshold, destination.LowerThreshold);
        }

        writer.WriteU16(IpvsKernel.DestAttr.AddressFamily, family);
        writer.EndNested(nest);
    }

    /// <summary>Reads one destination; <paramref name="serviceFamily"/> applies when the kernel omits ADDR_FAMILY.</summary>
    public static IpvsDestinationEntry Read(NetlinkAttributeReader attributes, AddressFamily serviceFamily)
    {
        var family = serviceFamily;
        byte[]? address = null;
        ushort port = 0;
        uint forwarding = 0, weight = 0, upper = 0, lower = 0, active = 0, inactive = 0, persistent = 0;
        byte? tunnelType = null;
        ushort tunnelPort = 0, tunnelFlags = 0;
        IpvsStats? stats = null, stats32 = null;
        foreach (var attribute in attributes)
        {
            switch (attribute.Type)
            {
                case IpvsKernel.DestAttr.Address:
                    address = attribute.Value.ToArray();
                    break;
                case IpvsKernel.DestAttr.Port:
                    port = attribute.GetBe16();
                    break;
                case IpvsKernel.DestAttr.ForwardingMethod:
                    forwarding = attribute.GetU32() & IpvsKernel.ConnectionFlag.ForwardMask;
                    break;
                case IpvsKernel.DestAttr.Weight:
                    weight = attribute.GetU32();
                    break;
                case IpvsKernel.DestAttr.UpperThreshold:
                    upper = attribute.GetU32();
                    break;
                case IpvsKernel.DestAttr.LowerThreshold:
                    lower = attribute.GetU32();
                    break;
                case IpvsKernel.DestAttr.ActiveConnections:
                    active = attribute.GetU32();
                    break;
                case IpvsKernel.DestAttr.InactiveConnections:
                    inactive = attribute.GetU32();
                    break;
                case IpvsKernel.DestAttr.PersistentConnections:
                    persistent = attribute.GetU32();
                    break;
                case IpvsKernel.DestAttr.AddressFamily:
                    family = IpvsServiceCodec.FamilyOf(attribute.GetU16());
                    break;
                case IpvsKernel.DestAttr.TunnelType:
                    tunnelType = attribute.GetU8();
                    break;
                case IpvsKernel.DestAttr.TunnelPort:
                    tunnelPort = attribute.GetBe16();
                    break;
                case IpvsKernel.DestAttr.TunnelFlags:
                    tunnelFlags = attribute.GetU16();
                    break;
                case IpvsKernel.DestAttr.Stats:
                    stats32 = IpvsStatsCodec.Read(attribute.Nested);
                    break;
                case IpvsKernel.DestAttr.Stats64:
                    stats = IpvsStatsCodec.Read(attribute.Nested);
                    break;
            }
        }

        if (address is null)
        {
            throw new InvalidDataException("IPVS destination without IPVS_DEST_ATTR_ADDR");
        }

        var forwardingMethod = (IpvsForwardingMethod)forwarding;

        // Kernels with tunnel types report them for every destination; only a tunnel's are meaningful.
        var tunnel = forwardingMethod == IpvsForwardingMethod.Tunnel && tunnelType is { } type
            ? new IpvsTunnelOptions((IpvsTunnelType)type, tunnelPort, tunnelFlags)
            : null;
        var destination = new IpvsDestination
        {
            Address = IpvsAddress.Read(address, family),
            Port = port,
            Weight = weight,
            Forwarding = forwardingMethod,
            UpperThreshold = upper,
            LowerThreshold = lower,
            Tunnel = tunnel,
        };
        return new IpvsDestinationEntry(destination, active, inactive, persistent, stats ?? stats32 ?? IpvsStats.Empty);
    }
}
