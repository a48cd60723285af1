using System.Net;
using HaDirector.Linux.Netlink.Route;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Route;

public sealed class AddressMonitorNamespaceTests : IDisposable
{
    private readonly TestNamespace _ns = new();

    public void Dispose() => _ns.Dispose();

    [Fact]
    public async Task ReadRemovalsAsync_AddressDeletedByIp_ReportedForTheWatchedInterfaceOnly()
    {
        _ns.Ip("addr", "add", "198.18.7.1/24", "dev", TestNamespace.Link);
        _ns.Ip("addr", "add", "198.18.7.100/32", "dev", TestNamespace.Link);
        _ns.Ip("addr", "add", "198.18.8.1/24", "dev", TestNamespace.Peer);
        using var monitor = _ns.Run(() => AddressMonitor.Open(_ns.LinkIndex()));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using var removals = monitor.ReadRemovalsAsync(timeout.Token).GetAsyncEnumerator(timeout.Token);

        _ns.Ip("addr", "del", "198.18.8.1/24", "dev", TestNamespace.Peer); // another interface: not reported
        _ns.Ip("addr", "add", "198.18.7.101/32", "dev", TestNamespace.Link); // an addition: not reported
        _ns.Ip("addr", "del", "198.18.7.100/32", "dev", TestNamespace.Link);

        Assert.True(await removals.MoveNextAsync());
        Assert.Equal((IPAddress.Parse("198.18.7.100"), 32), (removals.Current!.Address, removals.Current.PrefixLength));
    }
}
