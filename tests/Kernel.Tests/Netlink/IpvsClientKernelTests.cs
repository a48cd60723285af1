using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Ipvs;
using HaDirector.Linux.Tests.Support;

namespace HaDirector.KernelTests.Netlink;

/// <summary>
/// The IPVS client against a real kernel (test VM only), each test in its own network namespace (IPVS
/// tables are per namespace), with ipvsadm as the independent witness.
/// </summary>
[Trait(KernelVm.Trait, KernelVm.TraitValue)]
public sealed class IpvsClientKernelTests : IDisposable
{
    private static readonly IpvsService Web = IpvsService.ForAddress(IPAddress.Parse("198.18.0.10"), 80);

    private readonly TestNamespace _ns;
    private readonly IpvsClient _client;
    private readonly ITestOutputHelper _output;

    public IpvsClientKernelTests(ITestOutputHelper output)
    {
        KernelVm.Require();
        _output = output;
        // The generic netlink controller does not load ip_vs on demand.
        Shell.Check("modprobe", "ip_vs");
        _ns = new TestNamespace();
        _client = _ns.Run(IpvsClient.Open);
    }

    private IpvsClient Client => _client;

    private TestNamespace Ns => _ns;

    public void Dispose()
    {
        _client.Dispose();
        _ns.Dispose();
    }

    [Fact]
    public void GetInfo_ReportsVersionAndTableSize()
    {
        var info = Client.GetInfo();

        Assert.Equal("1.2.1", info.Version);
        Assert.True(info.ConnectionTableSize > 0);
    }

    [Fact]
    public void AddService_ThenDump_SameServiceAndIpvsadmSeesIt()
    {
        Client.AddService(Web);

        var entry = Assert.Single(Client.GetServices());
        Assert.Equal(Web, entry.Service);
        Assert.Equal(Web, Client.GetService(Web)?.Service);
        Assert.Matches(@"TCP\s+198\.18\.0\.10:80 wlc", Ipvsadm("-Ln"));
    }

    [Fact]
    public void AddService_Twice_SaysItAlreadyExists()
    {
        Client.AddService(Web);

        var ex = Assert.Throws<IpvsErrorException>(() => Client.AddService(Web));

        Assert.Equal("service 198.18.0.10:80/tcp already exists (EEXIST)", ex.Message.Split(';')[0]);
    }

    [Fact]
    public void AddService_UnknownScheduler_NamesIt()
    {
        var ex = Assert.Throws<IpvsErrorException>(() => Client.AddService(Web with { Scheduler = "wlcx" }));

        Assert.StartsWith("scheduler 'wlcx' is not loaded in this kernel (ENOENT)", ex.Message);
    }

    [Fact]
    public void GetService_Missing_IsNull()
    {
        Assert.Null(Client.GetService(Web));
    }

    [Fact]
    public void Destinations_AddEditDelete_SeenByIpvsadm()
    {
        var first = IpvsDestination.Create(IPAddress.Parse("198.18.1.2"), 80, weight: 2);
        var second = IpvsDestination.Create(IPAddress.Parse("198.18.1.3"), 80, weight: 1);
        Client.AddService(Web);
        Client.AddDestination(Web, first);
        Client.AddDestination(Web, second);

        Assert.Equal([first, second], Client.GetDestinations(Web).Select(d => d.Destination).OrderBy(d => d.Address.ToString()));
        Assert.Matches(@"198\.18\.1\.2:80\s+Route\s+2\s", Ipvsadm("-Ln"));

        Client.UpdateDestination(Web, first with { Weight = 0 });
        Assert.Equal(0u, Client.GetDestinations(Web).Single(d => d.Destination.Address.Equals(first.Address)).Destination.Weight);

        Client.DeleteDestination(Web, second);
        Assert.Single(Client.GetDestinations(Web));
        var ex = Assert.Throws<IpvsErrorException>(() => Client.DeleteDestination(Web, second));
        Assert.StartsWith("real server 198.18.1.3:80 is not in service 198.18.0.10:80/tcp (ENOENT)", ex.Message);
    }

    [Fact]
    public void ServicesOfEveryKind_ComeBackUnchanged()
    {
        IpvsService[] services =
        [
            IpvsService.ForAddress(IPAddress.Parse("2001:db8::10"), 443, IpvsProtocol.Tcp, "rr") with
            {
                Flags = IpvsServiceFlags.Persistent, Timeout = 300, NetmaskPrefixLength = 64,
            },
            IpvsService.ForAddress(IPAddress.Parse("198.18.0.11"), 53, IpvsProtocol.Udp, "sh") with { Flags = IpvsServiceFlags.OnePacket },
            IpvsService.ForAddress(IPAddress.Parse("198.18.0.12"), 80) with { Flags = IpvsServiceFlags.Persistent, Timeout = 60, NetmaskPrefixLength = 24 },
            IpvsService.ForFirewallMark(7, AddressFamily.InterNetwork, "wrr"),
        ];
        foreach (var service in services)
        {
            Client.AddService(service);
        }

        var dumped = Client.GetServices().Select(e => e.Service).ToList();

        Assert.Equal(services.Length, dumped.Count);
        Assert.All(services, s => Assert.Contains(s, dumped));
    }

    [Fact]
    public void Batch_TenThousandEdits_AllSucceedThenEachReportsExists()
    {
        var batch = new IpvsBatch();
        for (var s = 0; s < 1000; s++)
        {
            var service = IpvsService.ForAddress(IPAddress.Parse($"198.18.{s / 250}.{(s % 250) + 1}"), 80);
            batch.AddService(service);
            for (var d = 0; d < 9; d++)
            {
                batch.AddDestination(service, IpvsDestination.Create(IPAddress.Parse($"198.19.{d}.{(s % 250) + 1}"), 8080, weight: (uint)(d + 1)));
            }
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        var results = Client.Execute(batch);
        _output.WriteLine($"10,000 pipelined edits (1,000 services x 9 real servers): {clock.ElapsedMilliseconds} ms");

        Assert.Equal(10_000, results.Count);
        Assert.Empty(results.Where(r => !r.Succeeded).Select(r => r.Error!.Message).Take(3));
        Assert.Equal(1000, Client.GetServices().Count);
        Assert.Equal(9000, Regex.Count(Ipvsadm("-Ln"), @"->\s+198\.19\."));

        clock.Restart();
        var again = Client.Execute(batch);
        _output.WriteLine($"the same 10,000 edits again, each refused with EEXIST: {clock.ElapsedMilliseconds} ms");

        Assert.Empty(again.Where(r => r.Error?.Errno != Errno.EEXIST).Select(r => r.Operation.ToString()).Take(3));
        Assert.Equal("service 198.18.0.1:80/tcp already exists (EEXIST)", again[0].Error!.Message.Split(';')[0]);
    }

    [Fact]
    public void Timeouts_SetThenGet()
    {
        Client.SetTimeouts(new IpvsTimeouts(900, 120, 300));
        Assert.Equal(new IpvsTimeouts(900, 120, 300), Client.GetTimeouts());

        Client.SetTimeouts(new IpvsTimeouts(null, null, 60));
        Assert.Equal(new IpvsTimeouts(900, 120, 60), Client.GetTimeouts());
    }

    [Fact]
    public void SyncDaemon_StartListStop()
    {
        Client.StartDaemon(new IpvsSyncDaemon { State = IpvsSyncState.Master, InterfaceName = TestNamespace.Link, SyncId = 51 });

        var daemon = Assert.Single(Client.GetDaemons());
        Assert.Equal((IpvsSyncState.Master, TestNamespace.Link, 51u), (daemon.State, daemon.InterfaceName, daemon.SyncId));
        Assert.Equal(Errno.EEXIST, Assert.Throws<IpvsErrorException>(() =>
            Client.StartDaemon(new IpvsSyncDaemon { State = IpvsSyncState.Master, InterfaceName = TestNamespace.Link })).Errno);

        Client.StopDaemon(IpvsSyncState.Master);
        Assert.Empty(Client.GetDaemons());
    }

    [Fact]
    public void Flush_EmptiesTheTable()
    {
        Client.AddService(Web);
        Client.AddDestination(Web, IpvsDestination.Create(IPAddress.Parse("198.18.1.2"), 80));

        Client.Flush();

        Assert.Empty(Client.GetServices());
    }

    private string Ipvsadm(params string[] args) => Ns.Exec("ipvsadm", args);
}
