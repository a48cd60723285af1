using System.Net;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink;
using HaDirector.Linux.Netlink.Codec;
using HaDirector.Linux.Netlink.Route;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.Linux.Tests.Netlink.Route;

/// <summary>Against the real kernel, inside a throw-away namespace; iproute2 is the independent witness.</summary>
public sealed class RouteClientNamespaceTests : IDisposable
{
    private readonly TestNamespace _ns = new();
    private readonly RouteClient _client;

    public RouteClientNamespaceTests() => _client = _ns.Run(RouteClient.Open);

    public void Dispose()
    {
        _client.Dispose();
        _ns.Dispose();
    }

    [Fact]
    public void GetLink_DummyThatIsUp_MatchesIpLink()
    {
        var link = _client.GetLink(TestNamespace.Link);

        Assert.NotNull(link);
        Assert.Equal(_ns.LinkIndex(), link.Index);
        Assert.Equal(TestNamespace.Link, link.Name);
        Assert.Equal(1500, link.Mtu);
        Assert.True(link.IsUp);
        Assert.True(link.IsRunning);
        Assert.Contains(link.MacAddress.ToString().ToLowerInvariant(), _ns.Ip("-o", "link", "show", "dev", TestNamespace.Link).Replace(":", ""));
        Assert.Equal(link, _client.GetLink(link.Index));
    }

    [Fact]
    public void GetLink_Missing_IsNull()
    {
        Assert.Null(_client.GetLink("nope0"));
        Assert.Null(_client.GetLink(9999));
    }

    [Fact]
    public void AddAddress_NewThenAgain_TrueThenFalseAndVisibleToIp()
    {
        var index = _ns.LinkIndex();
        var vip = IPAddress.Parse("198.18.0.10");

        Assert.True(_client.AddAddress(index, vip, 32));
        Assert.False(_client.AddAddress(index, vip, 32));

        Assert.Equal(["198.18.0.10/32"], _ns.Addresses().Where(a => a.StartsWith("198.18.")));
        var listed = Assert.Single(_client.ListAddresses(index), a => a.Address.Equals(vip));
        Assert.Equal(new InterfaceAddress(index, vip, 32, TestNamespace.Link, 0, 0x80), listed); // IFA_F_PERMANENT
    }

    [Fact]
    public void DeleteAddress_PresentThenAbsent_TrueThenFalse()
    {
        var index = _ns.LinkIndex();
        var vip = IPAddress.Parse("198.18.0.11");
        _client.AddAddress(index, vip, 32);

        Assert.True(_client.DeleteAddress(index, vip, 32));
        Assert.False(_client.DeleteAddress(index, vip, 32));
        Assert.DoesNotContain(_ns.Addresses(), a => a.StartsWith("198.18."));
    }

    [Fact]
    public void AddAddress_LabelAndIpv6_AreAppliedWithoutDad()
    {
        var index = _ns.LinkIndex();

        _client.AddAddress(index, IPAddress.Parse("198.18.0.12"), 32, "d0:vip");
        _client.AddAddress(index, IPAddress.Parse("2001:db8::12"), 128);

        Assert.Contains("d0:vip", _ns.Ip("-o", "addr", "show", "dev", TestNamespace.Link));
        var v6 = _ns.Ip("-o", "-6", "addr", "show", "dev", TestNamespace.Link, "to", "2001:db8::12/128");
        Assert.Contains("2001:db8::12/128", v6);
        Assert.DoesNotContain("tentative", v6);
        // Deprecated, so a /128 VIP never becomes the source of the director's own traffic on the LAN.
        Assert.Contains("deprecated", v6);
        Assert.Contains("preferred_lft 0sec", v6);
        Assert.True(_client.DeleteAddress(index, IPAddress.Parse("2001:db8::12"), 128));
        Assert.False(_client.DeleteAddress(index, IPAddress.Parse("2001:db8::12"), 128));
    }

    [Fact]
    public void AddAddress_UnknownInterface_ThrowsWithErrnoAndOperation()
    {
        var ex = Assert.Throws<NetlinkErrorException>(() => _client.AddAddress(9999, IPAddress.Parse("198.18.0.13"), 32));

        Assert.Equal(Errno.ENODEV, ex.Errno);
        Assert.StartsWith("RTM_NEWADDR 198.18.0.13/32 ifindex 9999 failed: No such device (ENODEV)", ex.Message);
    }

    [Fact]
    public void ExecuteBatch_ThousandAddsWithDuplicates_EachGetsItsOwnAnswer()
    {
        var index = _ns.LinkIndex();
        _client.AddAddress(index, IPAddress.Parse("198.18.1.7"), 32);
        var writer = new NetlinkWriter();
        for (var i = 0; i < 1000; i++)
        {
            var duplicate = i == 500 ? 7 : i; // .500 asks for .7 again (already there, and earlier in this batch)
            RouteCodec.WriteAddAddress(writer, index, IPAddress.Parse($"198.18.{1 + (duplicate / 250)}.{duplicate % 250}"), 32, null);
        }

        using var socket = _ns.Run(() => NetlinkSocket.Open(LinuxConstants.NetlinkRoute));
        socket.MaxInFlight = 64; // force many windows
        var results = socket.ExecuteBatch(writer.WrittenSpanMutable, "RTM_NEWADDR batch");

        Assert.Equal(1000, results.Length);
        Assert.Equal([7, 500], Enumerable.Range(0, 1000).Where(i => !results[i].IsSuccess));
        Assert.All(new[] { results[7], results[500] }, r => Assert.Equal(Errno.EEXIST, r.Errno));
        Assert.Equal(999, _ns.Addresses().Count(a => a.StartsWith("198.18.")));
    }

    [Fact]
    public void AddRoute_InATableOfItsOwn_IpShowsItWithOurProtocolAndListFindsOnlyOurs()
    {
        var lo = _client.GetLink("lo")!.Index;
        var vip = IPAddress.Parse("198.18.10.80");
        _ns.Ip("route", "add", "198.18.10.90/32", "dev", "lo", "table", "200", "proto", "12");

        Assert.True(_client.AddRoute(vip, 32, 200, 201, lo));
        Assert.False(_client.AddRoute(vip, 32, 200, 201, lo));

        Assert.Contains("198.18.10.80 dev lo proto 201 scope link", _ns.Ip("route", "show", "table", "200"));
        Assert.Equal([new KernelRoute(vip, 32, 200, 201, lo)], _client.ListRoutes(200, 201));
        Assert.True(_client.DeleteRoute(vip, 32, 200, 201, lo));
        Assert.False(_client.DeleteRoute(vip, 32, 200, 201, lo));
        Assert.DoesNotContain("198.18.10.80", _ns.Ip("route", "show", "table", "200"));
    }

    [Fact]
    public void AddRoute_TableAbove255_TravelsInRtaTable()
    {
        var lo = _client.GetLink("lo")!.Index;

        _client.AddRoute(IPAddress.Parse("198.18.10.81"), 32, 70000, 201, lo);

        Assert.Contains("198.18.10.81 dev lo proto 201 scope link", _ns.Ip("route", "show", "table", "70000"));
        Assert.Single(_client.ListRoutes(70000, 201));
    }
}
