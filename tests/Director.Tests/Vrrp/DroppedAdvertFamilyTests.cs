using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Control;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Director.Tests.Metrics;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>
/// Issue 14: an interface with an IPv4 and an IPv6 virtual router has a channel of each, and their drops, claims and
/// other routers are told apart by the <c>family</c> label and in status, under the same series names.
/// </summary>
public sealed class DroppedAdvertFamilyTests
{
    private static readonly IPAddress Vip6 = IPAddress.Parse("2001:2::100");

    private static async Task<TestDirector> DualStackAsync()
    {
        var director = Ipv6TakeoverTests.Director();
        await director.StartAsync();
        return director;
    }

    [Fact]
    public async Task Ipv6PeerClaimingOurVipAndIpv4ForeignRouter_CountedEachUnderItsFamily()
    {
        await using var director = await DualStackAsync();

        // An IPv6 peer on another VRID listing our IPv6 VIP (a split brain), and an unrelated IPv4 router.
        director.Kernel.Socket("eth1", AddressFamily.InterNetworkV6).Deliver(FakeVrrpSocket.Advert(
            new VrrpPacket(VrrpVersion.V3, 52, 100, [Vip6], TimeSpan.FromSeconds(1)), IPAddress.Parse("fe80::2")));
        director.Kernel.Socket("eth1").Deliver(FakeVrrpSocket.Advert(
            new VrrpPacket(VrrpVersion.V3, 60, 100, [IPAddress.Parse("198.18.0.200")], TimeSpan.FromSeconds(1)), IPAddress.Parse("198.18.0.2")));
        await director.SettleAsync();

        var scrape = await Scrape.OfAsync(director.Registry);
        Assert.Equal(
            (1, 0, 1, 0, 0, 1),
            (scrape.Value("hadirector_vrrp_packets_dropped_total{interface=\"eth1\",reason=\"UnknownVrid\",family=\"ipv6\"}"),
             scrape.Value("hadirector_vrrp_packets_dropped_total{interface=\"eth1\",reason=\"UnknownVrid\",family=\"ipv4\"}"),
             scrape.Value("hadirector_vrrp_vip_claims_total{interface=\"eth1\",family=\"ipv6\"}"),
             scrape.Value("hadirector_vrrp_vip_claims_total{interface=\"eth1\",family=\"ipv4\"}"),
             scrape.Value("hadirector_vrrp_foreign_adverts_total{interface=\"eth1\",family=\"ipv6\"}"),
             scrape.Value("hadirector_vrrp_foreign_adverts_total{interface=\"eth1\",family=\"ipv4\"}")));
        Assert.Equal(0, scrape.Value("hadirector_vrrp_announcement_errors_total{interface=\"eth1\",family=\"ipv6\"}"));

        var report = await director.Status.BuildAsync(CancellationToken.None);
        Assert.Equal(
            [("eth1", "ipv4", "198.18.0.2", 60), ("eth1", "ipv6", "fe80::2", 52)],
            report.VrrpInterfaces.OrderBy(i => i.Family, StringComparer.Ordinal)
                .SelectMany(i => i.DroppedAdverts.Select(d => (i.Name, i.Family, d.Source, d.Vrid))));
        var text = StatusFormatter.Format(report, director.Time.GetUtcNow());
        Assert.Contains("eth1: VRRP adverts dropped lately", text, StringComparison.Ordinal);
        Assert.Contains("eth1 (IPv6): VRRP adverts dropped lately", text, StringComparison.Ordinal);
    }
}
