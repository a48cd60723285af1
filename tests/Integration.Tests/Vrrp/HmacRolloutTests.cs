using System.Globalization;
using System.Net;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// HMAC brought to a running HaDirector pair and its key rotated, every step a <c>reload</c> of one node at a time as an
/// operator would: none → receiveOnly → permissive → enforce, then add key 2 → move activeKey → remove key 1. The master
/// must never change, no transition may be counted on either node, and no advert may fail verification.
/// </summary>
public sealed class HmacRolloutTests : IDisposable
{
    private const string Key1 = KeepalivedHmacInteropTests.HexKey;
    private const string Key2 = "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0";
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    private readonly LanTopology _lan = new("lb1", "lb2");
    private readonly List<DirectorProcess> _directors = [];

    public void Dispose()
    {
        foreach (var d in _directors)
        {
            d.Dispose();
        }
        _lan.Dispose();
    }

    /// <summary>The pair's config with <paramref name="authentication"/> (null: none) at v3 100 ms multicast.</summary>
    private static string Config(int priority, string? authentication)
    {
        var yaml = DirectorProcess.VrrpConfig(51, priority, 3, Interval, Vip.ToString());
        return authentication is null ? yaml
            : yaml.Replace("      virtualAddresses: [", $"      authentication: {authentication}\n      virtualAddresses: [", StringComparison.Ordinal);
    }

    private static string Hmac(string mode, int activeKey, params int[] keys) =>
        $"{{ type: hmac, mode: {mode}, activeKey: {activeKey}, keys: [{string.Join(", ", keys.Select(k => $"{{ id: {k}, key: 'hex:{(k == 1 ? Key1 : Key2)}' }}"))}] }}";

    private string Diagnostics() =>
        string.Join(Environment.NewLine, _directors.Select(d => d.Process.Output))
        + $"{Environment.NewLine}lb1: {string.Join(", ", _lan["lb1"].Addresses())}; lb2: {string.Join(", ", _lan["lb2"].Addresses())}";

    private static double Sum(DirectorProcess d, string series) =>
        d.Metrics().Split('\n').Where(l => l.StartsWith(series + "{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static void Reload(DirectorProcess director, int priority, string? authentication)
    {
        director.WriteConfig(Config(priority, authentication));
        var result = director.Cli("reload");
        Assert.True(result.ExitCode == 0, result.ToString());
    }

    [Fact]
    public void RolloutAndKeyRotation_ByReloadNodeByNode_NoTransitionNoAuthFailure()
    {
        var lb1 = _lan["lb1"];
        var lb2 = _lan["lb2"];
        var master = new DirectorProcess(lb1, Config(150, null));
        _directors.Add(master);
        Wait.Until(() => lb1.HasAddress(Vip), Bound, "lb1 to become master", Diagnostics);
        var backup = new DirectorProcess(lb2, Config(100, null));
        _directors.Add(backup);
        Wait.Until(() => backup.Process.OutputContains("Initialize -> Backup"), Bound, "lb2 to enter Backup", Diagnostics);
        var masterTransitions = Sum(master, "hadirector_vrrp_transitions_total");
        var backupTransitions = Sum(backup, "hadirector_vrrp_transitions_total");

        // Backup first at each step of the roll-out, then the master; the rotation moves the sender's key last.
        (DirectorProcess Node, int Priority, string Auth)[] steps =
        [
            (backup, 100, Hmac("receiveOnly", 1, 1)),
            (master, 150, Hmac("receiveOnly", 1, 1)),
            (backup, 100, Hmac("permissive", 1, 1)),
            (master, 150, Hmac("permissive", 1, 1)),
            (backup, 100, Hmac("enforce", 1, 1)),
            (master, 150, Hmac("enforce", 1, 1)),
            (backup, 100, Hmac("enforce", 1, 1, 2)),
            (master, 150, Hmac("enforce", 1, 1, 2)),
            (backup, 100, Hmac("enforce", 2, 1, 2)),
            (master, 150, Hmac("enforce", 2, 1, 2)),
            (backup, 100, Hmac("enforce", 2, 2)),
            (master, 150, Hmac("enforce", 2, 2)),
        ];
        foreach (var (node, priority, auth) in steps)
        {
            var heard = Sum(backup, "hadirector_vrrp_adverts_received_total");
            Reload(node, priority, auth);
            // Longer than Master_Down_Interval (3 × 100 ms + skew): a backup that stopped accepting the master's
            // adverts would have taken the VIP by then.
            Wait.Holds(() => lb1.HasAddress(Vip) && !lb2.HasAddress(Vip), TimeSpan.FromSeconds(1), $"lb1 alone master after {node.Host.Name} → {auth}", Diagnostics);
            Assert.True(Sum(backup, "hadirector_vrrp_adverts_received_total") > heard, $"lb2 hears lb1 after {node.Host.Name} → {auth}");
            Assert.Equal(0, Sum(master, "hadirector_vrrp_auth_failures_total"));
            Assert.Equal(0, Sum(backup, "hadirector_vrrp_auth_failures_total"));
        }

        Assert.Equal(masterTransitions, Sum(master, "hadirector_vrrp_transitions_total"));
        Assert.Equal(backupTransitions, Sum(backup, "hadirector_vrrp_transitions_total"));
        // Both end on key 2 alone in enforce, so the adverts lb2 hears are verified with it.
        Assert.Contains("signing with key 2, accepting keys 2,", backup.Cli("status").Stdout, StringComparison.Ordinal);
    }
}
