using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Route;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Interop;

public class NetworkNamespaceTests
{
    [Fact]
    public void Run_NamedNamespace_SeesOnlyItsLinks()
    {
        using var ns = new TestNamespace();

        var index = ns.Run(() => LinuxSocket.InterfaceIndex(TestNamespace.Link));

        Assert.Equal(ns.LinkIndex(), index);
        Assert.Null(LinuxSocket.InterfaceIndex(TestNamespace.Link)); // not in the root namespace
    }

    [Fact]
    public void RunInNew_FreshNamespace_HasOnlyLoopback()
    {
        using var client = NetworkNamespace.RunInNew(RouteClient.Open);

        Assert.NotNull(client.GetLink("lo"));
        Assert.Empty(client.ListAddresses()); // lo is down in a new namespace, so it has no address yet
    }

    [Fact]
    public void Run_MissingNamespace_ThrowsFromTheCallingThread()
    {
        Assert.Throws<FileNotFoundException>(() => NetworkNamespace.Run("/run/netns/nl-test-absent", () => 0));
    }
}
