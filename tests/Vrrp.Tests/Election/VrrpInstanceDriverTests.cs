using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using Microsoft.Extensions.Time.Testing;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

public sealed class VrrpInstanceDriverTests : IDisposable
{
    private static readonly TimeSpan OneTick = TimeSpan.FromTicks(1);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 22, 0, 0, TimeSpan.Zero));
    private readonly RecordingSink _sink;
    private readonly VrrpInstanceDriver _driver;

    public VrrpInstanceDriverTests()
    {
        _sink = new RecordingSink(_time);
        _driver = new VrrpInstanceDriver(V3(priority: 100), _sink, _time);
    }

    public void Dispose() => _driver.Dispose();

    [Fact]
    public void Start_NoMaster_OwnTimerFiresAtExactlyMasterDownInterval()
    {
        _driver.Start();
        _time.Advance(Us(360_937) - OneTick);

        Assert.Equal(VrrpState.Backup, _driver.State);
        Assert.Equal(OneTick, _driver.TimeUntilNextDeadline);

        _time.Advance(OneTick);

        Assert.Equal(VrrpState.Master, _driver.State);
        Assert.Equal([Us(360_937)], _sink.Entered(VrrpState.Master));
        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.StateChanged(VrrpState.Initialize, VrrpState.Backup, VrrpTransitionCause.Startup),
                new VrrpAction.StateChanged(VrrpState.Backup, VrrpState.Master, VrrpTransitionCause.MasterDownTimerExpired),
                new VrrpAction.AddVirtualAddresses([Vip]),
                new VrrpAction.StartGratuitousArp([Vip]),
                new VrrpAction.SendAdvert(100),
            ],
            _sink.Actions);
    }

    [Fact]
    public void Master_OneSecond_AdvertEveryIntervalAtExactTimes()
    {
        _driver.Start();
        _time.Advance(Us(360_937));

        for (int i = 0; i < 10; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));
        }

        var sent = _sink.Executed.Where(e => e.Action is VrrpAction.SendAdvert).Select(e => e.At).ToList();
        Assert.Equal(Enumerable.Range(0, 11).Select(i => Us(360_937) + TimeSpan.FromMilliseconds(100 * i)), sent);
    }

    [Fact]
    public void Master_TimerFiresLate_NextAdvertOneIntervalAfterTheLateOne()
    {
        // RFC 5798 §6.4.3 resets Adver_Timer when it fires; a stalled host sends one advert, not a burst.
        _driver.Start();
        _time.Advance(Us(360_937));

        _time.Advance(TimeSpan.FromMilliseconds(250));
        _time.Advance(TimeSpan.FromMilliseconds(100));

        var sent = _sink.Executed.Where(e => e.Action is VrrpAction.SendAdvert).Select(e => e.At);
        Assert.Equal([Us(360_937), Us(610_937), Us(710_937)], sent);
    }

    [Fact]
    public void Timer_SystemTimerFiresUpTo1msEarly_WaitsAtLeastOneMillisecondInsteadOfSpinning()
    {
        var clock = new MillisecondTimerTimeProvider(_time);
        var sink = new RecordingSink(_time);
        using var driver = new VrrpInstanceDriver(V3(priority: 100), sink, clock);
        driver.Start();

        // Armed for 360.937 ms, fires at 360 ms: not due, 0.937 ms left, re-armed for 1 ms.
        _time.Advance(TimeSpan.FromMilliseconds(360));
        Assert.Equal(VrrpState.Backup, driver.State);
        _time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Equal([TimeSpan.FromMilliseconds(361)], sink.Entered(VrrpState.Master));
        Assert.Equal(2, clock.Firings);
    }

    [Fact]
    public void Receive_HigherPriorityAdvert_TimerRearmedToMasterDownInterval()
    {
        _driver.Start();
        _time.Advance(TimeSpan.FromMilliseconds(300));

        _driver.Post(new VrrpInput.AdvertReceived(Peer, 200, TimeSpan.FromMilliseconds(100)));
        _time.Advance(Us(360_937) - OneTick);

        Assert.Equal(VrrpState.Backup, _driver.State);
        _time.Advance(OneTick);
        Assert.Equal([TimeSpan.FromMilliseconds(300) + Us(360_937)], _sink.Entered(VrrpState.Master));
    }

    [Fact]
    public void GetStatistics_AfterElectionAndHandover_CountsEverything()
    {
        _driver.Start();
        _time.Advance(Us(360_937));                       // master, 1 advert
        for (int i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromMilliseconds(100));  // 5 more
        }

        _driver.Post(new VrrpInput.AdvertReceived(Peer, 0, TimeSpan.FromMilliseconds(100)));   // 1 more at once
        _driver.Post(new VrrpInput.Failover());           // priority 0
        _driver.RecordDrop(VrrpDropReason.BadChecksum);
        _driver.RecordDrop(VrrpDropReason.BadChecksum);
        _driver.RecordDrop(VrrpDropReason.TtlNot255);

        var stats = _driver.GetStatistics();

        Assert.Equal(VrrpState.Backup, stats.State);
        Assert.True(stats.IsHeld);
        Assert.False(stats.HoldsAddresses);
        Assert.Null(stats.MasterAddress);
        Assert.Equal(0, stats.MasterPriority);
        Assert.Equal(8, stats.AdvertsSent);
        Assert.Equal(1, stats.PriorityZeroAdvertsSent);
        Assert.Equal(1, stats.AdvertsReceived);
        Assert.Equal(1, stats.PriorityZeroAdvertsReceived);
        Assert.Equal(3, stats.Transitions);
        Assert.Equal(1, stats.BecameMaster);
        Assert.Equal(0, stats.SinkFailures);
        Assert.Equal(new Dictionary<VrrpDropReason, long> { [VrrpDropReason.BadChecksum] = 2, [VrrpDropReason.TtlNot255] = 1 }, stats.Drops);
    }

    [Fact]
    public void GetStatistics_BackupHearingV3Master_ReportsTheMaster()
    {
        _driver.Start();

        _driver.Post(new VrrpInput.AdvertReceived(Peer, 200, TimeSpan.FromMilliseconds(250)));
        var stats = _driver.GetStatistics();

        Assert.Equal(Peer, stats.MasterAddress);
        Assert.Equal(200, stats.MasterPriority);
        Assert.Equal(TimeSpan.FromMilliseconds(250), stats.MasterAdvertInterval);
        Assert.False(stats.HoldsAddresses);
    }

    [Fact]
    public void Execute_SinkThrows_RestOfBatchStillRunsAndFailureCounted()
    {
        _sink.OnExecute = action =>
        {
            if (action is VrrpAction.AddVirtualAddresses)
            {
                throw new InvalidOperationException("netlink said no");
            }
        };
        _driver.Start();

        _time.Advance(Us(360_937));

        Assert.Equal(VrrpState.Master, _driver.State);
        Assert.IsType<VrrpAction.SendAdvert>(_sink.Actions.Last());
        Assert.Equal(1, _driver.GetStatistics().SinkFailures);
    }

    [Fact]
    public void Post_FromInsideTheSink_RunsAfterTheCurrentBatch()
    {
        _sink.OnExecute = action =>
        {
            if (action is VrrpAction.AddVirtualAddresses)
            {
                _driver.Post(new VrrpInput.Failover());
            }
        };
        _driver.Start();

        _time.Advance(Us(360_937));

        Assert.Equal<VrrpAction>(
            [
                new VrrpAction.StateChanged(VrrpState.Initialize, VrrpState.Backup, VrrpTransitionCause.Startup),
                new VrrpAction.StateChanged(VrrpState.Backup, VrrpState.Master, VrrpTransitionCause.MasterDownTimerExpired),
                new VrrpAction.AddVirtualAddresses([Vip]),
                new VrrpAction.StartGratuitousArp([Vip]),
                new VrrpAction.SendAdvert(100),
                new VrrpAction.StateChanged(VrrpState.Master, VrrpState.Backup, VrrpTransitionCause.ManualFailover),
                new VrrpAction.SendAdvert(0),
                new VrrpAction.StopGratuitousArp(),
                new VrrpAction.RemoveVirtualAddresses([Vip]),
            ],
            _sink.Actions);
        Assert.Null(_driver.TimeUntilNextDeadline);
    }

    [Fact]
    public void Dispose_ThenTimeAndInputs_NothingRunsAndPostThrows()
    {
        _driver.Start();
        int before = _sink.Executed.Count;

        _driver.Dispose();
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(before, _sink.Executed.Count);
        Assert.Throws<ObjectDisposedException>(() => _driver.Post(new VrrpInput.Resume()));
    }

    [Fact]
    public void Shutdown_Master_TimerDisarmed()
    {
        _driver.Start();
        _time.Advance(Us(360_937));

        _driver.Shutdown();
        int count = _sink.Executed.Count;
        _time.Advance(TimeSpan.FromSeconds(10));

        Assert.Equal(VrrpState.Initialize, _driver.State);
        Assert.Equal(count, _sink.Executed.Count);
        Assert.Null(_driver.TimeUntilNextDeadline);
    }

    [Fact]
    public void Master_SteadyAdverts_AllocateNothingPerAdvert()
    {
        // 50 adverts a second at 20 ms: every object made per advert is garbage the daemon must collect, on the master's
        // timer thread's heap. The machine's step, its actions and the timer input are reused.
        var time = new SteppingTimeProvider();
        var sink = new CountingSink();
        using var driver = new VrrpInstanceDriver(V3(priority: 100, intervalMs: 20), sink, time);
        driver.Start();
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(VrrpState.Master, driver.State);
        for (var i = 0; i < 10; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        var sentBefore = sink.Adverts;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(1000, sink.Adverts - sentBefore);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Master_SteadyAdverts_TimerSetOnceNotPerAdvert()
    {
        // Each setting of the daemon's timer is a timerfd_settime(2): a steady master keeps one periodic setting.
        var time = new SteppingTimeProvider();
        var sink = new CountingSink();
        using var driver = new VrrpInstanceDriver(V3(priority: 100, intervalMs: 20), sink, time);
        driver.Start();
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(VrrpState.Master, driver.State);
        var changesBefore = time.Changes;
        var sentBefore = sink.Adverts;

        for (var i = 0; i < 100; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(20));
        }

        Assert.Equal(100, sink.Adverts - sentBefore);
        Assert.Equal(0, time.Changes - changesBefore);
    }

    [Fact]
    public void Master_PeriodicTimerThenHigherAdvert_BackupTimerReplacesIt()
    {
        // The periodic Adver_Timer must not outlive Master: a higher advert makes a backup whose only timer is Master_Down.
        _driver.Start();
        _time.Advance(Us(360_937));
        _time.Advance(TimeSpan.FromMilliseconds(300));
        var adverts = _sink.Executed.Count(e => e.Action is VrrpAction.SendAdvert);

        _driver.Post(new VrrpInput.AdvertReceived(Peer, 200, TimeSpan.FromMilliseconds(100)));
        _time.Advance(TimeSpan.FromMilliseconds(300));

        Assert.Equal(VrrpState.Backup, _driver.State);
        Assert.Equal(adverts, _sink.Executed.Count(e => e.Action is VrrpAction.SendAdvert));
        Assert.Equal(Us(360_937) - TimeSpan.FromMilliseconds(300), _driver.TimeUntilNextDeadline);
    }

    /// <summary>Counts the adverts and keeps nothing (a recording sink allocates per action).</summary>
    private sealed class CountingSink : IVrrpActionSink
    {
        public int Adverts { get; private set; }

        public void Execute(VrrpInstanceOptions instance, VrrpAction action)
        {
            if (action is VrrpAction.SendAdvert)
            {
                Adverts++;
            }
        }
    }
}
