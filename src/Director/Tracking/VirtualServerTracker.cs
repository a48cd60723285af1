using HaDirector.Director.Configuration;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Tracking;

/// <summary>
/// keepalived's quorum as a tracker: failing while fewer than <c>minUp</c> real servers of the virtual server are up
/// in the health checker's view, so a director that cannot reach its real servers steps down. Checked every interval.
/// </summary>
public sealed class VirtualServerTracker(TrackerConfig config, Func<string, int> realServersUp, TimeProvider time)
    : Tracker(config, time, realServersUp(config.VirtualServer!) >= config.MinUp ? TrackerReading.Healthy : TrackerReading.Failing)
{
    protected override Task RunAsync(CancellationToken cancellationToken) =>
        PollAsync(
            _ =>
            {
                var up = realServersUp(Config.VirtualServer!);
                Report(up >= Config.MinUp ? TrackerReading.Healthy : TrackerReading.Failing, $"{up} of at least {Config.MinUp} up");
                return Task.CompletedTask;
            },
            cancellationToken);
}
