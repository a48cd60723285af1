using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Tracking;

/// <summary>
/// Trackers across a mixed pair (issue 15): Debian's keepalived 2.2.7 with a <c>track_script</c> and hadirector with a
/// script tracker, VRRPv3 at 100 ms. Whichever side's check fails hands the VIP to the other, and takes it back when
/// the check passes again.
/// </summary>
public sealed class KeepalivedTrackingTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly DirectorLan _lan = new("lb1", "lb2");
    private readonly List<KeepalivedPeer> _keepalived = [];
    private readonly string _dir = Directory.CreateTempSubdirectory("hd-ka-track-").FullName;

    private string FailFile => Path.Combine(_dir, "fail");

    public void Dispose()
    {
        foreach (var k in _keepalived)
        {
            k.Dispose();
        }

        _lan.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private string Diagnostics() => _lan.Diagnostics()
        + string.Join(Environment.NewLine, _keepalived.Select(k => k.Process.Output))
        + $"{Environment.NewLine}lb1: {string.Join(", ", _lan["lb1"].Addresses())}; lb2: {string.Join(", ", _lan["lb2"].Addresses())}";

    private void WaitSoleMaster(LanHost master, LanHost other) =>
        Wait.Until(() => master.HasAddress(Vip) && !other.HasAddress(Vip), Bound, $"{master.Name} to hold {Vip} alone", Diagnostics);

    private void WaitRouterOn(LanHost host) =>
        Wait.Until(() => _lan.Lan.RouterNeighbourMac(Vip) == host.Mac, Bound, $"the router's entry for {Vip} on {host.Name}", Diagnostics);

    /// <summary>keepalived with <c>vrrp_script chk</c> (fails while <see cref="FailFile"/> exists) tracked with weight −60.</summary>
    private KeepalivedPeer StartKeepalived(LanHost host, int priority, bool track)
    {
        var script = Path.Combine(_dir, "chk");
        File.WriteAllText(script, $"#!/bin/sh\ntest ! -e {FailFile}\n");
        Shell.Check("chmod", "755", script);
        var k = new KeepalivedPeer(host, 51, priority, 3, Interval, Vip,
            topLevel: track ? $"vrrp_script chk {{\n    script \"{script}\"\n    interval 1\n    fall 1\n    rise 1\n}}" : "",
            instanceExtra: track ? "track_script {\n        chk weight -60\n    }" : "");
        _keepalived.Add(k);
        return k;
    }

    private DirectorProcess StartOurs(LanHost host, int priority, bool track) =>
        _lan.Start(host, DirectorProcess.VrrpConfig(51, priority, 3, Interval, Vip.ToString())
            .Replace("      preempt: true\n", track ? "      preempt: true\n      track: [{ tracker: check, weight: -60 }]\n" : "      preempt: true\n", StringComparison.Ordinal)
            .Replace("  instances:\n", track
                ? $"  trackers: [{{ name: check, type: script, command: 'test ! -e {FailFile}', interval: 100ms, rise: 1, fall: 1 }}]\n  instances:\n"
                : "  instances:\n", StringComparison.Ordinal));

    [Fact]
    public void KeepalivedTrackScriptFails_OnTheKeepalivedMaster_OursTakesOverAndHandsBack()
    {
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var keepalived = StartKeepalived(lb1, 150, track: true);
        WaitSoleMaster(lb1, lb2);
        var ours = StartOurs(lb2, 100, track: false);
        Wait.Until(() => ours.Process.OutputContains("Initialize -> Backup"), Bound, "ours to enter Backup", Diagnostics);

        File.WriteAllText(FailFile, "");

        // keepalived advertises 150 − 60 = 90: ours, preempting, takes over at its Skew_Time.
        WaitSoleMaster(lb2, lb1);
        WaitRouterOn(lb2);
        Wait.Until(() => ours.Process.OutputContains("Backup -> Master (Preempted)"), Bound, "ours to log 'Backup -> Master (Preempted)'", Diagnostics);
        Assert.True(keepalived.Process.OutputContains("Entering BACKUP STATE"), Diagnostics());

        File.Delete(FailFile);

        // Back to 150: keepalived preempts ours (after its Master_Down_Interval) and ours steps down.
        WaitSoleMaster(lb1, lb2);
        WaitRouterOn(lb1);
        Wait.Until(() => ours.Process.OutputContains("Master -> Backup (HigherPriorityAdvert)"), Bound, "ours to step down", Diagnostics);
    }

    [Fact]
    public void OurScriptTrackerFails_OnOurMaster_KeepalivedTakesOverAndHandsBack()
    {
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var ours = StartOurs(lb1, 150, track: true);
        WaitSoleMaster(lb1, lb2);
        var keepalived = StartKeepalived(lb2, 100, track: false);
        Wait.Until(() => keepalived.Process.OutputContains("Entering BACKUP STATE"), Bound, "keepalived to enter BACKUP", Diagnostics);

        File.WriteAllText(FailFile, "");

        // Ours advertises 90; keepalived (RFC behaviour) takes over when its Master_Down_Timer runs out.
        WaitSoleMaster(lb2, lb1);
        WaitRouterOn(lb2);
        Wait.Until(() => ours.Process.OutputContains("Master -> Backup (HigherPriorityAdvert)"), Bound, "ours to step down", Diagnostics);

        File.Delete(FailFile);

        // Back to 150: ours preempts keepalived at its Skew_Time.
        WaitSoleMaster(lb1, lb2);
        WaitRouterOn(lb1);
        Wait.Until(() => ours.Process.OutputContains("Backup -> Master (Preempted)"), Bound, "ours to log 'Backup -> Master (Preempted)'", Diagnostics);
    }

    [Fact]
    public void OurInterfaceTrackerFails_OnOurMaster_KeepalivedTakesOverAtSkewAndHandsBack()
    {
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        // eth1 on lb1: a veth whose other end stays in lb1 (an uplink the LAN never sees).
        LanTopology.Ip(lb1.Namespace, "link", "add", "eth1", "type", "veth", "peer", "name", "eth1-far");
        LanTopology.Ip(lb1.Namespace, "link", "set", "eth1-far", "up");
        LanTopology.Ip(lb1.Namespace, "link", "set", "eth1", "up");
        var ours = _lan.Start(lb1, DirectorProcess.VrrpConfig(51, 150, 3, Interval, Vip.ToString())
            .Replace("      preempt: true\n", "      preempt: true\n      track: [{ tracker: uplink }]\n", StringComparison.Ordinal)
            .Replace("  instances:\n", "  trackers: [{ name: uplink, type: interface, interface: eth1 }]\n  instances:\n", StringComparison.Ordinal));
        WaitSoleMaster(lb1, lb2);
        var keepalived = StartKeepalived(lb2, 100, track: false);
        Wait.Until(() => keepalived.Process.OutputContains("Entering BACKUP STATE"), Bound, "keepalived to enter BACKUP", Diagnostics);

        LanTopology.Ip(lb1.Namespace, "link", "set", "eth1", "down");

        // Ours goes to Fault and resigns with priority 0: keepalived takes over at its Skew_Time.
        WaitSoleMaster(lb2, lb1);
        WaitRouterOn(lb2);
        Wait.Until(() => ours.Process.OutputContains("Master -> Fault (TrackerFault)"), Bound, "ours to log its Fault", Diagnostics);

        LanTopology.Ip(lb1.Namespace, "link", "set", "eth1", "up");

        WaitSoleMaster(lb1, lb2);
        WaitRouterOn(lb1);
    }

    [Fact]
    public void NotifyHooks_OursBesideKeepalived_WriteKeepalivedsLinesAsKeepalivedHandsOverAndBack()
    {
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        StartKeepalived(lb1, 150, track: true);
        WaitSoleMaster(lb1, lb2);
        var log = Path.Combine(_dir, "notify.log");
        var ours = _lan.Start(lb2, DirectorProcess.VrrpConfig(51, 100, 3, Interval, Vip.ToString())
            .Replace("      preempt: true\n", $"      preempt: true\n      notify: {{ command: 'f() {{ echo \"$*\" >> {log}; }}; f' }}\n",
                StringComparison.Ordinal));
        string[] Lines() => File.Exists(log) ? File.ReadAllLines(log) : [];
        Wait.Until(() => Lines().Length >= 1, Bound, "ours to notify BACKUP", () => string.Join("\n", Lines()) + Diagnostics());

        File.WriteAllText(FailFile, "");
        WaitSoleMaster(lb2, lb1);
        File.Delete(FailFile);
        WaitSoleMaster(lb1, lb2);

        Wait.Until(() => Lines().Length >= 3, Bound, "three notify lines", () => string.Join("\n", Lines()) + Diagnostics());
        Assert.Equal(["INSTANCE web BACKUP 100", "INSTANCE web MASTER 100", "INSTANCE web BACKUP 100"], Lines());
        Assert.True(ours.Process.OutputContains("Master -> Backup (HigherPriorityAdvert)"), Diagnostics());
    }

    [Fact]
    public void IpAddrDel_OfTheVipOnOurMaster_WithKeepalivedBackup_BackAndKeepalivedStaysBackup()
    {
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var ours = StartOurs(lb1, 150, track: false);
        WaitSoleMaster(lb1, lb2);
        var keepalived = StartKeepalived(lb2, 100, track: false);
        Wait.Until(() => keepalived.Process.OutputContains("Entering BACKUP STATE"), Bound, "keepalived to enter BACKUP", Diagnostics);
        WaitRouterOn(lb1);

        LanTopology.Ip(lb1.Namespace, "addr", "del", Vip + "/32", "dev", "eth0");

        Wait.Until(() => ours.Metric("hadirector_vrrp_vip_readded_total{instance=\"web\"}") == 1, Bound, "the VIP re-added", Diagnostics);
        WaitSoleMaster(lb1, lb2);
        Assert.Equal(lb1.Mac, _lan.Lan.RouterNeighbourMac(Vip));
        Assert.False(keepalived.Process.OutputContains("Entering MASTER STATE"), Diagnostics());
    }

    [Fact]
    public void LinkFlap_OfOurMaster_WithKeepalivedBackup_OneMasterAndTheRouterBackOnOursWithin1sOfLinkUp()
    {
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        StartOurs(lb1, 150, track: false);
        WaitSoleMaster(lb1, lb2);
        var keepalived = StartKeepalived(lb2, 100, track: false);
        Wait.Until(() => keepalived.Process.OutputContains("Entering BACKUP STATE"), Bound, "keepalived to enter BACKUP", Diagnostics);

        LanTopology.Ip(lb1.Namespace, "link", "set", "eth0", "down");
        Wait.Until(() => lb2.HasAddress(Vip) && _lan.Lan.RouterNeighbourMac(Vip) == lb2.Mac, Bound, "keepalived to take over", Diagnostics);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        LanTopology.Ip(lb1.Namespace, "link", "set", "eth0", "up");

        // Ours preempts keepalived back (its Master_Down_Interval, or at once on keepalived's lower advert) and its
        // gratuitous ARP reaches the router through a reopened device.
        WaitRouterOn(lb1);
        var moved = clock.Elapsed;
        Assert.True(moved < TimeSpan.FromSeconds(1), $"the router moved back to lb1 {moved.TotalMilliseconds:F0} ms after link up{Environment.NewLine}{Diagnostics()}");
        WaitSoleMaster(lb1, lb2);
    }

    [Fact]
    public void SyncGroup_OursBesideKeepalivedsVrrpSyncGroup_BothInstancesMoveTogether()
    {
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var vip1 = IPAddress.Parse("198.18.1.100");
        _lan.AddSecondLan();
        const string Web1 = """
                - name: web1
                  interface: eth1
                  vrid: 52
                  priority: 150
                  version: 3
                  advertInterval: 100ms
                  virtualAddresses: [198.18.1.100/32]

            """;
        var ours = _lan.Start(lb1, DirectorProcess.VrrpConfig(51, 150, 3, Interval, Vip.ToString())
            .Replace("  instances:\n", "  syncGroups: [{ name: dual, instances: [web, web1] }]\n  instances:\n", StringComparison.Ordinal)
            .Replace("metrics:", Web1 + "metrics:", StringComparison.Ordinal));
        WaitSoleMaster(lb1, lb2);
        // keepalived's side: VI_51 on eth0 and VI_52 on eth1 in one vrrp_sync_group.
        var keepalived = new KeepalivedPeer(lb2, 51, 100, 3, Interval, Vip, topLevel: """
            vrrp_sync_group DUAL {
                group {
                    VI_51
                    VI_52
                }
            }
            vrrp_instance VI_52 {
                state BACKUP
                interface eth1
                virtual_router_id 52
                priority 100
                version 3
                advert_int 0.1
                virtual_ipaddress {
                    198.18.1.100/32 dev eth1
                }
            }
            """);
        _keepalived.Add(keepalived);
        Wait.Until(() => HasAddress(lb1, "eth1", vip1) && !HasAddress(lb2, "eth1", vip1), Bound, "ours to hold both VIPs", Diagnostics);
        Wait.Until(() => keepalived.Process.OutputContains("(VI_52) Entering BACKUP STATE"), Bound, "keepalived's VI_52 in BACKUP", Diagnostics);

        // Only web1's link fails on ours; web follows it, and keepalived takes both.
        LanTopology.Ip(lb1.Namespace, "link", "set", "eth1", "down");

        WaitSoleMaster(lb2, lb1);
        Wait.Until(() => HasAddress(lb2, "eth1", vip1), Bound, "keepalived to hold VI_52's VIP too", Diagnostics);

        LanTopology.Ip(lb1.Namespace, "link", "set", "eth1", "up");

        WaitSoleMaster(lb1, lb2);
        Wait.Until(() => HasAddress(lb1, "eth1", vip1) && !HasAddress(lb2, "eth1", vip1), Bound, "both VIPs back on ours", Diagnostics);
        Wait.Holds(() => lb1.HasAddress(Vip) && HasAddress(lb1, "eth1", vip1) && !lb2.HasAddress(Vip) && !HasAddress(lb2, "eth1", vip1),
            TimeSpan.FromSeconds(1), "both VIPs on ours alone", Diagnostics);
        Assert.True(ours.Process.OutputContains("web1"), Diagnostics());
    }

    private static bool HasAddress(LanHost host, string dev, IPAddress vip) =>
        LanTopology.Addresses(host.Namespace, dev).Any(a => a.StartsWith(vip + "/", StringComparison.Ordinal));
}
