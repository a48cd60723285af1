using System.Globalization;
using System.Net;
using HaDirector.Integration.Tests.Infrastructure;
using HaDirector.Linux.Packets;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Transport;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// Forged VRRP datagrams sent from a raw socket in the router namespace at a running pair: each is dropped and
/// counted by reason, and nothing changes (no transition, no crash).
/// </summary>
public sealed class HostileInputTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.18");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly DirectorLan _lan = new("lb1", "lb2");

    public void Dispose() => _lan.Dispose();

    [Fact]
    public void ForgedAdverts_AreDroppedAndCountedByReason_WithoutStateChange()
    {
        var (lb1, lb2) = StartPair();
        var transitionsBefore = Transitions(lb1) + Transitions(lb2);

        var attacker = LanTopology.RouterAddress;
        var random = new Random(20261125);
        var randomBodies = Enumerable.Range(0, 20).Select(_ =>
        {
            var body = new byte[random.Next(1, 60)];
            random.NextBytes(body);
            return Datagram(attacker, 255, body);
        });
        string[] packets =
        [
            // Priority 254 would take the VIP from lb1, but TTL 64 means it crossed a router (RFC 5798 §7.1).
            Datagram(attacker, 64, Advert(51, 254, attacker)),
            Datagram(attacker, 255, Corrupt(Advert(51, 254, attacker))),
            Datagram(attacker, 255, Advert(52, 254, attacker)),
            Datagram(attacker, 255, Advert(51, 254, attacker)[..5]),
            .. randomBodies,
        ];
        SendFromRouter(packets);

        foreach (var d in new[] { lb1, lb2 })
        {
            Wait.Until(() => Dropped(d, "TtlNot255") >= 1 && Dropped(d, "BadChecksum") >= 1
                             && Dropped(d, "UnknownVrid") >= 1 && Dropped(d, "Truncated") >= 1
                             && TotalDropped(d) >= packets.Length,
                Bound, $"{d.Host.Name} to count every forged packet by reason", () => d.Metrics());
        }
        Assert.True(_lan["lb1"].HasAddress(Vip));
        Assert.False(_lan["lb2"].HasAddress(Vip));
        Assert.False(lb1.Process.HasExited);
        Assert.False(lb2.Process.HasExited);
        Assert.Equal(transitionsBefore, Transitions(lb1) + Transitions(lb2));
    }

    [Fact]
    public void ForgedLongIntervalAdvert_ThenSilence_PairElectsAgainWithinThreeLimits()
    {
        // Issue 17's matrix row: one well-formed advert (TTL 255, right VRID, priority 254, 40.95 s), then nothing.
        // RFC 5798 §6.4.2 would have both wait 3 × 40.95 s; learnedIntervalLimit (default 1 s here) bounds it to ~3.4 s.
        var (lb1, lb2) = StartPair();

        var attacker = LanTopology.RouterAddress;
        var forged = VrrpCodec.Write(new VrrpPacket(VrrpVersion.V3, 51, 254, [Vip], TimeSpan.FromMilliseconds(40_950)), attacker, Group);
        SendFromRouter([Datagram(attacker, 255, forged)]);

        Wait.Until(() => lb1.Process.OutputContains("Master -> Backup"), Bound, "lb1 to yield to the forged master", () => lb1.Process.Output);
        Wait.Until(() => lb1.Process.OutputContains("longer than learnedIntervalLimit"), Bound, "lb1 to log the limit", () => lb1.Process.Output);
        Wait.Until(() => _lan["lb1"].HasAddress(Vip) && Occurrences(lb1.Process.Output, "Backup -> Master") == 2, Bound,
            "lb1 master again after 3 x the limit, not 3 x 40.95 s", () => lb1.Process.Output + lb2.Process.Output);
        Assert.False(_lan["lb2"].HasAddress(Vip));
        foreach (var d in new[] { lb1, lb2 })
        {
            Assert.Equal(1, d.Metric("hadirector_vrrp_learned_interval_limited_total{instance=\"web\"}"));
        }
    }

    /// <summary>lb1 master (150), lb2 backup (100), VRRPv3 every 100 ms.</summary>
    private (DirectorProcess Lb1, DirectorProcess Lb2) StartPair()
    {
        var lb1 = _lan.Start(_lan["lb1"], DirectorProcess.VrrpConfig(51, 150, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()));
        Wait.Until(() => _lan["lb1"].HasAddress(Vip), Bound, "lb1 master", () => lb1.Process.Output);
        var lb2 = _lan.Start(_lan["lb2"], DirectorProcess.VrrpConfig(51, 100, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()));
        Wait.Until(() => lb2.Process.OutputContains("Initialize -> Backup"), Bound, "lb2 backup", () => lb2.Process.Output);
        return (lb1, lb2);
    }

    private static int Occurrences(string text, string what) => text.Split(what).Length - 1;

    internal static double Dropped(DirectorProcess d, string reason, string family = "ipv4") =>
        d.Metric($"hadirector_vrrp_packets_dropped_total{{interface=\"eth0\",reason=\"{reason}\",family=\"{family}\"}}");

    internal static double TotalDropped(DirectorProcess d) =>
        d.Metrics().Split('\n').Where(l => l.StartsWith("hadirector_vrrp_packets_dropped_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    internal static double Transitions(DirectorProcess d) =>
        d.Metrics().Split('\n').Where(l => l.StartsWith("hadirector_vrrp_transitions_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    private static byte[] Advert(byte vrid, byte priority, IPAddress source) =>
        VrrpCodec.Write(new VrrpPacket(VrrpVersion.V3, vrid, priority, [Vip], TimeSpan.FromMilliseconds(100)), source, Group);

    private static byte[] Corrupt(byte[] message)
    {
        message[6] ^= 0x5A;
        return message;
    }

    private static string Datagram(IPAddress source, byte ttl, byte[] body)
    {
        var datagram = new byte[Ipv4Header.Length + body.Length];
        Ipv4Header.Write(datagram, source, Group, VrrpCodec.IpProtocolNumber, body.Length, VrrpCodec.RequiredTtl, VrrpCodec.TypeOfService);
        datagram[8] = ttl;
        body.CopyTo(datagram, Ipv4Header.Length);
        return Convert.ToHexString(datagram);
    }

    private void SendFromRouter(string[] hexDatagrams) => LinkInjector.Send(_lan.Lan.Router, hexDatagrams);
}
