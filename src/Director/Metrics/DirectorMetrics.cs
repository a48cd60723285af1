using System.Net.Sockets;
using HaDirector.Vrrp.Protocol;
using Prometheus;

namespace HaDirector.Director.Metrics;

/// <summary>
/// The VRRP metrics and the build information (names in <see cref="MetricNames"/>). Meanings follow keepalived's
/// exporters where those have a well-known metric (docs/metrics.md).
/// </summary>
public sealed class DirectorMetrics
{
    public DirectorMetrics(CollectorRegistry registry)
    {
        var f = Factory(registry);
        VrrpState = f.CreateGauge(MetricNames.VrrpState,
            "VRRP state of the instance: 0 initialize, 1 backup, 2 master, 3 fault (keepalived_vrrp_state).",
            "instance");
        VrrpTransitions = f.CreateCounter(MetricNames.VrrpTransitions,
            "VRRP state transitions by destination state and cause.", "instance", "to", "cause");
        AdvertsSent = f.CreateCounter(MetricNames.VrrpAdvertsSent, "VRRP advertisements sent.", "instance");
        AdvertsReceived = f.CreateCounter(MetricNames.VrrpAdvertsReceived,
            "Valid VRRP advertisements received.", "instance");
        PriorityZeroSent = f.CreateCounter(MetricNames.VrrpPriorityZeroSent,
            "Priority-0 (resign) advertisements sent.", "instance");
        PriorityZeroReceived = f.CreateCounter(MetricNames.VrrpPriorityZeroReceived,
            "Priority-0 (resign) advertisements received.", "instance");
        PacketsDropped = f.CreateCounter(MetricNames.VrrpPacketsDropped,
            "Received VRRP packets dropped by validation (RFC 5798 §7.1), by interface, reason and address family (ipv4, ipv6).",
            "interface", "reason", "family");
        AuthFailures = f.CreateCounter(MetricNames.VrrpAuthFailures,
            "Received VRRP adverts dropped by HMAC authentication, by instance and reason (missing_trailer, malformed, unknown_key, bad_hmac, stale, replayed).",
            "instance", "reason");
        AuthActiveKey = f.CreateGauge(MetricNames.VrrpAuthActiveKey,
            "The id of the HMAC key this instance signs its adverts with (never the key).", "instance");
        GarpSent = f.CreateCounter(MetricNames.VrrpGarpSent, "Gratuitous ARP frames sent.", "instance");
        ForeignAdverts = f.CreateCounter(MetricNames.VrrpForeignAdverts,
            "Adverts of other VRRP routers on the link (a VRID not configured here, none of our VIPs): normal, not counted as drops.",
            "interface", "family");
        VipClaims = f.CreateCounter(MetricNames.VrrpVipClaims,
            "Dropped adverts that list one of our VIPs (another VRID, version, address list or password): a split brain.",
            "interface", "family");
        VipReadded = f.CreateCounter(MetricNames.VrrpVipReadded,
            "VIPs someone else removed from a master, added back and announced again.", "instance");
        AnnouncementErrors = f.CreateCounter(MetricNames.VrrpAnnouncementErrors,
            "Gratuitous ARP (ipv4) or neighbour advert (ipv6) sends that failed (each failed attempt; the sender reopens the device and retries).",
            "interface", "family");
        AddressConflicts = f.CreateCounter(MetricNames.VrrpAddressConflicts,
            "ARP or neighbour-discovery frames from another MAC claiming one of the instance's VIPs while it is master: an address conflict (split brain).", "instance");
        LearnedIntervalLimited = f.CreateCounter(MetricNames.VrrpLearnedIntervalLimited,
            "Times a backup heard a master advertise a longer interval than learnedIntervalLimit and used the limit (a forged or misconfigured advert).",
            "instance");
        BuildInfo = f.CreateGauge(MetricNames.BuildInfo, "Build information; always 1.", "version");
        BuildInfo.WithLabels(BuildVersion.Text).Set(1);
    }

    public Gauge VrrpState { get; }

    public Counter VrrpTransitions { get; }

    public Counter AdvertsSent { get; }

    public Counter AdvertsReceived { get; }

    public Counter PriorityZeroSent { get; }

    public Counter PriorityZeroReceived { get; }

    public Counter PacketsDropped { get; }

    public Counter GarpSent { get; }

    public Counter AuthFailures { get; }

    public Gauge AuthActiveKey { get; }

    public Counter ForeignAdverts { get; }

    public Counter VipClaims { get; }

    public Counter VipReadded { get; }

    public Counter AnnouncementErrors { get; }

    public Counter AddressConflicts { get; }

    public Counter LearnedIntervalLimited { get; }

    public Gauge BuildInfo { get; }

    /// <summary>
    /// Creates an instance's counters at 0 when it starts: a series that appears only at its first event hides
    /// that event from <c>increase()</c> and <c>rate()</c>, and an alert on it cannot tell "none" from "not
    /// exported". The drop reasons are per interface, each one at 0.
    /// </summary>
    public void Publish(string instance, string interfaceName, AddressFamily family)
    {
        foreach (var counter in new[] { AdvertsSent, AdvertsReceived, PriorityZeroSent, PriorityZeroReceived, GarpSent, LearnedIntervalLimited })
        {
            counter.WithLabels(instance);
        }

        foreach (var reason in Enum.GetValues<VrrpDropReason>())
        {
            if (reason != VrrpDropReason.None)
            {
                PacketsDropped.WithLabels(interfaceName, reason.ToString(), FamilyLabel(family));
            }
        }
    }

    /// <summary>
    /// The <c>family</c> label of the per-interface VRRP series: an interface with IPv4 and IPv6 instances has a channel
    /// of each (RFC 5798 §1), whose drops and announcements must be told apart.
    /// </summary>
    public static string FamilyLabel(AddressFamily family) => family == AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4";

    /// <summary>
    /// The factory every metrics class of the daemon uses: no exemplars (none is published), so an increment does not look
    /// up the current trace context (an AsyncLocal read and a callback per advert sent or received).
    /// </summary>
    public static MetricFactory Factory(CollectorRegistry registry)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(registry);
        factory.ExemplarBehavior = ExemplarBehavior.NoExemplars();
        return factory;
    }

    /// <summary>Drops an instance's series when a reload removes the instance (a re-created one starts from zero).</summary>
    public void Forget(string instance)
    {
        foreach (var metric in new Collector[] { VrrpState, AdvertsSent, AdvertsReceived, PriorityZeroSent, PriorityZeroReceived, GarpSent, VipReadded, AddressConflicts, AuthActiveKey, LearnedIntervalLimited })
        {
            switch (metric)
            {
                case Gauge gauge:
                    gauge.RemoveLabelled(instance);
                    break;
                case Counter counter:
                    counter.RemoveLabelled(instance);
                    break;
            }
        }
        foreach (var labels in VrrpTransitions.GetAllLabelValues().Where(l => l[0] == instance).ToList())
        {
            VrrpTransitions.RemoveLabelled(labels);
        }

        foreach (var labels in AuthFailures.GetAllLabelValues().Where(l => l[0] == instance).ToList())
        {
            AuthFailures.RemoveLabelled(labels);
        }
    }
}
