using System.Globalization;
using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// The roll-out (none → receive-only → permissive → enforce) and a make-before-break key rotation (add key 2, move the
/// active key, drop key 1) on a running HaDirector ↔ keepalived 2.4.3 pair at VRRPv3 300 ms, each step a reload of one
/// node then the other (keepalived: SIGHUP, ours: <c>hadirector reload</c>), the backup first as an operator would.
/// Both roles, over IPv4 and over IPv6 (link-local, ff02::12). No spurious transition on either side: ours by its
/// metrics, keepalived by its log, and both by the wire — a capture on the bridge shows only the master advertising,
/// at priority 150, never silent for a Master_Down_Interval, and its trailer's key id following each step. 300 ms rather
/// than 100 ms: at load 70 on two cores, a 100 ms run saw one election after the last step and its checks (the backup
/// advertised once); each hold here still outlasts a Master_Down_Interval.
/// </summary>
public sealed class KeepalivedHmacRolloutTests : IDisposable
{
    private const string HexKey2 = "a5b6c7d8e9f00112233445566778899aabbccddeeff00112233445566778899b";
    private static readonly IPAddress Vip4 = IPAddress.Parse("198.18.0.100");
    private static readonly IPAddress Vip6 = IPAddress.Parse("2001:2::100");
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(300);

    /// <summary>3 × 300 ms + Skew_Time for the backup's priority 100 (RFC 5798 §6.1): a longer silence would be an election.</summary>
    private static readonly TimeSpan MasterDownInterval = 3 * Interval + (256 - 100) * Interval / 256;

    private InteropLan? _lan;

    public void Dispose() => _lan?.Dispose();

    /// <summary>keepalived is the master (else HaDirector is), IPv6 (else IPv4).</summary>
    public static TheoryData<bool, bool> Roles => new()
    {
        { false, false },
        { true, false },
        { false, true },
        { true, true },
    };

    /// <summary>Our authentication map: a mode, the active key and the keys (1: the interop key, 2: another).</summary>
    private static string Ours(string mode, int active, params int[] keys) =>
        $"{{ type: hmac, mode: {mode}, activeKey: {active}, keys: [{string.Join(", ", keys.Select(k => $"{{ id: {k}, key: 'hex:{Key(k)}' }}"))}] }}";

    /// <summary>keepalived's <c>auth_hmac</c> lines for the same.</summary>
    private static string Theirs(string mode, int active, params int[] keys) =>
        string.Join("\n", keys.Select(k => $"        key {k} hex:{Key(k)}")) + $"\n        active_key {active}\n        mode {mode}";

    private static string Key(int id) => id == 1 ? KeepalivedHmacInteropTests.HexKey : HexKey2;

    /// <summary>keepalived's state changes: each is logged as "(VI_51) Entering ... STATE" (a reload as master logs none).</summary>
    private static int StateLines(Keepalived24Peer keepalived) =>
        keepalived.Process.Lines.Count(l => l.Contains("Entering ", StringComparison.Ordinal) && l.Contains(" STATE", StringComparison.Ordinal));

    [Theory]
    [MemberData(nameof(Roles))]
    public void RolloutThenKeyRotation_ByReloadNodeByNode_NoTransitionOnEitherSideOrOnTheWire(bool keepalivedMaster, bool ipv6)
    {
        var lan = _lan = ipv6 ? new InteropLan(new Ipv6Lan(globalAddresses: false, "lb1", "lb2").Lan, Vip6) : new InteropLan(Vip4);
        var lb1 = lan["lb1"];
        var lb2 = lan["lb2"];
        var masterSource = ipv6
            ? IPAddress.Parse(lan.Addresses(lb1).Single(a => a.StartsWith("fe80:", StringComparison.Ordinal)).Split('/')[0])
            : lb1.Address;
        using var wire = new AdvertCapture(lan.Lan.Router);

        // lb1 is the master (priority 150) and lb2 the backup (100), whichever runs keepalived; no authentication yet.
        var plain = DirectorProcess.VrrpConfig(51, keepalivedMaster ? 100 : 150, 3, Interval, lan.Vip.ToString());
        DirectorProcess ours;
        Keepalived24Peer keepalived;
        if (keepalivedMaster)
        {
            keepalived = lan.Add(new Keepalived24Peer(lb1, 51, 150, 3, Interval, lan.Vip, hmac: null));
            lan.WaitSoleMaster(lb1);
            ours = lan.StartOurs(lb2, plain);
            lan.WaitOutput(ours.Process, "Initialize -> Backup");
        }
        else
        {
            ours = lan.StartOurs(lb1, plain);
            lan.WaitSoleMaster(lb1);
            keepalived = lan.Add(new Keepalived24Peer(lb2, 51, 100, 3, Interval, lan.Vip, hmac: null));
            lan.WaitOutput(keepalived.Process, "Entering BACKUP STATE");
        }

        lan.HoldsSoleMaster(lb1, MasterDownInterval);
        var ourTransitions = KeepalivedHmacInteropTests.Sum(ours, "hadirector_vrrp_transitions_total");
        var theirStates = StateLines(keepalived);
        var from = wire.Adverts().Count;

        void ReloadOurs(string authentication)
        {
            ours.WriteConfig(plain.Replace("      virtualAddresses: [", $"      authentication: {authentication}\n      virtualAddresses: [", StringComparison.Ordinal));
            var reload = ours.Cli("reload");
            Assert.True(reload.ExitCode == 0, reload.ToString());
        }

        // Each step with the key id the master's adverts carry once both nodes took it (null: no trailer).
        (string Ours, string Theirs, int? MasterKeyId)[] steps =
        [
            (Ours("receiveOnly", 1, 1), Theirs("receive-only", 1, 1), null),
            (Ours("permissive", 1, 1), Theirs("permissive", 1, 1), 1),
            (Ours("enforce", 1, 1), Theirs("enforce", 1, 1), 1),
            (Ours("enforce", 1, 1, 2), Theirs("enforce", 1, 1, 2), 1),
            (Ours("enforce", 2, 1, 2), Theirs("enforce", 2, 1, 2), 2),
            (Ours("enforce", 2, 2), Theirs("enforce", 2, 2), 2),
        ];
        foreach (var (oursAuth, theirs, masterKeyId) in steps)
        {
            Action[] backupThenMaster = keepalivedMaster
                ? [() => ReloadOurs(oursAuth), () => keepalived.Reload(theirs)]
                : [() => keepalived.Reload(theirs), () => ReloadOurs(oursAuth)];
            foreach (var reload in backupThenMaster)
            {
                // Longer than Master_Down_Interval: a backup that stopped accepting the master's adverts takes over.
                reload();
                lan.HoldsSoleMaster(lb1, MasterDownInterval + TimeSpan.FromSeconds(0.5));
            }

            var last = wire.Adverts()[^1];
            Assert.True(last.Source.Equals(masterSource) && last.TrailerKeyId == masterKeyId,
                $"after {oursAuth} / {theirs.ReplaceLineEndings(" ")}: the master's last advert from {last.Source} carries key {last.TrailerKeyId?.ToString(CultureInfo.InvariantCulture) ?? "none"}, not {masterKeyId?.ToString(CultureInfo.InvariantCulture) ?? "none"}");
        }

        // Both sign with key 2 alone and enforce: still one master, no election on either side, no drop counted.
        lan.HoldsSoleMaster(lb1, MasterDownInterval + TimeSpan.FromSeconds(0.5));
        Assert.Equal(ourTransitions, KeepalivedHmacInteropTests.Sum(ours, "hadirector_vrrp_transitions_total"));
        Assert.Equal(theirStates, StateLines(keepalived));
        Assert.Equal(0, KeepalivedHmacInteropTests.Sum(ours, "hadirector_vrrp_auth_failures_total"));
        Assert.DoesNotContain(keepalived.Process.Lines, l => l.Contains("authentication", StringComparison.OrdinalIgnoreCase));
        Assert.Contains("signing with key 2, accepting keys 2,", ours.Cli("status").Stdout, StringComparison.Ordinal);

        // The wire: from the first reload on, only lb1 advertised, always at 150 (a resignation would be 0), and never
        // fell silent long enough for the backup to hold an election.
        var adverts = wire.Adverts().Skip(from).ToList();
        Assert.True(adverts.Count > 50, $"{adverts.Count} adverts captured{Environment.NewLine}{wire.Output}");
        var gap = adverts.Zip(adverts.Skip(1), (a, b) => TimeSpan.FromSeconds(b.Time - a.Time)).Max();
        var others = adverts.Where(a => !a.Source.Equals(masterSource) || a.Priority != 150).ToList();
        Assert.True(others.Count == 0 && gap < MasterDownInterval,
            $"longest silence of the master {gap.TotalMilliseconds:0.0} ms; other adverts: "
            + string.Join(", ", others.Select(a => $"{a.Source} at priority {a.Priority}, {a.Time:0.000}")));
    }
}
