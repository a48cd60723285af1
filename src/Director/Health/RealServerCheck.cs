using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Metrics;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Scheduling;
using Prometheus;

namespace HaDirector.Director.Health;

/// <summary>
/// One (virtual server, real server) pair under check: its target in the scheduler, the verdict last handed
/// to the sink, and its metric series resolved once.
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

    public RealServerCheck(
        VirtualServerConfig virtualServer, RealServerConfig realServer, RealServerId id, IProbe probe, RealServerHealth? inherited, HealthMetrics? metrics)
    {
        VirtualServer = virtualServer.Name;
        RealServer = realServer;
        Id = id;
        Config = virtualServer.HealthCheck;
        Sent = inherited;
        var check = virtualServer.HealthCheck;
        Target = new HealthTarget(
            $"{id.Destination} of {virtualServer.Name}",
            probe,
            new CheckTiming(check.Interval, check.Timeout, check.Retry, check.RetryDelay),
            new HealthPolicy(check.Rise, check.Fall),
            this);
        _metrics = metrics;
        if (metrics is not null)
        {
            var label = id.Destination.ToString();
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

    public HealthCheckConfig Config { get; }

    public HealthTarget Target { get; }

    /// <summary>Replaced by a reload that changes only the weight; read under this object's lock.</summary>
    public RealServerConfig RealServer { get; set; }

    /// <summary>The verdict last handed to the sink; read and written under this object's lock.</summary>
    public RealServerHealth? Sent { get; set; }

    /// <summary>Set under this object's lock when a reload drops or replaces the check: it reports nothing more.</summary>
    public bool Retired { get; set; }

    public long FlapsSeen { get; set; }

    /// <summary>The result count of the last snapshot published; read and written under this object's lock.</summary>
    public long Applied { get; set; }

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
    }
}
