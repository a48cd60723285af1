using System.Net;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>
/// A backup whose receive thread is held (a garbage collection on a starved core stalls the whole process; the timer and
/// the receive thread wake together) must not take over while the master's adverts wait unread in its socket: found by
/// the 20 ms soak with both cores saturated (bench/failover/soak --burners 2), where the backup's timer woke 45 ms late,
/// won the race against 117 ms of queued adverts and took over for one advert.
/// </summary>
public sealed class StalledReceiverTests
{
    private static readonly IPAddress Master = IPAddress.Parse("198.18.0.2");

    private static byte[] MasterAdvert() => FakeVrrpSocket.Advert(
        new VrrpPacket(VrrpVersion.V3, 51, 200, [IPAddress.Parse("198.18.0.100")], TimeSpan.FromSeconds(1)), Master);

    [Fact]
    public async Task MasterDownExpiry_MasterAdvertQueuedButUnread_StaysBackup()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        var socket = director.Kernel.Socket("eth0");
        socket.Deliver(MasterAdvert());
        socket.ReceiverStalled = true;

        // The master keeps advertising, but nothing is read until the deadline, whose timer catches up first.
        await director.AdvanceAsync(TestDirector.MasterDown - TimeSpan.FromSeconds(1));
        socket.Queue(MasterAdvert());
        await director.AdvanceAsync(TimeSpan.FromSeconds(1));

        Assert.Equal(VrrpState.Backup, director.Instance().Driver.State);
        Assert.Equal(1, socket.TakenWithoutWaiting);
        Assert.DoesNotContain(director.Kernel.Effects, e => e.StartsWith("add 198.18.0.100", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MasterDownExpiry_NothingQueued_TakesOver()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        var socket = director.Kernel.Socket("eth0");
        socket.Deliver(MasterAdvert());
        socket.ReceiverStalled = true;

        await director.AdvanceAsync(TestDirector.MasterDown);

        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
        Assert.Equal(0, socket.TakenWithoutWaiting);
    }
}
