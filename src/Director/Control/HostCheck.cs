using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Configuration;
using HaDirector.Director.Kernel;
using HaDirector.Linux.Netlink.Route;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Protocol.Authentication;

namespace HaDirector.Director.Control;

/// <summary>
/// What a configuration needs from this host, checked before anything is touched: the interfaces exist and have an
/// address to advertise from, no VIP is an address the interface already has as its own, and the metrics address
/// can be bound; with them, the file's <see cref="ConfigAdvice"/>. Errors and warnings name the key and line like the file's own errors. <c>run</c> and
/// <c>reload</c> refuse on errors; <c>check-config</c> reports them unless <c>--offline</c>.
/// </summary>
public static class HostCheck
{
    /// <param name="running">On reload: the configuration in force, whose VIPs a master holds now (they are ours, not the host's).</param>
    /// <param name="bindMetrics">Try to bind metrics.listen (not on reload: it takes effect at the next start).</param>
    public static HostCheckResult Run(DirectorConfig config, ConfigSourceMap sources, ILinks links, DirectorConfig? running, bool bindMetrics)
    {
        var errors = new List<ConfigError>();
        var warnings = new List<ConfigError>(ConfigAdvice.For(config, sources));
        // Address and prefix only: a reload may give a held address another dev or label.
        var ours = (running?.Vrrp.Instances ?? []).SelectMany(i => i.HeldAddresses).Select(v => new VirtualAddress(v.Address, v.PrefixLength)).ToHashSet();
        var vips = config.Vrrp.Instances.SelectMany(i => i.HeldAddresses).Select(v => v.Address)
            .Concat(ours.Select(v => v.Address)).ToHashSet();
        var instances = config.Vrrp.Instances;
        for (var i = 0; i < instances.Count; i++)
        {
            var instance = instances[i];
            var path = $"vrrp.instances[{i}]";
            if (links.GetLink(instance.Interface) is not { } link)
            {
                errors.Add(sources.ErrorAt($"{path}.interface", $"interface '{instance.Interface}' does not exist on this host"));
                continue;
            }

            if (AdvertTooBig(instance, link) is { } tooBig)
            {
                errors.Add(sources.ErrorAt($"{path}.virtualAddresses", tooBig));
            }

            // One family per instance (RFC 5798 §1): an IPv6 instance is checked against the interface's IPv6 addresses.
            var family = instance.Family;
            var addresses = links.ListAddresses(link.Index).Where(a => a.Address.AddressFamily == family).ToList();
            var own = addresses.Where(a => !vips.Contains(a.Address)).ToList();
            CheckAddresses(instance, path, "virtualAddresses", instance.VirtualAddresses, links, vips, ours, errors, warnings, sources);
            CheckAddresses(instance, path, "excludedAddresses", instance.ExcludedAddresses, links, vips, ours, errors, warnings, sources);

            if (instance.UnicastSource is null && !errors.Any(e => e.FieldPath.StartsWith(path, StringComparison.Ordinal)))
            {
                if (family == AddressFamily.InterNetworkV6 && !own.Any(a => a.Address.IsIPv6LinkLocal))
                {
                    errors.Add(sources.ErrorAt($"{path}.interface",
                        $"interface '{instance.Interface}' has no IPv6 link-local address to send VRRP adverts from (RFC 5798 §5.1.2.1; is IPv6 disabled on it, or addr_gen_mode none?)"));
                }
                else if (own.Count == 0)
                {
                    errors.Add(sources.ErrorAt($"{path}.interface",
                        $"interface '{instance.Interface}' has no IPv4 address of its own to send VRRP adverts from (add one, or set unicastSource)"));
                }
            }
        }

        if (config.Ipvs.SyncDaemon is { } sync && links.GetLink(sync.Interface) is null)
        {
            errors.Add(sources.ErrorAt("ipvs.syncDaemon.interface", $"interface '{sync.Interface}' does not exist on this host"));
        }

        if (bindMetrics && config.Metrics.Listen is { } listen && CannotBind(listen) is { } why)
        {
            errors.Add(sources.ErrorAt("metrics.listen", $"cannot listen on {listen}: {why}"));
        }

        return new HostCheckResult(errors, warnings);
    }

    /// <summary>
    /// Each address against the device it goes on (its dev, else the instance's interface) and the addresses of its
    /// family there: the device exists, the address is not the device's own, and it is inside one of its subnets.
    /// </summary>
    private static void CheckAddresses(VrrpInstanceConfig instance, string path, string list, ValueList<VirtualAddress> vipList, ILinks links,
        HashSet<IPAddress> vips, HashSet<VirtualAddress> ours, List<ConfigError> errors, List<ConfigError> warnings, ConfigSourceMap sources)
    {
        for (var j = 0; j < vipList.Count; j++)
        {
            var vip = vipList[j];
            var vipPath = $"{path}.{list}[{j}]";
            var device = instance.DeviceOf(vip);
            if (links.GetLink(device) is not { } link)
            {
                errors.Add(sources.ErrorAt($"{vipPath}.dev", $"interface '{device}' does not exist on this host"));
                continue;
            }

            var family = vip.Address.AddressFamily;
            var addresses = links.ListAddresses(link.Index).Where(a => a.Address.AddressFamily == family).ToList();
            var own = addresses.Where(a => !vips.Contains(a.Address)).ToList();
            // IPv6 adverts go from the link-local address (RFC 5798 §5.1.2.1); a VIP's subnet is a global one.
            var subnets = own.Where(a => !a.Address.IsIPv6LinkLocal).ToList();
            var max = family == AddressFamily.InterNetworkV6 ? 128 : 32;
            // A VIP left by a crash has the configured prefix and sits beside the interface's own address; one
            // with another prefix, or the only address there, is the interface's own: removing it would cut the host off.
            var same = addresses.FirstOrDefault(a => a.Address.Equals(vip.Address));
            if (same is not null && !ours.Contains(new VirtualAddress(vip.Address, vip.PrefixLength)) && (same.PrefixLength != vip.PrefixLength || own.Count == 0))
            {
                errors.Add(sources.ErrorAt(vipPath,
                    $"{vip.Address} is already {device}'s own address ({same.Address}/{same.PrefixLength}); a VIP must be an address no host has"));
                continue;
            }

            if (subnets.Count > 0 && !subnets.Any(a => a.PrefixLength < max && Contains(a, vip.Address)))
            {
                warnings.Add(sources.ErrorAt(vipPath,
                    $"{vip.Address} is outside every subnet of {device} ({string.Join(", ", subnets.Select(a => $"{a.Address}/{a.PrefixLength}"))}): "
                    + "neighbours reach it only through a route to it"));
            }
        }
    }

    /// <summary>
    /// The advert is one datagram the kernel does not fragment for us (IPv6 raw sockets never do; a fragmented advert is
    /// one keepalived drops): one larger than the MTU is never heard, and the backup takes over. The HMAC trailer (not in receiveOnly, which sends none) counts against it.
    /// </summary>
    private static string? AdvertTooBig(VrrpInstanceConfig instance, LinkInfo link)
    {
        var family = instance.Family;
        var header = VrrpDatagramWriter.HeaderLength(family);
        var message = VrrpCodec.GetMessageLength(new VrrpPacket((VrrpVersion)instance.Version, 0, 0,
            [.. instance.VirtualAddresses.Select(v => v.Address)], TimeSpan.Zero));
        var trailer = instance.Hmac is { Mode: not VrrpHmacMode.ReceiveOnly } ? VrrpHmacTrailer.Length : 0;
        var total = header + message + trailer;
        if (total <= link.Mtu)
        {
            return null;
        }

        var ip = family == AddressFamily.InterNetworkV6 ? "IPv6" : "IPv4";
        var withTrailer = trailer > 0 ? $" + HMAC trailer {trailer}" : "";
        return $"instance '{instance.Name}': its advert is {total} bytes ({ip} header {header} + VRRP message {message} for "
            + $"{instance.VirtualAddresses.Count} addresses{withTrailer}), more than {instance.Interface}'s MTU of {link.Mtu}; "
            + "split the addresses over more instances";
    }

    private static bool Contains(InterfaceAddress network, IPAddress address)
    {
        var net = network.Address.GetAddressBytes();
        var bytes = address.GetAddressBytes();
        if (net.Length != bytes.Length)
        {
            return false;
        }

        for (var bit = 0; bit < network.PrefixLength; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((net[bit / 8] & mask) != (bytes[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Binds as the HTTP listener will (SO_REUSEADDR: only another listener is in the way); the reason if it cannot.</summary>
    private static string? CannotBind(IPEndPoint endpoint)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            socket.Bind(endpoint);
            socket.Listen(1);
            return null;
        }
        catch (SocketException ex)
        {
            return ex.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => "the port is already in use by another process",
                SocketError.AddressNotAvailable => "no interface of this host has that address",
                SocketError.AccessDenied => "permission denied (a port below 1024 needs root)",
                _ => ex.Message,
            };
        }
    }
}
