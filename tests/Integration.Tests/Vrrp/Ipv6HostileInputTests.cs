using System.Net;
using HaDirector.Integration.Tests.Infrastructure;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// Forged IPv6 VRRP adverts sent from a raw IPv6 socket in the router namespace at a running pair: each is dropped and
/// counted by reason (hop limit 64, bad checksum, wrong VRID, truncated, random bytes), and nothing changes.
/// </summary>
public sealed class Ipv6HostileInputTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("2001:2::100");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly Ipv6Lan _lan = new(globalAddresses: false, "lb1", "lb2");
    private readonly List<DirectorProcess> _directors = [];

    public void Dispose()
    {
        foreach (var d in _directors)
        {
            d.Dispose();
        }
        _lan.Dispose();
    }

    private DirectorProcess Start(string host, int priority)
    {
        var d = new DirectorProcess(_lan[host], DirectorProcess.VrrpConfig(51, priority, 3, TimeSpan.FromMilliseconds(100), Vip.ToString()));
        _directors.Add(d);
        return d;
    }

    private string Diagnostics() => string.Join(Environment.NewLine, _directors.Select(d => d.Process.Output));

    [Fact]
    public void ForgedIpv6Adverts_AreDroppedAndCountedByReason_WithoutStateChange()
    {
        var lb1 = Start("lb1", 150);
        Wait.Until(() => Ipv6Lan.HasAddress(_lan["lb1"], Vip), Bound, "lb1 master", Diagnostics);
        var lb2 = Start("lb2", 100);
        Wait.Until(() => lb2.Process.OutputContains("Initialize -> Backup"), Bound, "lb2 backup", Diagnostics);
        var transitionsBefore = Transitions(lb1) + Transitions(lb2);

        var attacker = IPAddress.Parse(LanTopology.IpOut(_lan.Lan.Router, "-o", "-6", "addr", "show", "dev", "br0", "scope", "link")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(f => f != "inet6").ElementAt(1).Split('/')[0]);
        var random = new Random(20261207);
        var randomBodies = Enumerable.Range(0, 20).Select(_ =>
        {
            var body = new byte[random.Next(1, 60)];
            random.NextBytes(body);
            return Forged(255, body);
        });
        string[] packets =
        [
            // Priority 254 with a valid checksum would take the VIP from lb1, but hop limit 64 means it crossed a router.
            Forged(64, Advert(51, 254, attacker)),
            Forged(255, Corrupt(Advert(51, 254, attacker))),
            Forged(255, Advert(52, 254, attacker)),
            Forged(255, Advert(51, 254, attacker)[..5]),
            .. randomBodies,
        ];
        SendFromRouter(attacker, packets);

        foreach (var d in new[] { lb1, lb2 })
        {
            Wait.Until(() => Dropped(d, "TtlNot255") >= 1 && Dropped(d, "BadChecksum") >= 1
                             && Dropped(d, "UnknownVrid") >= 1 && Dropped(d, "Truncated") >= 1
                             && TotalDropped(d) >= packets.Length,
                Bound, $"{d.Host.Name} to count every forged packet by reason", () => d.Metrics());
        }
        Assert.True(Ipv6Lan.HasAddress(_lan["lb1"], Vip));
        Assert.False(Ipv6Lan.HasAddress(_lan["lb2"], Vip));
        Assert.False(lb1.Process.HasExited);
        Assert.False(lb2.Process.HasExited);
        Assert.Equal(transitionsBefore, Transitions(lb1) + Transitions(lb2));
    }

    private static double Dropped(DirectorProcess d, string reason) => HostileInputTests.Dropped(d, reason, "ipv6");

    private static double TotalDropped(DirectorProcess d) => HostileInputTests.TotalDropped(d);

    private static double Transitions(DirectorProcess d) => HostileInputTests.Transitions(d);

    private static byte[] Advert(byte vrid, byte priority, IPAddress source) =>
        VrrpCodec.Write(new VrrpPacket(VrrpVersion.V3, vrid, priority, [Vip], TimeSpan.FromMilliseconds(100)), source, VrrpCodec.MulticastGroupV6);

    private static byte[] Corrupt(byte[] message)
    {
        message[6] ^= 0x5A;
        return message;
    }

    private static string Forged(int hopLimit, byte[] body) => $"{hopLimit}:{Convert.ToHexString(body)}";

    private void SendFromRouter(IPAddress source, string[] packets)
    {
        // The attacker: a raw IPv6 socket for protocol 112 on the router's bridge, from its link-local address (the
        // checksums above cover it), with the hop limit each packet asks for.
        const string Script = """
            import socket, sys
            idx = socket.if_nametoindex("br0")
            s = socket.socket(socket.AF_INET6, socket.SOCK_RAW, 112)
            s.bind((sys.argv[1], 0, 0, idx))
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_IF, idx)
            for p in sys.argv[2:]:
                hops, body = p.split(":")
                s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_MULTICAST_HOPS, int(hops))
                s.sendto(bytes.fromhex(body), ("ff02::12", 0, 0, idx))
            """;
        Shell.Check("ip", ["netns", "exec", _lan.Lan.Router, "python3", "-c", Script, source.ToString(), .. packets]);
    }
}
