using System.Net.Sockets;
using System.Numerics;
using System.Runtime.InteropServices;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Codec;

namespace HaDirector.Linux.Netlink.Ipvs;

/// <summary>
/// Packs and unpacks the IPVS_CMD_ATTR_SERVICE nest, in the order libipvs (ipvsadm) writes it:
/// AF, then FWMARK or PROTOCOL+ADDR+PORT (the key), then SCHED_NAME, PE_NAME, FLAGS, TIMEOUT, NETMASK.
/// The kernel wants the key alone for delete/get and all of it for new/set (else EINVAL).
/// </summary>
public static class IpvsServiceCodec
{
    public static void Write(NetlinkWriter writer, IpvsService service, bool keyOnly)
    {
        Validate(service);
        var nest = writer.BeginNested(IpvsKernel.CommandAttr.Service);
        writer.WriteU16(IpvsKernel.ServiceAttr.AddressFamily, FamilyNumber(service.Family));
        if (service.IsFirewallMark)
        {
            writer.WriteU32(IpvsKernel.ServiceAttr.FirewallMark, service.FirewallMark);
        }
        else
        {
            writer.WriteU16(IpvsKernel.ServiceAttr.Protocol, (ushort)service.Protocol);
            writer.WriteInetAddress(IpvsKernel.ServiceAttr.Address, service.Address!);
            writer.WriteBe16(IpvsKernel.ServiceAttr.Port, service.Port);
        }

        if (!keyOnly)
        {
            writer.WriteString(IpvsKernel.ServiceAttr.SchedulerName, service.Scheduler);
            if (!string.IsNullOrEmpty(service.PersistenceEngine))
            {
                writer.WriteString(IpvsKernel.ServiceAttr.PersistenceEngine, service.PersistenceEngine);
            }

            // struct ip_vs_flags { flags, mask }: a full mask replaces all flags, as ipvsadm does.
            Span<uint> flags = [(uint)service.Flags, uint.MaxValue];
            writer.WriteBytes(IpvsKernel.ServiceAttr.Flags, MemoryMarshal.AsBytes(flags));
            writer.WriteU32(IpvsKernel.ServiceAttr.Timeout, service.Timeout);
            WriteNetmask(writer, service);
        }

        writer.EndNested(nest);
    }

    public static IpvsServiceEntry Read(NetlinkAttributeReader attributes)
    {
        var family = AddressFamily.InterNetwork;
        var service = new IpvsService { Family = family, Scheduler = string.Empty };
        var stats = (IpvsStats?)null;
        var stats32 = (IpvsStats?)null;
        byte[]? address = null;
        uint? rawNetmask = null;
        foreach (var attribute in attributes)
        {
            switch (attribute.Type)
            {
                case IpvsKernel.ServiceAttr.AddressFamily:
                    family = FamilyOf(attribute.GetU16());
                    service = service with { Family = family };
                    break;
                case IpvsKernel.ServiceAttr.Protocol:
                    service = service with { Protocol = (IpvsProtocol)attribute.GetU16() };
                    break;
                case IpvsKernel.ServiceAttr.Address:
                    address = attribute.Value.ToArray();
                    break;
                case IpvsKernel.ServiceAttr.Port:
                    service = service with { Port = attribute.GetBe16() };
                    break;
                case IpvsKernel.ServiceAttr.FirewallMark:
                    service = service with { FirewallMark = attribute.GetU32() };
                    break;
                case IpvsKernel.ServiceAttr.SchedulerName:
                    service = service with { Scheduler = attribute.GetString() };
                    break;
                case IpvsKernel.ServiceAttr.PersistenceEngine:
                    var engine = attribute.GetString();
                    service = service with { PersistenceEngine = engine.Length == 0 ? null : engine };
                    break;
                case IpvsKernel.ServiceAttr.Flags:
                    // HASHED is the kernel's bookkeeping (the service is in its table), not a setting.
                    var flags = attribute.GetU32() & ~IpvsKernel.ServiceFlag.Hashed;
                    service = service with { Flags = (IpvsServiceFlags)flags };
                    break;
                case IpvsKernel.ServiceAttr.Timeout:
                    service = service with { Timeout = attribute.GetU32() };
                    break;
                case IpvsKernel.ServiceAttr.Netmask:
                    rawNetmask = attribute.GetU32();
                    break;
                case IpvsKernel.ServiceAttr.Stats:
                    stats32 = IpvsStatsCodec.Read(attribute.Nested);
                    break;
                case IpvsKernel.ServiceAttr.Stats64:
                    stats = IpvsStatsCodec.Read(attribute.Nested);
                    break;
            }
        }

        if (address is not null && !service.IsFirewallMark)
        {
            service = service with { Address = IpvsAddress.Read(address, family) };
        }

        if (rawNetmask is { } netmask)
        {
            var prefix = ReadNetmask(netmask, family);
            service = service with { NetmaskPrefixLength = prefix == service.HostPrefixLength ? null : prefix };
        }

        return new IpvsServiceEntry(service, stats ?? stats32 ?? IpvsStats.Empty);
    }

    public static ushort FamilyNumber(AddressFamily family) => family switch
    {
        AddressFamily.InterNetwork => LinuxConstants.AfInet,
        AddressFamily.InterNetworkV6 => LinuxConstants.AfInet6,
        _ => throw new ArgumentException($"IPVS supports IPv4 and IPv6, not {family}", nameof(family)),
    };

    public static AddressFamily FamilyOf(ushort number) => number switch
    {
        LinuxConstants.AfInet => AddressFamily.InterNetwork,
        LinuxConstants.AfInet6 => AddressFamily.InterNetworkV6,
        _ => throw new InvalidDataException($"IPVS reported address family {number}"),
    };

    /// <summary>
    /// IPVS_SVC_ATTR_NETMASK is declared __be32, and for IPv4 it is a real mask in network order
    /// (ffffffff for /32). For IPv6 the kernel compares the same 32 bits as a number against 1..128,
    /// so there it is the prefix length in host order (ipvsadm sends 128).
    /// </summary>
    private static void WriteNetmask(NetlinkWriter writer, IpvsService service)
    {
        var prefix = service.EffectiveNetmaskPrefixLength;
        if (service.Family == AddressFamily.InterNetworkV6)
        {
            writer.WriteU32(IpvsKernel.ServiceAttr.Netmask, (uint)prefix);
        }
        else
        {
            writer.WriteBe32(IpvsKernel.ServiceAttr.Netmask, prefix == 0 ? 0 : uint.MaxValue << (32 - prefix));
        }
    }

    private static int ReadNetmask(uint raw, AddressFamily family)
    {
        if (family == AddressFamily.InterNetworkV6)
        {
            return (int)raw;
        }

        // raw holds the network-order bytes read as a host u32; turn them back into the mask's value.
        var mask = BitConverter.IsLittleEndian ? System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(raw) : raw;
        return BitOperations.LeadingZeroCount(~mask);
    }

    private static void Validate(IpvsService service)
    {
        FamilyNumber(service.Family);
        if (!service.IsFirewallMark)
        {
            if (service.Address is null)
            {
                throw new ArgumentException("a service needs an address and port, or a firewall mark", nameof(service));
            }

            if (service.Address.AddressFamily != service.Family)
            {
                throw new ArgumentException($"service address {service.Address} is not {service.Family}", nameof(service));
            }
        }

        if (service.Scheduler.Length >= IpvsKernel.SchedulerNameMax)
        {
            throw new ArgumentException($"scheduler name '{service.Scheduler}' is longer than {IpvsKernel.SchedulerNameMax - 1} characters", nameof(service));
        }

        if (service.PersistenceEngine?.Length >= IpvsKernel.PersistenceEngineNameMax)
        {
            throw new ArgumentException($"persistence engine name '{service.PersistenceEngine}' is longer than {IpvsKernel.PersistenceEngineNameMax - 1} characters", nameof(service));
        }

        // The kernel refuses an IPv6 prefix of 0 (it checks 1..128); an IPv4 mask of 0 is accepted.
        var minimum = service.Family == AddressFamily.InterNetworkV6 ? 1 : 0;
        if (service.NetmaskPrefixLength is { } prefix && (prefix < minimum || prefix > service.HostPrefixLength))
        {
            throw new ArgumentException($"netmask /{prefix} is not valid for {service.Family}", nameof(service));
        }
    }
}
