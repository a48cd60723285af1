using HaDirector.Director.Configuration;
using HaDirector.Director.Kernel;
using HaDirector.Linux.Netlink.Route;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Tracking;

/// <summary>keepalived's <c>track_interface</c>: up while the link is up and running (as VRRP's own interface).</summary>
public sealed class InterfaceTracker(TrackerConfig config, ILinks links, TimeProvider time)
    : Tracker(config, time, ReadingOf(new LinkEvent(config.Interface!, links.GetLink(config.Interface!))))
{
    protected override async Task RunAsync(CancellationToken cancellationToken)
    {
        // The link watch is event-driven (rtnetlink): a carrier loss reaches the election at once.
        await foreach (var change in links.WatchAsync(Config.Interface!, cancellationToken))
        {
            Report(ReadingOf(change), change.Exists ? (change.IsOperational ? "link up" : "link down") : "no such interface");
        }
    }

    private static TrackerReading ReadingOf(LinkEvent link) => link.IsOperational ? TrackerReading.Healthy : TrackerReading.Failing;
}
