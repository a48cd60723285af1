using System.Net;
using System.Net.NetworkInformation;
using HaDirector.Vrrp.Arp;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.Vrrp.Tests.Arp;

public class GarpSchedulerTests
{
    private static readonly IPAddress[] Vips = [IPAddress.Parse("198.18.0.88"), IPAddress.Parse("198.18.0.89")];

    private sealed class RecordingSender : IArpSender
    {
        public List<byte[]> Frames { get; } = [];

        /// <summary>The next sends that fail, as a stale pcap handle does.</summary>
        public int Failures { get; set; }

        public PhysicalAddress MacAddress { get; } = PhysicalAddress.Parse("02-00-00-00-00-01");

        public void Send(ReadOnlySpan<byte> frame)
        {
            if (Failures > 0)
            {
                Failures--;
                throw new IOException("send: Network is down");
            }

            Frames.Add(frame.ToArray());
        }

        public void Dispose()
        {
        }
    }

    [Fact]
    public void Start_Repeat5Interval100ms_SendsFiveRoundsExactlyIntervalApart()
    {
        var time = new FakeTimeProvider();
        var sender = new RecordingSender();
        using var garp = new GarpScheduler(sender, new GarpOptions(5, TimeSpan.FromMilliseconds(100), TimeSpan.Zero), time);

        garp.Start(Vips);
        Assert.Equal(2, sender.Frames.Count); // first round at once, one frame per VIP

        for (var round = 2; round <= 5; round++)
        {
            time.Advance(TimeSpan.FromMilliseconds(99));
            Assert.Equal((round - 1) * 2, sender.Frames.Count);
            time.Advance(TimeSpan.FromMilliseconds(1));
            Assert.Equal(round * 2, sender.Frames.Count);
        }

        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(10, sender.Frames.Count);
        Assert.False(garp.Active);
    }

    [Fact]
    public void Start_SendFailsOnce_OtherFramesGoOutAndTheRoundIsRetried()
    {
        var time = new FakeTimeProvider();
        var sender = new RecordingSender { Failures = 1 };
        using var garp = new GarpScheduler(sender, new GarpOptions(1, TimeSpan.FromMilliseconds(100), TimeSpan.Zero), time);

        garp.Start(Vips); // a burst of one round: lost without a retry
        Assert.Single(sender.Frames);
        Assert.Equal(1, garp.SendErrors);

        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(3, sender.Frames.Count);
        time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(3, sender.Frames.Count);
        Assert.False(garp.Active);
    }

    [Fact]
    public void Start_SendAlwaysFails_RetriesABoundedNumberOfTimes()
    {
        var time = new FakeTimeProvider();
        var sender = new RecordingSender { Failures = int.MaxValue };
        using var garp = new GarpScheduler(sender, new GarpOptions(1, TimeSpan.FromMilliseconds(100), TimeSpan.Zero), time);

        garp.Start(Vips);
        for (var i = 0; i < 100; i++)
        {
            time.Advance(TimeSpan.FromMilliseconds(100));
        }

        Assert.Equal(2 * (GarpScheduler.MaxRetries + 1), garp.SendErrors);
        Assert.False(garp.Active);
    }

    [Fact]
    public void Stop_DuringBurst_NoFurtherFrames()
    {
        var time = new FakeTimeProvider();
        var sender = new RecordingSender();
        using var garp = new GarpScheduler(sender, new GarpOptions(5, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(10)), time);

        garp.Start(Vips);
        time.Advance(TimeSpan.FromMilliseconds(100));
        garp.Stop();
        time.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(4, sender.Frames.Count);
        Assert.False(garp.Active);
    }

    [Fact]
    public void Start_WithRefresh_RefreshesEveryPeriodAfterTheBurst()
    {
        var time = new FakeTimeProvider();
        var sender = new RecordingSender();
        using var garp = new GarpScheduler(sender, new GarpOptions(2, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(30)), time);

        garp.Start([Vips[0]]);
        time.Advance(TimeSpan.FromMilliseconds(100));
        Assert.Equal(2, sender.Frames.Count);

        time.Advance(TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1));
        Assert.Equal(2, sender.Frames.Count);
        time.Advance(TimeSpan.FromTicks(1));
        Assert.Equal(3, sender.Frames.Count);
        time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(4, sender.Frames.Count);
        Assert.True(garp.Active);
    }

    [Fact]
    public void Start_WhileBurstRunning_RestartsTheBurstWithoutDoubleRounds()
    {
        var time = new FakeTimeProvider();
        var sender = new RecordingSender();
        using var garp = new GarpScheduler(sender, new GarpOptions(3, TimeSpan.FromMilliseconds(100), TimeSpan.Zero), time);

        garp.Start([Vips[0]]);
        time.Advance(TimeSpan.FromMilliseconds(50));
        garp.Start([Vips[0]]);
        Assert.Equal(2, sender.Frames.Count);
        time.Advance(TimeSpan.FromMilliseconds(99));
        Assert.Equal(2, sender.Frames.Count);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(3, sender.Frames.Count);
        time.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(1 + 3, sender.Frames.Count);
    }

    [Fact]
    public void WarmUp_SendsNothingAndLeavesNoBurst()
    {
        var time = new FakeTimeProvider();
        var sender = new RecordingSender();
        using var garp = new GarpScheduler(sender, GarpOptions.Default, time);

        garp.WarmUp(Vips);
        time.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(sender.Frames);
        Assert.False(garp.Active);
        Assert.Equal(0, garp.FramesSent);
    }
}
