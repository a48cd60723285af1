using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Metrics;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using Prometheus;

namespace HaDirector.Director.Health;

/// <summary>
/// One (virtual server, real server) pair under check: its checks (one target each, all must pass), the health
/// they add up to, the verdict last handed to the sink, and its metric series resolved once.
/// </summary>
internal sealed class RealServerCheck
{
    private readonly Counter.Child? _upChecks;
    private readonly Counter.Child? _downChecks;
    private readonly Histogram.Child? _duration;
    private readonly Gauge.Child? _upGauge;
    private readonly Gauge.Child? _weightGauge;
    private readonly Counter.Child? _flaps;
    private readonly HealthMetrics? _metrics;

    /// <param name="checks">What the server is checked with (its own list, or the service's one check).</param>
    /// <param name="probes">The probe of each check; null for one that checks nothing (type none).</param>
    public RealServerCheck(
        VirtualServerConfig virtualServer,
        RealServerConfig realServer,
        RealServerId id,
        ValueList<HealthCheckConfig> checks,
        FailureAction onFailure,
        Func<HealthCheckConfig, IProbe?> probes,
        RealServerHealth? inherited,
        HealthMetrics? metrics)
    {
        VirtualServer = virtualServer.Name;
        RealServer = realServer;
        Id = id;
        Checks = checks;
        OnFailure = onFailure;
        Sent = inherited;
        Inheriting = inherited is not null;
        _metrics = metrics;
        var label = id.Destination.ToString();
        var several = checks.Count(c => c.Type != HealthCheckType.None) > 1;
        var parts = new List<CheckPart>(checks.Count);
        for (var i = 0; i < checks.Count; i++)
        {
            if (probes(checks[i]) is { } probe)
            {
                var name = several ? $"{CheckPart.LabelOf(i, checks[i])} check of {id.Destination} of {VirtualServer}" : $"{id.Destination} of {VirtualServer}";
                var gauge = several ? metrics?.RealServerCheckUp.WithLabels(VirtualServer, label, CheckPart.LabelOf(i, checks[i])) : null;
                parts.Add(new CheckPart(this, i, checks[i], probe, name, gauge));
            }
        }

        Parts = [.. parts];
        if (metrics is not null)
        {
            _upChecks = metrics.ChecksTotal.WithLabels(VirtualServer, label, "up");
            _downChecks = metrics.ChecksTotal.WithLabels(VirtualServer, label, "down");
            _duration = metrics.CheckDuration.WithLabels(VirtualServer);
            _upGauge = metrics.RealServerUp.WithLabels(VirtualServer, label);
            _weightGauge = metrics.RealServerWeight.WithLabels(VirtualServer, label);
            _flaps = metrics.RealServerFlaps.WithLabels(VirtualServer, label);
            _upGauge.Set(inherited?.Action == RealServerHealthAction.Remove || inherited?.Weight == 0 ? 0 : 1);
            _weightGauge.Set(HealthVerdict.EffectiveWeight(inherited, realServer.Weight));
        }
    }

    public string VirtualServer { get; }

    public RealServerId Id { get; }

    /// <summary>What a reload compares to tell a changed server from an unchanged one.</summary>
    public ValueList<HealthCheckConfig> Checks { get; }

    public FailureAction OnFailure { get; }

    /// <summary>Empty when every check is type none: nothing to run.</summary>
    public CheckPart[] Parts { get; }

    /// <summary>Several checks: status and logs name the check a reason comes from.</summary>
    public bool Several => Parts.Length > 1;

    /// <summary>Replaced by a reload that changes only the weight; read under this object's lock.</summary>
    public RealServerConfig RealServer { get; set; }

    /// <summary>The verdict last handed to the sink; read and written under this object's lock.</summary>
    public RealServerHealth? Sent { get; set; }

    /// <summary>
    /// A reload replaced the checks and the old verdict stands until the new ones decide: a server known dead does
    /// not come back for one interval because a second check has not answered yet. Under this object's lock.
    /// </summary>
    public bool Inheriting { get; set; }

    /// <summary>Set under this object's lock when a reload drops or replaces the check: it reports nothing more.</summary>
    public bool Retired { get; set; }

    /// <summary>The state the checks add up to, as last worked out; under this object's lock.</summary>
    public HealthState State { get; set; }

    /// <summary>When <see cref="State"/> was entered; under this object's lock.</summary>
    public DateTimeOffset? Since { get; set; }

    /// <summary>Changes between up and down of the combined state; under this object's lock.</summary>
    public long Flaps { get; set; }

    public long FlapsSeen { get; set; }

    /// <summary>The last of up or down (unknown in between does not count as a flap); under this object's lock.</summary>
    public HealthState LastKnown { get; set; }

    public void Count(in ProbeResult result)
    {
        // No exemplars: without one given, prometheus-net asks its default provider on every call, which shows
        // at ten thousand checks a second, and health checks have no trace to point at.
        (result.Up ? _upChecks : _downChecks)?.Inc(Exemplar.None);
        _duration?.Observe(result.Latency.TotalSeconds, Exemplar.None);
    }

    public void Show(HealthState state, RealServerHealth? verdict, long newFlaps)
    {
        _upGauge?.Set(state == HealthState.Down ? 0 : 1);
        _weightGauge?.Set(HealthVerdict.EffectiveWeight(verdict, RealServer.Weight));
        if (newFlaps > 0)
        {
            _flaps?.Inc(newFlaps);
        }
    }

    /// <summary>Drops this pair's series: a removed real server must not linger in dashboards.</summary>
    public void Forget()
    {
        if (_metrics is null)
        {
            return;
        }

        var label = Id.Destination.ToString();
        _metrics.ChecksTotal.RemoveLabelled(VirtualServer, label, "up");
        _metrics.ChecksTotal.RemoveLabelled(VirtualServer, label, "down");
        _metrics.RealServerUp.RemoveLabelled(VirtualServer, label);
        _metrics.RealServerWeight.RemoveLabelled(VirtualServer, label);
        _metrics.RealServerFlaps.RemoveLabelled(VirtualServer, label);
        if (Several)
        {
            foreach (var part in Parts)
            {
                _metrics.RealServerCheckUp.RemoveLabelled(VirtualServer, label, part.Label);
            }
        }
    }
}
