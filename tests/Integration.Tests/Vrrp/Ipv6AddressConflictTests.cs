using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// Issue 14: a node that does not speak VRRP with us announcing our IPv6 VIP (an unsolicited neighbour advertisement
/// from its own MAC) while we are master is an address conflict, seen through the real packet socket and its BPF
/// filter; a HaDirector peer's own announcements are not.
/// </summary>
public sealed class Ipv6AddressConflictTests : IDisposable
{
    private const string Series = "hadirector_vrrp_address_conflicts_total{instance=\"web\"}";
    private static readonly IPAddress Vip = IPAddress.Parse("2001:2::100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    // What `ndsend VIP eth0` sends (Debian has no ndisc6 here): an advert to ff02::1 from the sender's MAC, Override set,
    // its target link-layer option, hop limit 255 and the ICMPv6 checksum over the pseudo-header, through a packet socket.
    private const string SendAdvert = "import socket,struct,sys\n"
        + "mac=bytes.fromhex(sys.argv[1].replace(':',''))\n"
        + "vip=socket.inet_pton(socket.AF_INET6,sys.argv[2]);src=socket.inet_pton(socket.AF_INET6,sys.argv[3]);dst=socket.inet_pton(socket.AF_INET6,'ff02::1')\n"
        + "icmp=bytes([136,0,0,0])+struct.pack('!I',0x20000000)+vip+bytes([2,1])+mac\n"
        + "d=src+dst+struct.pack('!IxxxB',len(icmp),58)+icmp\n"
        + "c=sum(struct.unpack('!%dH'%(len(d)//2),d))\n"
        + "while c>0xffff: c=(c&0xffff)+(c>>16)\n"
        + "icmp=icmp[:2]+struct.pack('!H',~c&0xffff)+icmp[4:]\n"
        + "s=socket.socket(socket.AF_PACKET,socket.SOCK_RAW);s.bind(('eth0',0))\n"
        + "s.send(bytes.fromhex('333300000001')+mac+b'\\x86\\xdd'+struct.pack('!IHBB',0x60000000,len(icmp),58,255)+src+dst+icmp)\n";

    private readonly List<DirectorProcess> _processes = [];
    private readonly Ipv6Lan _lan = new(globalAddresses: false, "lb1", "lb2");

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }
        _lan.Dispose();
    }

    private DirectorProcess Start(LanHost host, int priority)
    {
        var d = new DirectorProcess(host, DirectorProcess.VrrpConfig(51, priority, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()));
        _processes.Add(d);
        return d;
    }

    private string Diagnostics() => string.Join(Environment.NewLine, _processes.Select(p => p.Process.Output));

    [Fact]
    public void AnotherNodeAdvertisingOurIpv6Vip_WhileMaster_LoggedCountedAndWarnedInStatus()
    {
        var lb1 = Start(_lan["lb1"], 150);
        Wait.Until(() => Ipv6Lan.HasAddress(_lan["lb1"], Vip) && File.Exists(lb1.SocketPath), Bound, "lb1 master alone", Diagnostics);
        Assert.Equal(0, lb1.Metric(Series));
        Thread.Sleep(TimeSpan.FromSeconds(1.2)); // past the handover grace (VrrpChannel.HandoverGrace, 1 s): a conflict from now on

        var lb2 = _lan["lb2"];
        Shell.Check("ip", ["netns", "exec", lb2.Namespace, "python3", "-c", SendAdvert, lb2.Mac, Vip.ToString(), LinkLocal(lb2)]);

        Wait.Until(() => lb1.Process.OutputContains($"VIP {Vip} of web is claimed by another host, MAC {lb2.Mac} (neighbour advertisement), while this node is master"),
            Bound, "lb1 to log the conflict", Diagnostics);
        Assert.Equal(1, lb1.Metric(Series));
        var status = lb1.Cli("status");
        Assert.Contains($"WARNING web: VIP {Vip} is also claimed by another host, MAC {lb2.Mac} (neighbour discovery), while this node is master", status.Stdout);
        Assert.True(Ipv6Lan.HasAddress(_lan["lb1"], Vip)); // logged and shown: no step-down
    }

    [Fact]
    public void PairTakingOver_ThePeersAnnouncementsAreNoConflict()
    {
        var lb1 = Start(_lan["lb1"], 150);
        var lb2 = Start(_lan["lb2"], 100);
        Wait.Until(() => Ipv6Lan.HasAddress(_lan["lb1"], Vip) && !Ipv6Lan.HasAddress(_lan["lb2"], Vip), Bound, "lb1 master", Diagnostics);

        lb1.Process.Terminate();
        Wait.Until(() => Ipv6Lan.HasAddress(_lan["lb2"], Vip) && File.Exists(lb2.SocketPath), Bound, "lb2 to take over", Diagnostics);
        // Restarted with the higher priority, lb1 preempts: lb2 hears lb1's adverts and neighbour adverts as it steps down.
        var again = Start(_lan["lb1"], 150);
        Wait.Until(() => Ipv6Lan.HasAddress(_lan["lb1"], Vip) && !Ipv6Lan.HasAddress(_lan["lb2"], Vip) && File.Exists(again.SocketPath),
            Bound, "lb1 master again", Diagnostics);
        Thread.Sleep(500); // the last neighbour adverts of the burst (garp defaults) reach lb2

        Assert.Equal(0, lb2.Metric(Series));
        Assert.Equal(0, again.Metric(Series));
    }

    private static string LinkLocal(LanHost host) =>
        Ipv6Lan.Addresses(host).Single(a => a.StartsWith("fe80:", StringComparison.Ordinal)).Split('/')[0];
}
