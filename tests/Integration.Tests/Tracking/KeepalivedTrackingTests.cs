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
}
