using HaDirector.Director.Configuration;
using HaDirector.HealthCheck.Policy;
using HaDirector.HealthCheck.Probes;
using HaDirector.HealthCheck.Scheduling;
using Prometheus;

namespace HaDirector.Director.Health;

/// <summary>
/// One check of a real server: its own target (probe, timing, rise/fall) in the scheduler, and the snapshot of it
/// the server's verdict was last worked out from. Its fields are read and written under the owner's lock.
/// </summary>
internal sealed class CheckPart
{
    private readonly Gauge.Child? _upGauge;

    /// <param name="name">The target's name in the scheduler's logs.</param>
    public CheckPart(RealServerCheck owner, int index, HealthCheckConfig config, IProbe probe, string name, Gauge.Child? upGauge)
    {
        Owner = owner;
        Label = LabelOf(index, config);
        Config = config;
        Target = new HealthTarget(
            name, probe, new CheckTiming(config.Interval, config.Timeout, config.Retry, config.RetryDelay), new HealthPolicy(config.Rise, config.Fall), this);
        _upGauge = upGauge;
        _upGauge?.Set(1);
    }

    public RealServerCheck Owner { get; }

    /// <summary><c>1:tcp</c>: unique within the server, stable while its list is.</summary>
    public string Label { get; }

    public HealthCheckConfig Config { get; }

    public HealthTarget Target { get; }

    public HealthSnapshot Last { get; set; }

    /// <summary>The result count of <see cref="Last"/>: an older snapshot arriving late is dropped.</summary>
    public long Applied { get; set; }

    public static string LabelOf(int index, HealthCheckConfig config) => $"{index + 1}:{ScalarParsers.CheckTypes.Name(config.Type)}";

    public void Show(HealthState state) => _upGauge?.Set(state == HealthState.Down ? 0 : 1);
}
