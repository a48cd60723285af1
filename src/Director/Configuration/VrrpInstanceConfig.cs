using System.Net;
using System.Net.Sockets;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Configuration;

/// <summary>One VRRP virtual router (<c>vrrp.instances[]</c>).</summary>
public sealed record VrrpInstanceConfig
{
    /// <summary>IPv4 VRRP multicast group of RFC 5798 §5.1.1.2, used when no unicast peers are given.</summary>
    public static readonly IPAddress MulticastGroup = IPAddress.Parse("224.0.0.18");

    /// <summary>IPv6 VRRP multicast group of RFC 5798 §5.1.2.2.</summary>
    public static readonly IPAddress MulticastGroupV6 = IPAddress.Parse("ff02::12");

    public string Name { get; init; } = "";

    public string Interface { get; init; } = "";

    /// <summary>YAML <c>vrid</c>, 1..255.</summary>
    public int VirtualRouterId { get; init; }

    /// <summary>1..255; 255 means this router owns the addresses (RFC 5798 §5.2.4).</summary>
    public int Priority { get; init; }

    /// <summary>2 or 3.</summary>
    public int Version { get; init; } = 3;

    public TimeSpan AdvertInterval { get; init; } = TimeSpan.FromSeconds(1);

    public bool Preempt { get; init; } = true;

    public TimeSpan PreemptDelay { get; init; } = TimeSpan.Zero;

    /// <summary>
    /// YAML <c>learnedIntervalLimit</c> (VRRPv3): null, the default, max(3 × advertInterval, 1 s); <see cref="TimeSpan.Zero"/>
    /// (<c>off</c>): adopt any interval, as RFC 5798 §6.4.2 says.
    /// </summary>
    public TimeSpan? LearnedIntervalLimit { get; init; }

    /// <summary>The bound the election uses; null when there is none (VRRPv2 backups never adopt the master's interval).</summary>
    public TimeSpan? EffectiveLearnedIntervalLimit =>
        Version != 3 || LearnedIntervalLimit == TimeSpan.Zero ? null
        : LearnedIntervalLimit ?? TimeSpan.FromTicks(Math.Min(Math.Max(3 * AdvertInterval.Ticks, TimeSpan.TicksPerSecond), MaxV3Interval.Ticks));

    private static readonly TimeSpan MaxV3Interval = TimeSpan.FromMilliseconds(40_950);

    /// <summary>Empty: adverts go to <see cref="MulticastGroup"/> (<see cref="MulticastGroupV6"/> for IPv6).</summary>
    public ValueList<IPAddress> UnicastPeers { get; init; } = [];

    /// <summary>Null: the interface's primary address (IPv4) or its link-local address (IPv6, RFC 5798 §5.1.2.1).</summary>
    public IPAddress? UnicastSource { get; init; }

    /// <summary>The addresses the master holds and lists in its adverts (what a peer's advert must list too).</summary>
    public ValueList<VirtualAddress> VirtualAddresses { get; init; } = [];

    /// <summary>
    /// YAML <c>excludedAddresses</c> (keepalived's <c>virtual_ipaddress_excluded</c>): held by the master like the others,
    /// never listed in adverts; of either family.
    /// </summary>
    public ValueList<VirtualAddress> ExcludedAddresses { get; init; } = [];

    /// <summary>Every address the master holds: the advertised ones, then the excluded ones.</summary>
    public IEnumerable<VirtualAddress> HeldAddresses => VirtualAddresses.Concat(ExcludedAddresses);

    /// <summary>The interface <paramref name="address"/> goes on: its own <c>dev</c>, else the instance's interface.</summary>
    public string DeviceOf(VirtualAddress address) => address.Device ?? Interface;

    /// <summary>The instance's address family: its first virtual address's (RFC 5798 §1: one family per virtual router).</summary>
    public AddressFamily Family => VirtualAddresses.Count > 0 ? VirtualAddresses[0].Address.AddressFamily : AddressFamily.InterNetwork;

    public GarpConfig Garp { get; init; } = new();

    /// <summary>VRRPv2's text password (RFC 2338 §5.3.6; RFC 3768 and RFC 5798 dropped it), or none.</summary>
    public VrrpAuthentication Authentication { get; init; } = VrrpAuthentication.None;

    /// <summary>HMAC authentication (<c>authentication.type: hmac</c>, keepalived 2.4 <c>auth_hmac</c>), or none.</summary>
    public HaDirector.Vrrp.Protocol.Authentication.VrrpHmacSettings? Hmac { get; init; }

    /// <summary>
    /// <c>authentication.acceptRoutedUnicast</c>: unicast adverts with a TTL below 255 are accepted (routed networks);
    /// only with HMAC in enforce mode, which then is the proof of origin that the TTL no longer gives.
    /// </summary>
    public bool AcceptRoutedUnicast { get; init; }

    /// <summary>How a VRRPv3 IPv4 checksum is computed: with the pseudo-header (RFC 5798, keepalived) or without (RFC 9568).</summary>
    public VrrpChecksumMode V3Checksum { get; init; } = VrrpChecksumMode.PseudoHeader;

    /// <summary>The trackers this instance follows (<c>vrrp.trackers[].name</c>) and their weights.</summary>
    public ValueList<TrackConfig> Track { get; init; } = [];

    public NotifyConfig? Notify { get; init; }

    /// <summary>
    /// While this instance's IPVS table cannot be put in place (no IPVS, persistent netlink errors): null, Fault (a
    /// master that cannot forward steps aside); or this weight (-253..-1) added to the priority. Only for an
    /// instance with virtual servers.
    /// </summary>
    public int? TableFailureWeight { get; init; }
}
