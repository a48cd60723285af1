using Prometheus;

namespace HaDirector.Director.Metrics;

/// <summary>
/// Health-check metrics (names in <see cref="MetricNames"/>). Per real server: label values are cached by the health service so a
/// check costs no label lookup. The duration histogram is per virtual server only: ten thousand targets
/// times a dozen buckets would be more series than every other metric together.
/// </summary>
public sealed class HealthMetrics
{
    public HealthMetrics(CollectorRegistry registry)
    {
        var f = DirectorMetrics.Factory(registry);
        ChecksTotal = f.CreateCounter(MetricNames.HealthChecks,
            "Health-check rounds finished (after retries), by result (up or down).", "virtual_server", "real_server", "result");
        CheckDuration = f.CreateHistogram(MetricNames.HealthCheckDuration,
            "Time one health probe took, timeouts included.",
            new HistogramConfiguration
            {
                LabelNames = ["virtual_server"],
                Buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
            });
        RealServerUp = f.CreateGauge(MetricNames.RealServerUp,
            "1 while health checks find the real server up (or it is not checked yet), 0 while down.", "virtual_server", "real_server");
        RealServerWeight = f.CreateGauge(MetricNames.RealServerWeight,
            "The weight health asks IPVS for: configured, agent/exec-reported, or 0 when inhibited or removed.",
            "virtual_server", "real_server");
        RealServerFlaps = f.CreateCounter(MetricNames.RealServerFlaps,
            "Changes between up and down of a real server's health.", "virtual_server", "real_server");
        RealServerCheckUp = f.CreateGauge(MetricNames.RealServerCheckUp,
            "Only for a real server with several checks: 1 while this check finds it up (or has not decided), 0 while down.",
            "virtual_server", "real_server", "check");
    }

    public Counter ChecksTotal { get; }

    public Histogram CheckDuration { get; }

    public Gauge RealServerUp { get; }

    public Gauge RealServerWeight { get; }

    public Counter RealServerFlaps { get; }

    public Gauge RealServerCheckUp { get; }
}
