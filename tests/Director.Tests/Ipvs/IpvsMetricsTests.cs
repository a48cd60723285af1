using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Metrics;
using HaDirector.Linux.Netlink.Ipvs;

namespace HaDirector.Director.Tests.Ipvs;

public sealed class IpvsMetricsTests
{
    [Fact]
    public async Task Scrape_Master_OwnedAndUnownedCountsWeightsAndTheReconcilerCounters()
    {
        await using var director = new TestDirector(host: k => k.Ipvs.Load(new KernelTable([KernelService.Of(TestDirector.Unowned, [])])));
        _ = new IpvsMetrics(director.Registry, director.Ipvs);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);

        var scrape = await Scrape.OfAsync(director.Registry);

        Assert.Equal(1, scrape.Value("hadirector_ipvs_owned_services"));
        Assert.Equal(2, scrape.Value("hadirector_ipvs_owned_destinations"));
        Assert.Equal(1, scrape.Value("hadirector_ipvs_unowned_services"));
        Assert.Equal(2, scrape.Value("hadirector_ipvs_backend_weight{service=\"198.18.0.100:80/tcp\",real_server=\"198.18.1.1:80\"}"));
        Assert.Equal(1, scrape.Value("hadirector_ipvs_backend_weight{service=\"198.18.0.100:80/tcp\",real_server=\"198.18.1.2:80\"}"));
        Assert.Equal(0, scrape.Value("hadirector_ipvs_service_connections_total{service=\"198.18.0.200:53/udp\"}"));
        Assert.Equal(3, scrape.Value("hadirector_ipvs_operations_total"));
        Assert.Equal(0, scrape.Value("hadirector_ipvs_netlink_errors_total"));
    }

    [Fact]
    public async Task Scrape_KernelCounters_ShownAsCountersAndAResetWhenTheKernelRestartsThem()
    {
        await using var director = new TestDirector();
        _ = new IpvsMetrics(director.Registry, director.Ipvs);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        var service = new ServiceKey(AddressFamily.InterNetwork, IpvsProtocol.Tcp, IPAddress.Parse("198.18.0.100"), 80, 0);
        var backend = new DestinationKey(IPAddress.Parse("198.18.1.1"), 80);
        director.Kernel.Ipvs.SetStats(service, new IpvsStats(120, 900, 0, 64_000, 0, 0, 0, 0, 0, 0));
        director.Kernel.Ipvs.SetStats(service, backend, active: 7, inactive: 3, new IpvsStats(80, 600, 0, 40_000, 0, 0, 0, 0, 0, 0));

        var scrape = await Scrape.OfAsync(director.Registry);

        Assert.Equal(120, scrape.Value("hadirector_ipvs_service_connections_total{service=\"198.18.0.100:80/tcp\"}"));
        Assert.Equal(64_000, scrape.Value("hadirector_ipvs_service_incoming_bytes_total{service=\"198.18.0.100:80/tcp\"}"));
        Assert.Equal(80, scrape.Value("hadirector_ipvs_backend_connections_total{service=\"198.18.0.100:80/tcp\",real_server=\"198.18.1.1:80\"}"));
        Assert.Equal(7, scrape.Value("hadirector_ipvs_backend_connections_active{service=\"198.18.0.100:80/tcp\",real_server=\"198.18.1.1:80\"}"));
        Assert.Equal(3, scrape.Value("hadirector_ipvs_backend_connections_inactive{service=\"198.18.0.100:80/tcp\",real_server=\"198.18.1.1:80\"}"));

        // The entry was re-created (its counters start again): the series restarts rather than staying at 120.
        director.Kernel.Ipvs.SetStats(service, new IpvsStats(5, 40, 0, 2_000, 0, 0, 0, 0, 0, 0));
        var after = await Scrape.OfAsync(director.Registry);

        Assert.Equal(5, after.Value("hadirector_ipvs_service_connections_total{service=\"198.18.0.100:80/tcp\"}"));
    }

    [Fact]
    public async Task Scrape_ServiceLeftTheTable_ItsSeriesGo()
    {
        await using var director = new TestDirector(host: k => k.Ipvs.Load(new KernelTable([KernelService.Of(TestDirector.Unowned, [])])));
        _ = new IpvsMetrics(director.Registry, director.Ipvs);
        await director.StartAsync();
        Assert.Contains("198.18.0.200:53/udp", (await Scrape.OfAsync(director.Registry)).Text);

        director.Kernel.Ipvs.Load(KernelTable.Empty); // ipvsadm -C by someone else

        var scrape = await Scrape.OfAsync(director.Registry);
        Assert.DoesNotContain("198.18.0.200:53/udp", scrape.Text);
        Assert.Equal(0, scrape.Value("hadirector_ipvs_unowned_services"));
    }

    [Fact]
    public async Task Scrape_NoVirtualServers_KernelNeverAsked()
    {
        await using var director = new TestDirector(TestDirector.WebYaml[..TestDirector.WebYaml.IndexOf("virtualServers:", StringComparison.Ordinal)]);
        _ = new IpvsMetrics(director.Registry, director.Ipvs);
        await director.StartAsync();

        var scrape = await Scrape.OfAsync(director.Registry);

        Assert.Equal(0, director.Kernel.Ipvs.Dumps);
        Assert.Equal(0, scrape.Value("hadirector_ipvs_reconcile_passes_total"));
    }

    [Fact]
    public async Task Scrape_IpvsSysctlReadOnly_UnappliedGaugeAndFailureCounter()
    {
        await using var director = new TestDirector(host: k =>
        {
            k.SetSysctl("net/ipv4/vs/expire_nodest_conn", "0");
            k.MakeSysctlReadOnly("net/ipv4/vs/expire_nodest_conn");
        });
        _ = new IpvsMetrics(director.Registry, director.Ipvs);
        await director.StartAsync();

        var scrape = await Scrape.OfAsync(director.Registry);

        Assert.Equal(1, scrape.Value("hadirector_settings_unapplied"));
        Assert.Equal(1, scrape.Value("hadirector_setting_failures_total"));
    }
}
