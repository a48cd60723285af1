namespace HaDirector.Vrrp.Protocol;

/// <summary>
/// Receive validation for the instances configured on one interface (RFC 5798 §7.1; RFC 3768
/// §7.1 for v2). Allocation-free until a datagram is accepted. Thread-safe once built.
/// </summary>
/// <remarks>
/// Order: IP header, TTL or hop limit, version, type, length (all from <see cref="VrrpCodec"/>), then VRID,
/// checksum, interval, addresses, v2 auth and interval, unicast source. The VRID is looked up
/// before the checksum (the RFC lists it after) because the v3 checksum variant is per instance;
/// a datagram is dropped all the same, only the reported reason can differ.
/// RFC 5798 §7.1 also drops adverts when the local router is the address owner; keepalived does
/// not, and neither do we: an owner stepped down by a manual failover must still hear the new master.
/// </remarks>
public sealed class VrrpAdvertValidator
{
    private readonly Entry?[] _byVrid = new Entry?[256];
    private readonly HashSet<UInt128> _ourAddresses = [];

    public VrrpAdvertValidator(IEnumerable<VrrpReceiveRules> instances)
    {
        ArgumentNullException.ThrowIfNull(instances);
        foreach (var rules in instances)
        {
            if (_byVrid[rules.VirtualRouterId] is not null)
            {
                throw new ArgumentException($"VRID {rules.VirtualRouterId} is configured twice on one interface.", nameof(instances));
            }

            _byVrid[rules.VirtualRouterId] = new Entry(
                rules,
                [.. rules.VirtualAddresses.Select(VrrpAddress.ToNumber)],
                [.. rules.UnicastPeers.Select(VrrpAddress.ToNumber)],
                rules.VirtualAddresses.Count > 0 && rules.VirtualAddresses[0].AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6);
            _ourAddresses.UnionWith(_byVrid[rules.VirtualRouterId]!.VirtualAddresses);
        }
    }

    public VrrpReceiveResult Validate(ReadOnlySpan<byte> ipDatagram)
    {
        var reason = VrrpDatagramView.TryRead(ipDatagram, out var view);
        if (reason != VrrpDropReason.None)
        {
            return VrrpReceiveResult.Dropped(reason);
        }

        int vrid = view.VirtualRouterId;
        var entry = _byVrid[vrid];
        reason = Check(view, entry);
        return reason == VrrpDropReason.None
            ? new VrrpReceiveResult(VrrpDropReason.None, vrid, entry!.Datagram(view))
            : VrrpReceiveResult.Dropped(reason, vrid) with
            {
                Source = view.Source,
                Family = view.Family,
                Version = view.Version,
                ClaimedAddress = FirstOfOurs(view),
            };
    }

    private UInt128 FirstOfOurs(VrrpDatagramView view)
    {
        var bytes = view.AddressBytes;
        var step = view.SourceBytes.Length;
        for (int i = 0; i < bytes.Length; i += step)
        {
            var address = VrrpAddress.Read(bytes.Slice(i, step));
            if (_ourAddresses.Contains(address))
            {
                return address;
            }
        }

        return 0;
    }

    private static VrrpDropReason Check(VrrpDatagramView view, Entry? entry)
    {
        if (entry is null)
        {
            return VrrpDropReason.UnknownVrid;
        }

        var rules = entry.Rules;
        if (view.Version != rules.Version || view.IsIpv6 != entry.Ipv6)
        {
            return VrrpDropReason.VersionMismatch;
        }

        if (!view.ChecksumIsValid(rules.ChecksumMode))
        {
            return VrrpDropReason.BadChecksum;
        }

        if (view.IntervalField == 0)
        {
            return VrrpDropReason.InvalidInterval;
        }

        if (entry.VirtualAddresses.Length > 0)
        {
            if (view.AddressCount != entry.VirtualAddresses.Length)
            {
                return VrrpDropReason.AddressCountMismatch;
            }

            foreach (var address in entry.VirtualAddresses)
            {
                if (!view.ContainsAddress(address))
                {
                    return VrrpDropReason.AddressListMismatch;
                }
            }
        }

        if (rules.Version == VrrpVersion.V2)
        {
            if (view.AdvertInterval != rules.AdvertInterval)
            {
                return VrrpDropReason.IntervalMismatch;
            }

            if (!rules.Authentication.Matches(view.AuthType, view.AuthData))
            {
                return VrrpDropReason.AuthMismatch;
            }
        }

        if (entry.UnicastPeers.Length > 0 && Array.IndexOf(entry.UnicastPeers, view.Source) < 0)
        {
            return VrrpDropReason.NotFromUnicastPeer;
        }

        return VrrpDropReason.None;
    }

    private sealed record Entry(VrrpReceiveRules Rules, UInt128[] VirtualAddresses, UInt128[] UnicastPeers, bool Ipv6)
    {
        private volatile Accepted? _last;

        /// <summary>
        /// The accepted advert as a datagram: the one made for the last advert when this one reads the same (a steady
        /// master's, 50 a second at 20 ms, differs only in the IPv4 id and header checksum and its HMAC trailer, none
        /// of which the datagram holds), so a backup does not make nine objects per advert.
        /// </summary>
        public VrrpDatagram Datagram(VrrpDatagramView view)
        {
            if (_last is { } last && last.Matches(view))
            {
                return last.Datagram;
            }

            var datagram = view.ToDatagram();
            _last = new Accepted(view, datagram);
            return datagram;
        }
    }

    /// <summary>What <see cref="VrrpDatagramView.ToDatagram"/> reads: the addresses, the TTL and the message.</summary>
    private sealed class Accepted
    {
        private readonly byte[] _key;

        public Accepted(VrrpDatagramView view, VrrpDatagram datagram)
        {
            _key = new byte[view.SourceBytes.Length + view.DestinationBytes.Length + 1 + view.Message.Length];
            var at = 0;
            view.SourceBytes.CopyTo(_key);
            at += view.SourceBytes.Length;
            view.DestinationBytes.CopyTo(_key.AsSpan(at));
            at += view.DestinationBytes.Length;
            _key[at++] = view.Ttl;
            view.Message.CopyTo(_key.AsSpan(at));
            Datagram = datagram;
        }

        public VrrpDatagram Datagram { get; }

        public bool Matches(VrrpDatagramView view)
        {
            var key = _key.AsSpan();
            var source = view.SourceBytes.Length;
            var destination = view.DestinationBytes.Length;
            return key.Length == source + destination + 1 + view.Message.Length
                && key[..source].SequenceEqual(view.SourceBytes)
                && key.Slice(source, destination).SequenceEqual(view.DestinationBytes)
                && key[source + destination] == view.Ttl
                && key[(source + destination + 1)..].SequenceEqual(view.Message);
        }
    }
}
