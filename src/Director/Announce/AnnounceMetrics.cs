using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Metrics;
using Prometheus;

namespace HaDirector.Director.Announce;

/// <summary>
/// <c>hadirector_announce_state{vip,state}</c>: 1 for the VIP's current state, 0 for the others (one series per state, as
/// node_exporter's systemd unit state); and the routing daemon's last reading: reachable, each BGP and BFD session up or not.
/// </summary>
public sealed class AnnounceMetrics(CollectorRegistry registry)
{
    private readonly Gauge _state = Prometheus.Metrics.WithCustomRegistry(registry).CreateGauge(MetricNames.AnnounceState,
        "Per announced VIP: 1 for its state (announcing, or why it is withdrawn: maintenance, no_healthy_real_server, tracker_down, hold_down, stopping), 0 for the others.",
        "vip", "state");

    private readonly Gauge _daemonUp = Prometheus.Metrics.WithCustomRegistry(registry).CreateGauge(MetricNames.AnnounceRoutingDaemonUp,
        "1 when the last read of the routing daemon (announce.routingDaemon) succeeded, 0 when it failed.", "type");

    private readonly Gauge _bgpUp = Prometheus.Metrics.WithCustomRegistry(registry).CreateGauge(MetricNames.AnnounceBgpSessionUp,
        "Per BGP session of the routing daemon: 1 when Established, 0 otherwise (as last read).", "session", "neighbor");

    private readonly Gauge _bfdUp = Prometheus.Metrics.WithCustomRegistry(registry).CreateGauge(MetricNames.AnnounceBfdSessionUp,
        "Per BFD session of the routing daemon: 1 when up, 0 otherwise (as last read).", "neighbor", "interface");

    private readonly Lock _gate = new();
    private readonly HashSet<(string, string)> _bgpSeries = [];
    private readonly HashSet<(string, string)> _bfdSeries = [];

    /// <summary>The last reading; a session no longer listed loses its series (an unreachable daemon lists none).</summary>
    public void SetRoutingDaemon(RoutingDaemonType type, RoutingDaemonReading reading)
    {
        lock (_gate)
        {
            _daemonUp.WithLabels(type == RoutingDaemonType.Bird ? "bird" : "frr").Set(reading.Reachable ? 1 : 0);
            Replace(_bgpUp, _bgpSeries, reading.Snapshot.Sessions.Select(s => ((s.Name, s.Neighbor ?? ""), s.Established)));
            Replace(_bfdUp, _bfdSeries, reading.Snapshot.Bfd.Select(s => ((s.Neighbor, s.Interface ?? ""), s.Up)));
        }
    }

    /// <summary>No routing daemon configured any more.</summary>
    public void ClearRoutingDaemon()
    {
        lock (_gate)
        {
            foreach (var label in _daemonUp.GetAllLabelValues().ToList())
            {
                _daemonUp.RemoveLabelled(label);
            }

            Replace(_bgpUp, _bgpSeries, []);
            Replace(_bfdUp, _bfdSeries, []);
        }
    }

    private static void Replace(Gauge gauge, HashSet<(string, string)> series, IEnumerable<((string, string) Labels, bool Up)> now)
    {
        var current = new HashSet<(string, string)>();
        foreach (var (labels, up) in now)
        {
            current.Add(labels);
            gauge.WithLabels(labels.Item1, labels.Item2).Set(up ? 1 : 0);
        }

        foreach (var gone in series.Where(s => !current.Contains(s)).ToList())
        {
            gauge.RemoveLabelled(gone.Item1, gone.Item2);
        }

        series.Clear();
        series.UnionWith(current);
    }

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
