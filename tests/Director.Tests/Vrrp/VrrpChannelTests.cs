using System.Net;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Director.Tests.Metrics;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Tests.Vrrp;

public sealed class VrrpChannelTests
{
    private static readonly IPAddress Peer = IPAddress.Parse("198.18.0.2");
    private static readonly IPAddress[] Vips = [IPAddress.Parse("198.18.0.100")];

    private static byte[] Advert(byte vrid = 51, VrrpVersion version = VrrpVersion.V3, byte ttl = 255) =>
        FakeVrrpSocket.Advert(new VrrpPacket(version, vrid, 200, Vips, TimeSpan.FromSeconds(1)), Peer, ttl: ttl);

    private static async Task<double?> DroppedAsync(TestDirector director, string reason) =>
        (await Scrape.OfAsync(director.Registry)).Value($"hadirector_vrrp_packets_dropped_total{{interface=\"eth0\",reason=\"{reason}\",family=\"ipv4\"}}");

    [Theory]
    [InlineData(52, 3, 255, "UnknownVrid")]
    [InlineData(51, 3, 64, "TtlNot255")]
    [InlineData(51, 2, 255, "VersionMismatch")]
    public async Task Dispatch_MismatchedAdvert_DroppedAndCountedByReason(int vrid, int version, int ttl, string reason)
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        var channel = director.Instance().Runtime.Channel;

        channel.Dispatch(Advert((byte)vrid, (VrrpVersion)version, (byte)ttl));

        Assert.Equal(1, await DroppedAsync(director, reason));
        Assert.Equal(0, director.Instance().Driver.GetStatistics().AdvertsReceived);
    }

    [Fact]
    public async Task Dispatch_HostileBytes_NeverThrowsAndEveryDatagramIsCounted()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        var channel = director.Instance().Runtime.Channel;
        var random = new Random(5798);
        var valid = Advert();

        for (var i = 0; i < 2000; i++)
        {
            // Half random garbage, half a valid advert with a few bytes flipped or cut short.
            var datagram = i % 2 == 0 ? new byte[random.Next(0, 80)] : valid[..random.Next(0, valid.Length + 1)];
            if (i % 2 == 0)
            {
                random.NextBytes(datagram);
            }
            else if (datagram.Length > 0)
            {
                datagram[random.Next(datagram.Length)] ^= (byte)random.Next(1, 256);
            }

            channel.Dispatch(datagram);
        }

        var scrape = await Scrape.OfAsync(director.Registry);
        var dropped = scrape.Text.Split('\n').Where(l => l.StartsWith("hadirector_vrrp_packets_dropped_total{", StringComparison.Ordinal)
                || l.StartsWith("hadirector_vrrp_foreign_adverts_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var accepted = director.Instance().Driver.GetStatistics().AdvertsReceived;
        Assert.Equal(2000, dropped + accepted);
    }

    [Fact]
    public async Task Dispatch_ValidAdvertThroughTheSocket_ReachesTheInstance()
    {
        await using var director = new TestDirector();
        await director.StartAsync();

        director.Kernel.Socket("eth0").Deliver(Advert());

        var stats = director.Instance().Driver.GetStatistics();
        Assert.Equal(1, stats.AdvertsReceived);
        Assert.Equal(Peer, stats.MasterAddress);
        Assert.Equal(1, (await Scrape.OfAsync(director.Registry)).Value("hadirector_vrrp_adverts_received_total{instance=\"web\"}"));
    }

    [Fact]
    public async Task Dispatch_SteadyMasterAdverts_BackupAllocatesNothingPerAdvert()
    {
        // A backup hears 50 adverts a second at 20 ms: each one validated, counted and stepped must not leave garbage,
        // though the IPv4 id differs from one advert to the next as the kernel fills it in. The election's clock never
        // fires here: FakeTimeProvider's timers allocate on every re-arm themselves.
        await using var director = new TestDirector(vrrpTime: new QuietClock());
        await director.StartAsync();
        var channel = director.Instance().Runtime.Channel;
        var advert = Advert();
        channel.Dispatch(advert);
        Assert.Equal(HaDirector.Vrrp.Election.VrrpState.Backup, director.Instance().Driver.State);
        var receivedBefore = director.Instance().Driver.GetStatistics().AdvertsReceived;

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 500; i++)
        {
            advert[4] = (byte)(i >> 8);
            advert[5] = (byte)i;
            channel.Dispatch(advert);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Equal(500, director.Instance().Driver.GetStatistics().AdvertsReceived - receivedBefore);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public async Task ReceiveLoop_Running_BlocksUntilADatagramWithoutPeriodicWakeups()
    {
        // A master hears nothing: a receive that timed out every 250 ms to look for cancellation woke its thread four
        // times a second, for nothing.
        await using var director = new TestDirector();
        await director.StartAsync();
        var socket = director.Kernel.Socket("eth0");

        socket.Deliver(Advert());
        socket.Deliver(Advert());

        Assert.Equal(2, director.Instance().Driver.GetStatistics().AdvertsReceived);
        Assert.Equal(0, socket.TimedReceives);
    }

    [Fact]
    public async Task ReceiveLoopAsync_Cancelled_EndsThoughNoDatagramCameAndTheSocketIsOpen()
    {
        // The loop blocks with no timeout, so cancellation must end the blocked receive itself.
        var socket = new FakeVrrpSocket("eth0", _ => { });
        using var channel = new HaDirector.Director.Vrrp.VrrpChannel(
            socket, new HaDirector.Director.Metrics.DirectorMetrics(Prometheus.Metrics.NewCustomRegistry()),
            Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance);
        using var cancellation = new CancellationTokenSource();
        var loop = channel.ReceiveLoopAsync(cancellation.Token);

        await cancellation.CancelAsync();

        await loop.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);
        Assert.False(socket.Disposed);
        Assert.True(socket.ReceivingStopped);
    }

    /// <summary>A clock whose timers take every re-arm and never fire, allocating nothing.</summary>
    private sealed class QuietClock : TimeProvider
    {
        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) => new QuietTimer();

        private sealed class QuietTimer : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose()
            {
            }

            public ValueTask DisposeAsync() => ValueTask.CompletedTask;
        }
    }
}
