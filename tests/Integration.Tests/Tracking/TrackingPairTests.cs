using System.Globalization;
using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Tracking;

/// <summary>
/// Trackers, sync groups and notify hooks between two hadirector daemons (rtr + lb1 + lb2 in namespaces, VRRPv3 at
/// 100 ms; issue 15): what an operator configures from keepalived's track_script, track_interface, vrrp_sync_group and
/// notify, seen from the LAN.
/// </summary>
public sealed class TrackingPairTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly IPAddress Vip1 = IPAddress.Parse("198.18.1.100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    /// <summary>Skew_Time of the backup at priority 100 with 100 ms adverts: (256 − 100) / 256 × 100 ms.</summary>
    private static readonly TimeSpan SkewAt100 = TimeSpan.FromMicroseconds(60_937);

    private readonly DirectorLan _lan = new("lb1", "lb2");

    private LanHost Lb1 => _lan["lb1"];

    private LanHost Lb2 => _lan["lb2"];

    public void Dispose() => _lan.Dispose();

    private string Diagnostics() => _lan.Diagnostics()
        + $"{Environment.NewLine}lb1: {string.Join(", ", Lb1.Addresses())}; lb2: {string.Join(", ", Lb2.Addresses())}";

    /// <summary>
    /// One instance 'web' on eth0 (VRID 51), with <paramref name="track"/> and <paramref name="trackers"/> (YAML flow
    /// text), and notify hooks that append keepalived's arguments to $DIR/notify.log.
    /// </summary>
    private static string Config(int priority, string track = "[]", string trackers = "[]", string extraInstances = "",
        string syncGroups = "[]") =>
        $$"""
        vrrp:
          realtimePriority: {{DirectorProcess.RealtimePriority}}
          trackers: {{trackers}}
          syncGroups: {{syncGroups}}
          instances:
            - name: web
              interface: eth0
              vrid: 51
              priority: {{priority}}
              version: 3
              advertInterval: 100ms
              virtualAddresses: [{{Vip}}/32]
              track: {{track}}
              notify: { command: 'f() { echo "$*" >> $DIR/notify.log; }; f', master: 'echo master >> $DIR/notify.log' }
        {{extraInstances}}
        control: { socket: $DIR/control.sock }
        """;

    private const string FailFileScript =
        "{ name: check, type: script, command: 'test ! -e $DIR/fail', interval: 100ms, timeout: 1s, rise: 1, fall: 1 }";

    private void WaitSoleMaster(LanHost master, LanHost other, IPAddress? vip = null) =>
        Wait.Until(() => master.HasAddress(vip ?? Vip) && !other.HasAddress(vip ?? Vip), Bound,
            $"{master.Name} to hold {vip ?? Vip} alone", Diagnostics);

    private void WaitRouterOn(LanHost host) =>
        Wait.Until(() => _lan.Lan.RouterNeighbourMac(Vip) == host.Mac, Bound, $"the router's entry for {Vip} on {host.Name}", Diagnostics);

    private void WaitBackup(DirectorProcess director) =>
        Wait.Until(() => director.Process.OutputContains("Initialize -> Backup"), Bound, $"{director.Host.Name} to be up as backup", Diagnostics);

    /// <summary>The daemon's own timestamp (its log's HH:mm:ss.fff) of the first line containing <paramref name="text"/>.</summary>
    private TimeSpan LoggedAt(DirectorProcess director, string text)
    {
        var line = director.Process.Lines.FirstOrDefault(l => l.Contains(text, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{director.Host.Name} never logged '{text}'{Environment.NewLine}{Diagnostics()}");
        return TimeSpan.ParseExact(line[..12], @"hh\:mm\:ss\.fff", CultureInfo.InvariantCulture);
    }

    [Fact]
    public void ScriptTracker_FailsOnTheMaster_BackupTakesOverWithinSkewPlusOneInterval_AndPreemptsBack()
    {
        var lb1 = _lan.Start(Lb1, Config(150, "[{ tracker: check, weight: -60 }]", $"[{FailFileScript}]"));
        var lb2 = _lan.Start(Lb2, Config(100));
        WaitSoleMaster(Lb1, Lb2);
        WaitRouterOn(Lb1);
        WaitBackup(lb2);

        File.WriteAllText(Path.Combine(lb1.Directory, "fail"), "");

        WaitSoleMaster(Lb2, Lb1);
        WaitRouterOn(Lb2);
        // From the tracker's change on lb1 to lb2's takeover: the master advertises 90 at once, the backup takes over
        // at its Skew_Time. Bound: skew + one interval, plus 40 ms for two daemons' logging on a shared machine.
        var handover = LoggedAt(lb2, "Backup -> Master (Preempted)") - LoggedAt(lb1, "tracker check: now failing");
        Assert.True(handover <= SkewAt100 + TimeSpan.FromMilliseconds(100 + 40),
            $"handover took {handover.TotalMilliseconds:0.0} ms{Environment.NewLine}{Diagnostics()}");
        Wait.Until(() => lb1.Process.OutputContains("Master -> Backup (HigherPriorityAdvert)"), Bound, "lb1 to step down for lb2", Diagnostics);

        File.Delete(Path.Combine(lb1.Directory, "fail"));

        WaitSoleMaster(Lb1, Lb2);
        WaitRouterOn(Lb1);
        Wait.Holds(() => Lb1.HasAddress(Vip) && !Lb2.HasAddress(Vip), TimeSpan.FromSeconds(1), "one master", Diagnostics);
    }

    [Fact]
    public void NotifyHooks_TrackerFaultAndRecovery_WriteKeepalivedsLinesInOrder()
    {
        var lb1 = _lan.Start(Lb1, Config(150, "[{ tracker: check }]", $"[{FailFileScript}]"));
        WaitBackup(_lan.Start(Lb2, Config(100)));
        WaitSoleMaster(Lb1, Lb2);
        var log = Path.Combine(lb1.Directory, "notify.log");
        string[] Lines() => File.Exists(log) ? File.ReadAllLines(log) : [];

        File.WriteAllText(Path.Combine(lb1.Directory, "fail"), "");
        WaitSoleMaster(Lb2, Lb1);
        File.Delete(Path.Combine(lb1.Directory, "fail"));
        WaitSoleMaster(Lb1, Lb2);
        lb1.Process.Terminate();
        Assert.True(lb1.Process.WaitForExit(Bound), "lb1 exits after SIGTERM");

        // As keepalived calls `notify`: INSTANCE name STATE priority, then notify_master's own command after MASTER.
        Wait.Until(() => Lines().Length >= 8, Bound, "eight notify lines", () => string.Join("\n", Lines()) + Diagnostics());
        Assert.Equal(
            [
                "INSTANCE web BACKUP 150", "INSTANCE web MASTER 150", "master",
                "INSTANCE web FAULT 150",
                "INSTANCE web BACKUP 150", "INSTANCE web MASTER 150", "master",
                "INSTANCE web STOP 150",
            ],
            Lines());
    }

    [Fact]
    public void InterfaceTracker_SecondInterfaceOfTheMasterDown_PeerTakesOver_AndBackWhenUp()
    {
        // eth1 on lb1: a veth whose other end stays in lb1 (an uplink the LAN never sees).
        LanTopology.Ip(Lb1.Namespace, "link", "add", "eth1", "type", "veth", "peer", "name", "eth1-far");
        LanTopology.Ip(Lb1.Namespace, "link", "set", "eth1-far", "up");
        LanTopology.Ip(Lb1.Namespace, "link", "set", "eth1", "up");
        var lb1 = _lan.Start(Lb1, Config(150, "[{ tracker: uplink }]", "[{ name: uplink, type: interface, interface: eth1 }]"));
        WaitBackup(_lan.Start(Lb2, Config(100)));
        WaitSoleMaster(Lb1, Lb2);

        LanTopology.Ip(Lb1.Namespace, "link", "set", "eth1", "down");

        WaitSoleMaster(Lb2, Lb1);
        WaitRouterOn(Lb2);
        Wait.Until(() => lb1.Process.OutputContains("Master -> Fault (TrackerFault)"), Bound, "lb1 to log its Fault", Diagnostics);

        LanTopology.Ip(Lb1.Namespace, "link", "set", "eth1", "up");

        WaitSoleMaster(Lb1, Lb2);
        WaitRouterOn(Lb1);
    }

    [Fact]
    public void SyncGroup_TwoInstancesOnTwoInterfaces_MoveTogether()
    {
        _lan.AddSecondLan();
        var second = """
                - name: web1
                  interface: eth1
                  vrid: 52
                  priority: PRIORITY
                  version: 3
                  advertInterval: 100ms
                  virtualAddresses: [198.18.1.100/32]
            """;
        var group = "[{ name: dual, instances: [web, web1] }]";
        _lan.Start(Lb1, Config(150, extraInstances: second.Replace("PRIORITY", "150", StringComparison.Ordinal), syncGroups: group));
        WaitBackup(_lan.Start(Lb2, Config(100, extraInstances: second.Replace("PRIORITY", "100", StringComparison.Ordinal), syncGroups: group)));
        WaitSoleMaster(Lb1, Lb2);
        Wait.Until(() => HasAddress(Lb1, "eth1", Vip1) && !HasAddress(Lb2, "eth1", Vip1), Bound, "lb1 to hold both VIPs", Diagnostics);

        // Only web1's link fails on lb1; web, whose link is fine, follows it.
        LanTopology.Ip(Lb1.Namespace, "link", "set", "eth1", "down");

        WaitSoleMaster(Lb2, Lb1);
        Wait.Until(() => HasAddress(Lb2, "eth1", Vip1), Bound, "lb2 to hold web1's VIP too", Diagnostics);

        LanTopology.Ip(Lb1.Namespace, "link", "set", "eth1", "up");

        WaitSoleMaster(Lb1, Lb2);
        Wait.Until(() => HasAddress(Lb1, "eth1", Vip1) && !HasAddress(Lb2, "eth1", Vip1), Bound, "both VIPs back on lb1", Diagnostics);
        Wait.Holds(() => Lb1.HasAddress(Vip) && HasAddress(Lb1, "eth1", Vip1) && !Lb2.HasAddress(Vip) && !HasAddress(Lb2, "eth1", Vip1),
            TimeSpan.FromSeconds(1), "both VIPs on lb1 alone", Diagnostics);
    }

    private static bool HasAddress(LanHost host, string dev, IPAddress vip) =>
        LanTopology.Addresses(host.Namespace, dev).Any(a => a.StartsWith(vip + "/", StringComparison.Ordinal));

}
