namespace HaDirector.Director.Configuration;

internal sealed partial class ConfigValidator
{
    private const string Instances = "vrrp.instances";

    private static readonly TimeSpan Centisecond = TimeSpan.FromMilliseconds(10);

    /// <summary>RFC 5798 §5.2.7: a 12-bit count of centiseconds.</summary>
    private static readonly TimeSpan MaxV3Interval = TimeSpan.FromMilliseconds(40_950);

    private void ValidateInstances()
    {
        var instances = config.Vrrp.Instances;
        for (var i = 0; i < instances.Count; i++)
        {
            var path = FieldPath.Item(Instances, i);
            if (Usable(path))
            {
                ValidateInstance(instances[i], path);
            }
        }

        ReportRepeats(instances, Instances, "name", ["name"], x => x.Name, (x, first) => $"name '{x.Name}' is already used by {FieldPath.Parent(first)}");

        // The VRID picks the virtual MAC 00-00-5E-00-01-{VRID}: two routers with one VRID on one LAN collide.
        ReportRepeats(
            instances,
            Instances,
            "vrid",
            ["vrid", "interface"],
            // IPv4 and IPv6 virtual routers are separate (RFC 5798 §1): one VRID may serve one of each.
            x => (object)(x.Interface, x.VirtualRouterId, x.Family),
            (x, first) => $"vrid {x.VirtualRouterId} is already used on {x.Interface} by {FieldPath.Parent(first)}");

        var firstAddress = new Dictionary<System.Net.IPAddress, string>();
        for (var i = 0; i < instances.Count; i++)
        {
            ValidateAddresses(instances[i], FieldPath.Child(FieldPath.Item(Instances, i), "virtualAddresses"), instances[i].VirtualAddresses, firstAddress);
            ValidateAddresses(instances[i], FieldPath.Child(FieldPath.Item(Instances, i), "excludedAddresses"), instances[i].ExcludedAddresses, firstAddress);
        }

        for (var i = 0; i < instances.Count; i++)
        {
            var peersPath = FieldPath.Child(FieldPath.Item(Instances, i), "unicastPeers");
            // A repeated peer gets every advert twice, and a typo that meant the second director goes unnoticed.
            ReportRepeats(instances[i].UnicastPeers, peersPath, null, [], x => x, (x, first) => $"peer {x} is already listed at {first}");
            for (var j = 0; j < instances[i].UnicastPeers.Count; j++)
            {
                ReportIfVirtual(instances[i].UnicastPeers[j], FieldPath.Item(peersPath, j), "a peer is the other director's own address");
            }

            if (instances[i].UnicastSource is { } source)
            {
                // The source must stay on this director whatever its state; a VIP moves away on failover.
                ReportIfVirtual(source, FieldPath.Child(FieldPath.Item(Instances, i), "unicastSource"), "the source is this director's own address");
            }
        }
    }

    /// <summary>
    /// The rules of every held address, advertised or excluded: a usable VIP, held by one instance once, and a <c>dev</c>
    /// and <c>label</c> the kernel takes.
    /// </summary>
    private void ValidateAddresses(VrrpInstanceConfig instance, string listPath, ValueList<VirtualAddress> addresses,
        Dictionary<System.Net.IPAddress, string> firstAddress)
    {
        for (var j = 0; j < addresses.Count; j++)
        {
            var vip = addresses[j];
            var path = FieldPath.Item(listPath, j);
            // A map item without a usable address stands as a placeholder address.
            if (!Usable(path) || !Usable(FieldPath.Child(path, "address")))
            {
                continue;
            }

            var address = vip.Address;
            if (VirtualAddressRules.Problem(address) is { } problem)
            {
                diagnostics.Report(path, $"{address} cannot be a virtual address: it is {problem}");
                continue;
            }

            if (firstAddress.TryGetValue(address, out var earlier))
            {
                diagnostics.Report(path, $"{address} is already a virtual address at {earlier}");
            }
            else
            {
                firstAddress[address] = path;
            }

            var device = instance.DeviceOf(vip);
            if (vip.Device is { } dev && VirtualAddressRules.DeviceProblem(dev) is { } devProblem)
            {
                diagnostics.Report(FieldPath.Child(path, "dev"), devProblem);
            }
            else if (vip.Label is { } label && VirtualAddressRules.LabelProblem(address, label, device) is { } labelProblem)
            {
                diagnostics.Report(FieldPath.Child(path, "label"), labelProblem);
            }
        }
    }

    private void ReportIfVirtual(System.Net.IPAddress address, string path, string why)
    {
        var owner = config.Vrrp.Instances.FirstOrDefault(x => x.HeldAddresses.Any(a => a.Address.Equals(address)));
        if (owner is not null && Usable(path))
        {
            diagnostics.Report(path, $"{address} is a virtual address of instance '{owner.Name}'; {why}");
        }
    }

    private void ValidateInstance(VrrpInstanceConfig instance, string path)
    {
        var version = FieldPath.Child(path, "version");
        var interval = FieldPath.Child(path, "advertInterval");
        if (Usable(version, interval))
        {
            var value = instance.AdvertInterval;
            if (instance.Version == 2
                && (value.Ticks % TimeSpan.TicksPerSecond != 0 || value < TimeSpan.FromSeconds(1) || value > TimeSpan.FromSeconds(255)))
            {
                // RFC 3768 §5.3.7: an 8-bit count of seconds.
                diagnostics.Report(interval, $"VRRPv2 needs whole seconds 1s..255s, got {DurationText.Format(value)}");
            }
            else if (instance.Version == 3 && (value.Ticks % Centisecond.Ticks != 0 || value < Centisecond || value > MaxV3Interval))
            {
                diagnostics.Report(interval, $"VRRPv3 needs centisecond steps 10ms..40.95s, got {DurationText.Format(value)}");
            }
        }

        ValidateIntervalLimit(instance, path);

        var checksum = FieldPath.Child(path, "v3Checksum");
        if (instance.Version == 2 && diagnostics.IsGiven(checksum) && Usable(version, checksum))
        {
            diagnostics.Report(checksum, "only used by VRRPv3; this instance is version 2");
        }

        ValidateFamily(instance, path);

        var authentication = FieldPath.Child(path, "authentication");
        if (instance.Authentication.Type != HaDirector.Vrrp.Protocol.VrrpAuthType.None && instance.Version == 3 && Usable(version, authentication))
        {
            diagnostics.Report(authentication, "authentication is VRRPv2 only (RFC 5798 removed it); this instance is version 3");
        }
    }

    private void ValidateIntervalLimit(VrrpInstanceConfig instance, string path)
    {
        var limit = FieldPath.Child(path, "learnedIntervalLimit");
        if (instance.LearnedIntervalLimit is not { } value || value == TimeSpan.Zero
            || !Usable(FieldPath.Child(path, "version"), FieldPath.Child(path, "advertInterval")) || !Usable(limit))
        {
            return;
        }

        if (instance.Version == 2)
        {
            diagnostics.Report(limit, "only used by VRRPv3 (a VRRPv2 backup never adopts the master's interval); this instance is version 2");
        }
        else if (value.Ticks % Centisecond.Ticks != 0 || value > MaxV3Interval)
        {
            diagnostics.Report(limit, $"needs centisecond steps up to 40.95s, or off; got {DurationText.Format(value)}");
        }
        else if (value < instance.AdvertInterval)
        {
            diagnostics.Report(limit,
                $"must not be shorter than advertInterval ({DurationText.Format(instance.AdvertInterval)}): a peer with our own interval would be cut short; got {DurationText.Format(value)}");
        }
    }

    /// <summary>
    /// One instance carries one address family (RFC 5798 §1), given by its first virtual address; IPv6 needs VRRPv3,
    /// whose IPv6 checksum always covers the pseudo-header (RFC 5798 §5.2.8).
    /// </summary>
    private void ValidateFamily(VrrpInstanceConfig instance, string path)
    {
        var first = FieldPath.Item(FieldPath.Child(path, "virtualAddresses"), 0);
        if (instance.VirtualAddresses.Count == 0 || !Usable(first))
        {
            return;
        }

        var family = instance.Family;
        var name = FamilyName(family);
        var other = FamilyName(family == System.Net.Sockets.AddressFamily.InterNetworkV6
            ? System.Net.Sockets.AddressFamily.InterNetwork
            : System.Net.Sockets.AddressFamily.InterNetworkV6);
        var leader = instance.VirtualAddresses[0].Address;
        for (var j = 1; j < instance.VirtualAddresses.Count; j++)
        {
            var address = instance.VirtualAddresses[j].Address;
            var at = FieldPath.Item(FieldPath.Child(path, "virtualAddresses"), j);
            if (address.AddressFamily != family && Usable(at))
            {
                diagnostics.Report(at, $"{address} is {other} but this instance's first virtual address {leader} is {name}: "
                    + $"one instance carries one address family (RFC 5798 §1); move the {other} addresses to an instance of their own");
            }
        }

        var peers = FieldPath.Child(path, "unicastPeers");
        for (var j = 0; j < instance.UnicastPeers.Count; j++)
        {
            var peer = instance.UnicastPeers[j];
            var at = FieldPath.Item(peers, j);
            if (peer.AddressFamily != family && Usable(at))
            {
                diagnostics.Report(at, $"peer {peer} is {other} but this instance's virtual addresses are {name}: "
                    + $"adverts go over {name}; give the other director's {name} address{(family == System.Net.Sockets.AddressFamily.InterNetworkV6 ? " (its link-local one, fe80::...)" : "")}");
            }
        }

        var source = FieldPath.Child(path, "unicastSource");
        if (instance.UnicastSource is { } from && from.AddressFamily != family && Usable(source))
        {
            diagnostics.Report(source, $"{from} is {other} but this instance's virtual addresses are {name}: give one of this director's {name} addresses");
        }

        if (family != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return;
        }

        var version = FieldPath.Child(path, "version");
        if (instance.Version == 2 && Usable(version))
        {
            diagnostics.Report(version, $"VRRPv2 carries IPv4 only (RFC 3768) and virtual address {leader} is IPv6: use version 3 (RFC 5798)");
        }

        var checksum = FieldPath.Child(path, "v3Checksum");
        if (instance.V3Checksum == HaDirector.Vrrp.Protocol.VrrpChecksumMode.MessageOnly && Usable(checksum))
        {
            diagnostics.Report(checksum, "rfc9568 is an IPv4 choice; over IPv6 the checksum always covers the pseudo-header (RFC 5798 §5.2.8): remove v3Checksum");
        }
    }
}
