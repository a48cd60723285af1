using System.Net;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Vrrp.Election;

public sealed partial class VrrpInstanceDriver
{
    /// <summary>
    /// Runs a scratch driver (its own machine, a discarding sink, a hand-moved clock) through the election paths a
    /// backup takes on its first takeover — adverts heard, a priority-0 advert, Master_Down expiry, becoming master,
    /// stepping down, shutdown — so that first-use initialisation of those paths (static constructors, code pages
    /// touched for the first time; JIT too in a plain build) happens at start-up instead of between the deadline
    /// and the first GARP. No side effects: nothing leaves the process.
    /// </summary>
    public static void WarmUp(VrrpInstanceOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var clock = new WarmUpClock();
        using var driver = new VrrpInstanceDriver(options, DiscardingSink.Instance, clock);
        // A peer that outranks us (or, for an address owner, one it outranks): both receive paths run either way.
        var peer = IPAddress.Parse("192.0.2.1");
        var higher = (byte)Math.Min(options.Priority + 1, VrrpPacket.PriorityOwner);
        driver.Start();
        driver.Post(new VrrpInput.AdvertReceived(peer, higher, options.AdvertInterval));
        driver.Post(new VrrpInput.AdvertReceived(peer, VrrpPacket.PriorityStop, options.AdvertInterval));
        clock.Advance(TimeSpan.FromHours(1));
        driver.Post(new VrrpInput.TimerElapsed()); // Master_Down expired: becomes master
        driver.Post(new VrrpInput.AdvertReceived(peer, 1, options.AdvertInterval));
        clock.Advance(TimeSpan.FromHours(1));
        driver.Post(new VrrpInput.TimerElapsed()); // Adver_Timer
        driver.Post(new VrrpInput.AdvertReceived(peer, VrrpPacket.PriorityOwner, options.AdvertInterval));
        driver.Shutdown();
        _ = driver.GetStatistics();
    }

    private sealed class DiscardingSink : IVrrpActionSink
    {
        public static readonly DiscardingSink Instance = new();

        public void Execute(VrrpInstanceOptions instance, VrrpAction action)
        {
        }
    }

    /// <summary>A clock that moves only when told; its timers never fire (the warm-up feeds TimerElapsed itself).</summary>
    private sealed class WarmUpClock : TimeProvider
    {
        private long _now = 1;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => _now;

        public void Advance(TimeSpan by) => _now += by.Ticks;

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new IdleTimer();

        private sealed class IdleTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
