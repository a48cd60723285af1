using System.Net;
using HaDirector.Director.Metrics;
using Prometheus;

namespace HaDirector.Director.Announce;

/// <summary><c>hadirector_announce_state{vip,state}</c>: 1 for the VIP's current state, 0 for the others (one series per state, as node_exporter's systemd unit state).</summary>
public sealed class AnnounceMetrics(CollectorRegistry registry)
{
    private readonly Gauge _state = Prometheus.Metrics.WithCustomRegistry(registry).CreateGauge(MetricNames.AnnounceState,
        "Per announced VIP: 1 for its state (announcing, or why it is withdrawn: maintenance, no_healthy_real_server, tracker_down, hold_down, stopping), 0 for the others.",
        "vip", "state");

    public void Set(IPAddress vip, AnnounceReason reason)
    {
        var text = vip.ToString();
        foreach (var state in AnnounceNames.All)
        {
            _state.WithLabels(text, AnnounceNames.Of(state)).Set(state == reason ? 1 : 0);
        }
    }

    public void Remove(IPAddress vip)
    {
        var text = vip.ToString();
        foreach (var state in AnnounceNames.All)
        {
            _state.RemoveLabelled(text, AnnounceNames.Of(state));
        }
    }
}
