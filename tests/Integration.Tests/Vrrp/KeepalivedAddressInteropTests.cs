using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// HaDirector paired with keepalived 2.2.7 whose instance holds addresses as migrations meet them (issue 18): a
/// <c>virtual_ipaddress</c> on a second interface with a label, and <c>virtual_ipaddress_excluded</c> with an IPv4 and an
/// IPv6 address. Both sides list only the virtual addresses in their adverts, so they pair with no drops, and whichever
/// is master holds every address on its device with its label.
/// </summary>
public sealed class KeepalivedAddressInteropTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private const string KeepalivedAddresses = """
        virtual_ipaddress {
            198.18.0.100/32 dev eth0
            198.18.1.100/24 dev eth1 label eth1:web
        }
        virtual_ipaddress_excluded {
            198.18.0.120/32 dev eth0
            2001:2::20/64 dev eth0
        }
        """;

    private const string OurAddresses = """
              virtualAddresses:
                - 198.18.0.100/32
                - { address: 198.18.1.100/24, dev: eth1, label: "eth1:web" }
              excludedAddresses:
                - 198.18.0.120/32
                - { address: "2001:2::20/64", dev: eth0 }
        """;

    /// <summary>What `ip -o addr` must show on the master: device, address and (IPv4) label.</summary>
    private static readonly (string Device, string Inet, string? Label)[] Held =
    [
        ("eth0", "inet 198.18.0.100/32", null),
        ("eth1", "inet 198.18.1.100/24", "eth1:web"),
        ("eth0", "inet 198.18.0.120/32", null),
        ("eth0", "inet6 2001:2::20/64", null),
    ];

    private readonly DirectorLan _lan = new("lb1", "lb2");
    private readonly List<KeepalivedPeer> _keepalived = [];

    public KeepalivedAddressInteropTests() => _lan.AddSecondLan();

    public void Dispose()
    {
        foreach (var k in _keepalived)
        {
            k.Dispose();
        }
        _lan.Dispose();
    }

    private DirectorProcess StartOurs(LanHost host, int priority) =>
        _lan.Start(host, DirectorProcess.VrrpConfig(51, priority, 3, Interval, Vip.ToString())
            .Replace("      virtualAddresses: [198.18.0.100/32]", OurAddresses.TrimEnd('\n'), StringComparison.Ordinal));

    private KeepalivedPeer StartKeepalived(LanHost host, int priority)
    {
        var k = new KeepalivedPeer(host, 51, priority, 3, Interval, Vip, addressBlocks: KeepalivedAddresses);
        _keepalived.Add(k);
        return k;
    }

    private string Diagnostics() =>
        _lan.Diagnostics() + Environment.NewLine + string.Join(Environment.NewLine, _keepalived.Select(k => k.Process.Output))
        + $"{Environment.NewLine}lb1: {AddressLines(_lan["lb1"])}{Environment.NewLine}lb2: {AddressLines(_lan["lb2"])}";

    private static string AddressLines(LanHost host) => LanTopology.IpOut(host.Namespace, "-o", "addr", "show");

    /// <summary>Every held address on its device with its label (the label is the line's last word before the lifetimes).</summary>
    private static bool HoldsAll(LanHost host)
    {
        var lines = AddressLines(host).Split('\n');
        return Held.All(h => lines.Any(l =>
        {
            var words = l.Split('\\')[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return words.Length > 2 && words[1] == h.Device && l.Contains(h.Inet + " ", StringComparison.Ordinal)
                && (h.Label is null || words[^1] == h.Label);
        }));
    }

    private static bool HoldsNone(LanHost host)
    {
        var text = AddressLines(host);
        return Held.All(h => !text.Contains(h.Inet + " ", StringComparison.Ordinal));
    }

    private void WaitSoleMaster(LanHost master, LanHost other) =>
        Wait.Until(() => HoldsAll(master) && HoldsNone(other), Bound, $"{master.Name} alone to hold every address on its device", Diagnostics);

    private static double Drops(DirectorProcess d) =>
        d.Metrics().Split('\n')
            .Where(l => l.StartsWith("hadirector_vrrp_packets_dropped_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>keepalived 2.2.7's words for an advert whose address list is not its own.</summary>
    private static bool KeepalivedSawMismatch(KeepalivedPeer k) =>
        k.Process.OutputContains("not present in MASTER advert") || k.Process.OutputContains("ip address count");

    [Fact]
    public void OursMaster_KeepalivedBackup_NoDrops_EachSideHoldsEveryAddressOnItsDevice()
    {
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var ours = StartOurs(lb1, 150);
        WaitSoleMaster(lb1, lb2);
        var keepalived = StartKeepalived(lb2, 100);
        Wait.Until(() => keepalived.Process.OutputContains("Entering BACKUP STATE"), Bound, "keepalived to enter BACKUP", Diagnostics);
        Wait.Holds(() => HoldsAll(lb1) && HoldsNone(lb2), TimeSpan.FromSeconds(2), "one master", Diagnostics);
        Assert.False(KeepalivedSawMismatch(keepalived), Diagnostics());
        Assert.True(Drops(ours) == 0, Diagnostics());

        // Ours resigns (priority 0): keepalived takes every address, on its device with its label.
        ours.Process.Terminate();
        WaitSoleMaster(lb2, lb1);
        Assert.False(KeepalivedSawMismatch(keepalived), Diagnostics());
    }

    [Fact]
    public void KeepalivedMaster_OursBackup_NoDrops_OursTakesEveryAddressOnItsDevice()
    {
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var keepalived = StartKeepalived(lb1, 150);
        WaitSoleMaster(lb1, lb2);
        var ours = StartOurs(lb2, 100);
        Wait.Until(() => ours.Process.OutputContains("Initialize -> Backup"), Bound, "ours to enter Backup", Diagnostics);
        Wait.Holds(() => HoldsAll(lb1) && HoldsNone(lb2), TimeSpan.FromSeconds(2), "one master", Diagnostics);
        Assert.True(Drops(ours) == 0, Diagnostics());

        keepalived.Process.Terminate();
        WaitSoleMaster(lb2, lb1);
        Wait.Until(() => ours.Process.OutputContains("Backup -> Master (PriorityZeroReceived)"), Bound, "ours to take over on priority 0", Diagnostics);
        Assert.True(Drops(ours) == 0, Diagnostics());
    }
}
