using Prometheus;

namespace HaDirector.Director.Metrics;

/// <summary>Trackers, effective priorities and notify hooks (names in <see cref="MetricNames"/>).</summary>
public sealed class TrackingMetrics
{
    public TrackingMetrics(CollectorRegistry registry)
    {
        var f = DirectorMetrics.Factory(registry);
        TrackerUp = f.CreateGauge(MetricNames.VrrpTrackerUp,
            "1 while the tracker is up, 0 while failing; a file tracker: 1 while its value is 0.", "tracker");
        EffectivePriority = f.CreateGauge(MetricNames.VrrpEffectivePriority,
            "The priority the instance advertises: its configured priority moved by its trackers' weights (keepalived's effective_priority).",
            "instance");
        NotifyRuns = f.CreateCounter(MetricNames.VrrpNotifyRuns, "Notify hook runs, by instance, sync group or real server.", "name");
        NotifyFailures = f.CreateCounter(MetricNames.VrrpNotifyFailures,
            "Notify hook runs that exited non-zero, timed out or did not start, by instance, sync group or real server.", "name");
    }

    public Gauge TrackerUp { get; }

    public Gauge EffectivePriority { get; }

    public Counter NotifyRuns { get; }

    public Counter NotifyFailures { get; }
}
