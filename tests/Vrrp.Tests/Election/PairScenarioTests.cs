using System.Net;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Tests.Protocol;
using Microsoft.Extensions.Time.Testing;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

/// <summary>
/// Two drivers on one fake clock, wired through the real codec and validator (write → IPv4 →
/// validate → Receive), replaying the keepalived pair measured in DESIGN.md §6.
/// </summary>
public sealed class PairScenarioTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 22, 0, 0, TimeSpan.Zero));
    private readonly List<Node> _nodes = [];
    private bool _partitioned;

    public void Dispose()
    {
        foreach (var node in _nodes)
        {
            node.Driver.Dispose();
        }
    }

    [Theory]
    // version, interval, A's Master_Down_Interval and Skew_Time (priority 150), B's Skew_Time (priority 100)
    [InlineData(VrrpVersion.V3, 100, 341_406, 41_406, 60_937)]
    [InlineData(VrrpVersion.V2, 1000, 3_414_062, 414_062, 609_375)]
    public void Pair_StartStopRestart_ElectsHandsOverAndPreemptsAtSkewTime(
        VrrpVersion version, int intervalMs, long masterDownA, long skewA, long skewB)
    {
        var a = AddNode(version, intervalMs, 150, "198.18.0.10");
        var b = AddNode(version, intervalMs, 100, "198.18.0.20");

        a.Driver.Start();
        b.Driver.Start();
        RunFor(TimeSpan.FromSeconds(20));

        Assert.Equal([Us(masterDownA)], a.Sink.Entered(VrrpState.Master));
        Assert.Empty(b.Sink.Entered(VrrpState.Master));

        a.Driver.Shutdown();                            // priority 0 at 20 s
        RunFor(TimeSpan.FromSeconds(20));

        Assert.Equal([TimeSpan.FromSeconds(20) + Us(skewB)], b.Sink.Entered(VrrpState.Master));

        a.Driver.Start();                               // at 40 s; B is master at priority 100
        RunFor(TimeSpan.FromSeconds(20));

        // B's first advert after 40 s (at skewB past a whole interval) is lower than A: A takes over at its Skew_Time.
        var takeover = TimeSpan.FromSeconds(40) + Us(skewB) + Us(skewA);
        Assert.Equal([Us(masterDownA), takeover], a.Sink.Entered(VrrpState.Master));
        Assert.Equal(VrrpTransitionCause.Preempted, LastChange(a).Cause);
        Assert.Equal([takeover], b.Sink.Entered(VrrpState.Backup).Skip(1));
        Assert.Equal(VrrpTransitionCause.HigherPriorityAdvert, LastChange(b).Cause);
    }

    [Theory]
    [InlineData(VrrpVersion.V3, 100, 41_406, 60_937)]
    [InlineData(VrrpVersion.V2, 1000, 414_062, 609_375)]
    public void Pair_TrackerDropsMasterBelowBackup_HandsOverWithinSkewPlusOneIntervalAndPreemptsBack(
        VrrpVersion version, int intervalMs, long skewA, long skewB)
    {
        var a = AddNode(version, intervalMs, 150, "198.18.0.10");
        var b = AddNode(version, intervalMs, 100, "198.18.0.20");
        a.Driver.Start();
        b.Driver.Start();
        RunFor(TimeSpan.FromSeconds(20));
        Assert.Equal(VrrpState.Master, a.Driver.State);

        // A tracker takes 60 off A at 20 s (TrackingApplier reconfigures the running machine).
        a.Driver.Reconfigure(a.Options with { Priority = 90 });
        RunFor(TimeSpan.FromSeconds(10));

        // A advertises 90 at once; B (100) takes over at its Skew_Time, well within skew + one interval.
        var handover = TimeSpan.FromSeconds(20) + Us(skewB);
        Assert.Equal([handover], b.Sink.Entered(VrrpState.Master));
        Assert.Equal(VrrpTransitionCause.Preempted, LastChange(b).Cause);
        Assert.Equal([handover], a.Sink.Entered(VrrpState.Backup).Skip(1));

        // The tracker recovers at 30 s: A hears B's next advert (skewB past the interval) and preempts at its skew.
        a.Driver.Reconfigure(a.Options);
        RunFor(TimeSpan.FromSeconds(10));

        Assert.Equal(TimeSpan.FromSeconds(30) + Us(skewB) + Us(skewA), a.Sink.Entered(VrrpState.Master).Last());
        Assert.Equal(VrrpState.Backup, b.Driver.State);
    }

    [Fact]
    public void Pair_MakeBeforeBreakFailover_AddressesNeverUnownedAndHeldUntilResume()
    {
        var a = AddNode(VrrpVersion.V3, 100, 150, "198.18.0.10", makeBeforeBreak: true);
        var b = AddNode(VrrpVersion.V3, 100, 100, "198.18.0.20");
        a.Driver.Start();
        b.Driver.Start();
        RunFor(TimeSpan.FromSeconds(2));

        a.Driver.Post(new VrrpInput.Failover());        // at 2 s
        RunFor(TimeSpan.FromSeconds(10));

        var handover = TimeSpan.FromSeconds(2) + Us(60_937);
        Assert.Equal([handover], b.Sink.Entered(VrrpState.Master));
        Assert.Equal([handover], AddressRemovals(a));
        Assert.Single(a.Sink.Entered(VrrpState.Master));
        Assert.Equal(VrrpState.Backup, a.Driver.State);

        a.Driver.Post(new VrrpInput.Resume());          // at 12 s
        RunFor(TimeSpan.FromSeconds(2));

        // Preempts at its Skew_Time after B's first (lower) advert since the resume.
        Assert.Equal(TimeSpan.FromSeconds(12) + Us(60_937) + Us(41_406), a.Sink.Entered(VrrpState.Master).Last());
        Assert.Equal(VrrpState.Backup, b.Driver.State);
    }

    [Fact]
    public void Pair_EqualPriorityBothMasterAfterPartition_GreaterAddressKeepsMaster()
    {
        var a = AddNode(VrrpVersion.V3, 100, 100, "198.18.0.10");
        var b = AddNode(VrrpVersion.V3, 100, 100, "198.18.0.20");
        _partitioned = true;
        a.Driver.Start();
        b.Driver.Start();
        RunFor(TimeSpan.FromSeconds(2));
        Assert.Equal([VrrpState.Master, VrrpState.Master], new[] { a.Driver.State, b.Driver.State });

        _partitioned = false;
        RunFor(TimeSpan.FromSeconds(2));

        Assert.Equal(VrrpState.Backup, a.Driver.State);
        Assert.Equal(VrrpState.Master, b.Driver.State);
        Assert.Equal(VrrpTransitionCause.EqualPriorityHigherAddress, LastChange(a).Cause);
    }

    [Fact]
    public void Pair_EqualPriorityStartedTogether_FirstToTimeOutStaysMaster()
    {
        // RFC 5798 §6.4.2: a backup accepts an equal-priority advert, so the address tie-break
        // only matters between two masters; A starts 1 ms earlier, times out first, B accepts A.
        var a = AddNode(VrrpVersion.V3, 100, 100, "198.18.0.10");
        var b = AddNode(VrrpVersion.V3, 100, 100, "198.18.0.20");

        a.Driver.Start();
        RunFor(TimeSpan.FromMilliseconds(1));
        b.Driver.Start();
        RunFor(TimeSpan.FromSeconds(5));

        Assert.Equal(VrrpState.Master, a.Driver.State);
        Assert.Equal(VrrpState.Backup, b.Driver.State);
    }

    private Node AddNode(VrrpVersion version, int intervalMs, byte priority, string primary, bool makeBeforeBreak = false)
    {
        var options = new VrrpInstanceOptions(
            "web", 51, priority, version, TimeSpan.FromMilliseconds(intervalMs), IPAddress.Parse(primary), [Vip])
        {
            Authentication = version == VrrpVersion.V2 ? VrrpAuthentication.Password("secret") : VrrpAuthentication.None,
            MakeBeforeBreak = makeBeforeBreak,
        };
        var sink = new RecordingSink(_time);
        var node = new Node(options, sink, new VrrpInstanceDriver(options, sink, _time), new VrrpAdvertValidator([options.CreateReceiveRules()]));
        sink.OnExecute = action =>
        {
            if (action is VrrpAction.SendAdvert send)
            {
                Broadcast(node, send.Priority);
            }
        };
        _nodes.Add(node);
        return node;
    }

    private void Broadcast(Node from, byte priority)
    {
        if (_partitioned)
        {
            return;
        }

        var message = VrrpCodec.Write(from.Options.CreateAdvert(priority), from.Options.PrimaryAddress, VrrpCodec.MulticastGroup);
        var datagram = VrrpCodecTests.WithIpHeader(message, from.Options.PrimaryAddress, VrrpCodec.MulticastGroup);
        foreach (var node in _nodes.Where(n => n != from))
        {
            var result = node.Validator.Validate(datagram);
            Assert.True(result.IsAccepted, result.Reason.ToString());
            node.Driver.Receive(result.Datagram!);
        }
    }

    /// <summary>Advances the clock from deadline to deadline, so every timer fires at its exact time.</summary>
    private void RunFor(TimeSpan duration)
    {
        var end = _time.GetUtcNow() + duration;
        while (true)
        {
            var next = _nodes.Select(n => n.Driver.TimeUntilNextDeadline).Where(d => d is not null).Min();
            var left = end - _time.GetUtcNow();
            if (next is null || next > left)
            {
                _time.Advance(left);
                return;
            }

            _time.Advance(next.Value);
        }
    }

    private static VrrpAction.StateChanged LastChange(Node node) =>
        node.Sink.Actions.OfType<VrrpAction.StateChanged>().Last();

    private static IEnumerable<TimeSpan> AddressRemovals(Node node) =>
        node.Sink.Executed.Where(e => e.Action is VrrpAction.RemoveVirtualAddresses).Select(e => e.At);

    private sealed record Node(VrrpInstanceOptions Options, RecordingSink Sink, VrrpInstanceDriver Driver, VrrpAdvertValidator Validator);
}
