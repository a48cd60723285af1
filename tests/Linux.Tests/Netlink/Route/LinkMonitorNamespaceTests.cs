using HaDirector.Linux.Netlink.Route;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Route;

public sealed class LinkMonitorNamespaceTests : IDisposable
{
    private readonly TestNamespace _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public async Task ReadEventsAsync_CarrierAndAdminChanges_ReportedInOrder()
    {
        using var monitor = _ns.Run(() => LinkMonitor.Open(TestNamespace.Link));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var events = monitor.ReadEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        Assert.True(await events.MoveNextAsync());
        Assert.True(events.Current.IsOperational);

        _ns.Ip("link", "set", TestNamespace.Link, "mtu", "1400"); // not a state change: no event
        _ns.Ip("link", "set", TestNamespace.Peer, "down");
        Assert.True(await events.MoveNextAsync());
        Assert.False(events.Current.IsOperational); // carrier lost: up but not running
        Assert.True(events.Current.Link!.IsUp);

        _ns.Ip("link", "set", TestNamespace.Peer, "up");
        Assert.True(await events.MoveNextAsync());
        Assert.True(events.Current.IsOperational);

        _ns.Ip("link", "set", TestNamespace.Link, "down");
        Assert.True(await events.MoveNextAsync());
        Assert.False(events.Current.IsOperational);
        Assert.False(events.Current.Link!.IsUp);

        // Coming up is two steps in the kernel: IFF_UP at once, carrier (RUNNING) from linkwatch a bit later.
        _ns.Ip("link", "set", TestNamespace.Link, "up");
        Assert.True(await events.MoveNextAsync());
        Assert.True(events.Current.Link!.IsUp);
        if (!events.Current.IsOperational)
        {
            Assert.True(await events.MoveNextAsync());
            Assert.True(events.Current.IsOperational);
        }

        // Deleting a veth first closes it (an "admin down" event), then removes it.
        _ns.Ip("link", "del", TestNamespace.Link);
        Assert.True(await events.MoveNextAsync());
        if (events.Current.Exists)
        {
            Assert.False(events.Current.Link!.IsUp);
            Assert.True(await events.MoveNextAsync());
        }

        Assert.False(events.Current.Exists);
    }

    [Fact]
    public async Task ReadEventsAsync_MissingInterface_StartsAbsentAndSeesItAppear()
    {
        using var monitor = _ns.Run(() => LinkMonitor.Open("late0"));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var events = monitor.ReadEventsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        Assert.True(await events.MoveNextAsync());
        Assert.False(events.Current.Exists);

        _ns.Ip("link", "add", "late0", "type", "veth", "peer", "name", "late1");
        Assert.True(await events.MoveNextAsync());
        Assert.True(events.Current.Exists);
        Assert.False(events.Current.Link!.IsUp);
    }

    [Fact]
    public async Task ReadEventsAsync_Cancelled_EndsWithOperationCanceled()
    {
        using var monitor = _ns.Run(() => LinkMonitor.Open(TestNamespace.Link));
        using var cancel = new CancellationTokenSource();
        await using var events = monitor.ReadEventsAsync(cancel.Token).GetAsyncEnumerator(cancel.Token);
        Assert.True(await events.MoveNextAsync());

        var next = events.MoveNextAsync().AsTask();
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => next);
    }
}
