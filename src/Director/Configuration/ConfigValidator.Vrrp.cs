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
            x => (object)(x.Interface, x.VirtualRouterId),
            (x, first) => $"vrid {x.VirtualRouterId} is already used on {x.Interface} by {FieldPath.Parent(first)}");

        var firstAddress = new Dictionary<System.Net.IPAddress, string>();
        for (var i = 0; i < instances.Count; i++)
        {
            var addressesPath = FieldPath.Child(FieldPath.Item(Instances, i), "virtualAddresses");
            for (var j = 0; j < instances[i].VirtualAddresses.Count; j++)
            {
                var address = instances[i].VirtualAddresses[j].Address;
                var path = FieldPath.Item(addressesPath, j);
                if (!Usable(path))
                {
                    continue;
                }

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
            }
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

    private void ReportIfVirtual(System.Net.IPAddress address, string path, string why)
    {
        var owner = config.Vrrp.Instances.FirstOrDefault(x => x.VirtualAddresses.Any(a => a.Address.Equals(address)));
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

        var checksum = FieldPath.Child(path, "v3Checksum");
        if (instance.Version == 2 && diagnostics.IsGiven(checksum) && Usable(version, checksum))
        {
            diagnostics.Report(checksum, "only used by VRRPv3; this instance is version 2");
        }

        var authentication = FieldPath.Child(path, "authentication");
        if (instance.Authentication.Type != HaDirector.Vrrp.Protocol.VrrpAuthType.None && instance.Version == 3 && Usable(version, authentication))
        {
            diagnostics.Report(authentication, "authentication is VRRPv2 only (RFC 5798 removed it); this instance is version 3");
        }
    }
}
