using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Tracking;

/// <summary>
/// The implicit tracker of every instance with virtual servers: failing while the IPVS table cannot be put in place
/// (the reconciler's passes fail: no IPVS in the kernel, netlink errors) for <see cref="FailingPasses"/> passes in a
/// row, up again after one clean pass. A master whose VIP attracts traffic nothing forwards steps aside.
/// </summary>
public sealed class TableTracker(Func<IpvsReconcilerStatus> status, TimeProvider time)
    : Tracker(new TrackerConfig { Name = TableTracker.TrackerName, Type = TrackerType.VirtualServer, Interval = TimeSpan.FromSeconds(1) }, time,
        TrackerReading.Healthy)
{
    /// <summary>The name status shows for it; the validator refuses a configured tracker of that name.</summary>
    public const string TrackerName = ConfigValidator.ReservedTrackerName;

    /// <summary>One failed pass can be a passing netlink hiccup; two in a row (the reconciler retries at once) is a table that is not there.</summary>
    public const int FailingPasses = 2;

    private long _passes;
    private long _failedPasses;
    private int _failedInARow;

    protected override Task RunAsync(CancellationToken cancellationToken) =>
        PollAsync(
            _ =>
            {
                Check();
                return Task.CompletedTask;
            },
            cancellationToken);

    /// <summary>Looks at the passes since the last look.</summary>
    internal void Check()
    {
        var now = status();
        var passes = now.Passes - _passes;
        var failed = now.FailedPasses - _failedPasses;
        _passes = now.Passes;
        _failedPasses = now.FailedPasses;
        if (passes == 0)
        {
            return;
        }

        if (failed == 0 && now.LastFailedOperations == 0)
        {
            _failedInARow = 0;
            Report(TrackerReading.Healthy, "table in place");
            return;
        }

        _failedInARow += (int)Math.Max(failed, 1);
        if (_failedInARow >= FailingPasses)
        {
            Report(TrackerReading.Failing, $"{_failedInARow} reconcile passes in a row failed");
        }
    }
}
