using System.Net;
using HaDirector.Integration.Tests.Infrastructure;
using HaDirector.Linux.Packets;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Protocol.Authentication;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// <see cref="HmacAttackerTests"/> over IPv6: an attacker on the link (the router namespace, writing whole datagrams
/// out of one bridge port, so it can take any source address and hop limit) at a VRRPv3 pair with HMAC in enforce
/// mode. Each forgery would change a state if it were accepted (a priority 255 at the master, a priority 0 at the
/// backup); none does, and each is counted under its reason on the node it reached. Over unicast with the hop limit
/// below 255, as across a router: accepted only by the instance that opted in (<c>acceptRoutedUnicast</c>, enforce
/// only), and there still only with a valid trailer.
/// </summary>
public sealed class Ipv6HmacAttackerTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("2001:2::100");
    private static readonly IPAddress Group = VrrpCodec.MulticastGroupV6;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly byte[] Key = Convert.FromHexString(KeepalivedHmacInteropTests.HexKey);

    /// <summary>
    /// The freshness window: wide enough that a capture is still inside it when replayed on a loaded machine (starting
    /// the injector alone took 4 s at load 57), and the late replay waits for it to pass.
    /// </summary>
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);

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

    private DirectorProcess Start(string host, int priority, IPAddress? unicastPeer = null, string extra = "")
    {
        var yaml = DirectorProcess.VrrpConfig(51, priority, 3, Interval, Vip.ToString(), unicastPeer: unicastPeer?.ToString());
        var d = new DirectorProcess(_lan[host], KeepalivedHmacInteropTests.WithHmac(yaml, extra: $", timeWindow: {Window.TotalSeconds}s" + extra));
        _directors.Add(d);
        return d;
    }

    private string Diagnostics() =>
        string.Join(Environment.NewLine, _directors.Select(d => d.Process.Output + string.Join(Environment.NewLine,
            d.Metrics().Split('\n').Where(l => l.StartsWith("hadirector_vrrp_auth_failures_total{", StringComparison.Ordinal)
                                              || l.StartsWith("hadirector_vrrp_packets_dropped_total{", StringComparison.Ordinal)))))
        + Environment.NewLine + string.Join("; ", _lan.Lan.Hosts.Values.Select(h => $"{h.Name}: {string.Join(", ", Ipv6Lan.Addresses(h))}"));

    private bool SoleMaster(string host) =>
        _lan.Lan.Hosts.Values.All(h => Ipv6Lan.HasAddress(h, Vip) == (h.Name == host));

    private static IPAddress LinkLocal(string ns, string device) =>
        IPAddress.Parse(LanTopology.IpOut(ns, "-o", "-6", "addr", "show", "dev", device, "scope", "link")
            .Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(f => f != "inet6").ElementAt(1).Split('/')[0]);

    [Fact]
    public void ForgedAndReplayedMulticastAdverts_NoStateChangeEachCountedByReason()
    {
        var lb1 = Start("lb1", 150);
        Wait.Until(() => SoleMaster("lb1"), Bound, "lb1 master", Diagnostics);
        var lb2 = Start("lb2", 100);
        Wait.Until(() => lb2.Process.OutputContains("Initialize -> Backup"), Bound, "lb2 backup", Diagnostics);
        Wait.Until(() => lb2.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}") > 0, Bound, "lb2 to hear lb1", Diagnostics);
        var transitions = Transitions(lb1) + Transitions(lb2);
        var dropped = HostileInputTests.TotalDropped(lb1) + HostileInputTests.TotalDropped(lb2);
        var attacker = LinkLocal(_lan.Lan.Router, "br0");
        var lb1Source = LinkLocal(_lan["lb1"].Namespace, "eth0");
        var lb2Source = LinkLocal(_lan["lb2"].Namespace, "eth0");
        var captured = Capture(_lan["lb1"], lb1Source);

        // At the master, priority 255 (it would step down at once): no trailer, a guessed key, a key id it does not
        // have, and a valid trailer of VRID 52 (signed by lb2 with the shared key) relabelled VRID 51.
        Inject(_lan["lb1"], Group,
        [
            Datagram(attacker, Group, Advert(51, 255, attacker, Group), signer: null),
            Datagram(attacker, Group, Advert(51, 255, attacker, Group), Signer(1, new byte[32])),
            Datagram(attacker, Group, Advert(51, 255, attacker, Group), Signer(9, Key)),
            Relabelled(Datagram(lb2Source, Group, Advert(52, 255, lb2Source, Group), Signer(1, Key)), 51),
        ]);
        // At the backup, lb1's resignation forged (priority 0 from lb1's address: it would take over within Skew_Time),
        // and one of lb1's own adverts, captured a moment ago, replayed inside the freshness window.
        Inject(_lan["lb2"], Group,
        [
            Datagram(lb1Source, Group, Advert(51, 0, lb1Source, Group), signer: null),
            Datagram(lb1Source, Group, Advert(51, 0, lb1Source, Group), Signer(1, new byte[32])),
            Datagram(lb1Source, Group, Advert(51, 0, lb1Source, Group), Signer(9, Key)),
            Convert.ToHexString(captured.Datagram),
        ]);
        Wait.Until(() => Failures(lb1, "bad_hmac") >= 2 && Failures(lb2, "replayed") >= 1, Bound, "both to count the forgeries", Diagnostics);

        // The same capture once its timestamp is out of the window: stale, checked before the HMAC.
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(VrrpHmacTrailer.Read(captured.Payload.AsSpan(captured.Payload.Length - VrrpHmacTrailer.Length)).Seconds);
        var late = signedAt + Window + TimeSpan.FromSeconds(2) - DateTimeOffset.UtcNow;
        if (late > TimeSpan.Zero)
        {
            Thread.Sleep(late);
        }

        Inject(_lan["lb2"], Group, [Convert.ToHexString(captured.Datagram)]);
        Wait.Until(() => Failures(lb2, "stale") >= 1, Bound, "lb2 to count the late replay as stale", Diagnostics);

        Wait.Holds(() => SoleMaster("lb1"), TimeSpan.FromSeconds(1), "lb1 alone master", Diagnostics);
        Assert.Equal(transitions, Transitions(lb1) + Transitions(lb2));
        Assert.Equal(
            new Dictionary<string, double> { ["missing_trailer"] = 1, ["bad_hmac"] = 2, ["unknown_key"] = 1, ["replayed"] = 0, ["stale"] = 0, ["malformed"] = 0 },
            ByReason(lb1));
        Assert.Equal(
            new Dictionary<string, double> { ["missing_trailer"] = 1, ["bad_hmac"] = 1, ["unknown_key"] = 1, ["replayed"] = 1, ["stale"] = 1, ["malformed"] = 0 },
            ByReason(lb2));
        // Dropped by the HMAC, not by RFC 5798's checks: none of the per-interface drop series moved.
        Assert.Equal(dropped, HostileInputTests.TotalDropped(lb1) + HostileInputTests.TotalDropped(lb2));
        Assert.Equal(0, lb2.Metric("hadirector_vrrp_adverts_sent_total{instance=\"web\"}"));
        var authentication = Authentication(lb2);
        Assert.Equal(lb1Source, IPAddress.Parse(authentication.GetProperty("lastVerifiedPeer").GetString()!.Split('%')[0]));
        Assert.Equal(1, authentication.GetProperty("lastVerifiedKeyId").GetInt32());
    }

    [Fact]
    public void RoutedUnicast_HopLimit64_AcceptedOnlyWithEnforceAndOptInAndStillVerified()
    {
        var lb1Source = LinkLocal(_lan["lb1"].Namespace, "eth0");
        var lb2Source = LinkLocal(_lan["lb2"].Namespace, "eth0");
        // lb1's adverts leave with hop limit 64, as if a router stood between the two.
        Shell.Check("ip", "netns", "exec", _lan["lb1"].Namespace, "nft",
            "add table ip6 routed; add chain ip6 routed out { type filter hook output priority 0; }; add rule ip6 routed out ip6 nexthdr 112 ip6 hoplimit set 64");
        using var wire = new AdvertCapture(_lan.Lan.Router, "p-lb1");
        var lb1 = Start("lb1", 150, unicastPeer: lb2Source);
        Wait.Until(() => SoleMaster("lb1"), Bound, "lb1 master", Diagnostics);
        // lb2 opted in: it takes lb1's signed adverts at hop limit 64 and stays backup.
        var lb2 = Start("lb2", 100, unicastPeer: lb1Source, extra: ", acceptRoutedUnicast: true");
        Wait.Until(() => lb2.Process.OutputContains("Initialize -> Backup"), Bound, "lb2 backup", Diagnostics);
        Wait.Holds(() => SoleMaster("lb1"), 4 * Interval + TimeSpan.FromSeconds(1), "lb1 alone master", Diagnostics);
        Assert.True(lb2.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}") > 0, Diagnostics());
        Assert.Equal(0, HostileInputTests.Dropped(lb2, "TtlNot255", "ipv6"));
        var captured = wire.Adverts().Last(a => a.Source.Equals(lb1Source));
        Assert.Equal(64, captured.HopLimit);
        Assert.Equal(1, captured.TrailerKeyId);
        var transitions = Transitions(lb1) + Transitions(lb2);

        // At lb2 (opted in), as lb1 across the router: a forged resignation without a trailer, with a guessed key and
        // with an unknown key id, and lb1's own advert replayed. The hop limit no longer vouches; the HMAC refuses them.
        Inject(_lan["lb2"], lb2Source,
        [
            Datagram(lb1Source, lb2Source, Advert(51, 0, lb1Source, lb2Source), signer: null, hopLimit: 64),
            Datagram(lb1Source, lb2Source, Advert(51, 0, lb1Source, lb2Source), Signer(1, new byte[32]), hopLimit: 64),
            Datagram(lb1Source, lb2Source, Advert(51, 0, lb1Source, lb2Source), Signer(9, Key), hopLimit: 64),
            Convert.ToHexString(captured.Datagram),
        ]);
        // At lb1 (not opted in), as lb2 across the router with priority 254 and even a valid trailer: refused for its
        // hop limit alone (it would have made lb1 step down).
        Inject(_lan["lb1"], lb1Source, [Datagram(lb2Source, lb1Source, Advert(51, 254, lb2Source, lb1Source), Signer(1, Key), hopLimit: 64)]);
        Wait.Until(() => Failures(lb2, "replayed") >= 1 && HostileInputTests.Dropped(lb1, "TtlNot255", "ipv6") >= 1, Bound,
            "lb2 to count the forgeries and lb1 the routed advert", Diagnostics);

        // The opt-in is for enforce mode only: a reload asking for it in permissive mode is refused, enforce stays.
        lb2.WriteConfig(KeepalivedHmacInteropTests.WithHmac(
            DirectorProcess.VrrpConfig(51, 100, 3, Interval, Vip.ToString(), unicastPeer: lb1Source.ToString()),
            extra: $", timeWindow: {Window.TotalSeconds}s, mode: permissive, acceptRoutedUnicast: true"));
        var reload = lb2.Cli("reload");
        Assert.True(reload.ExitCode != 0, reload.ToString());
        Assert.Contains("acceptRoutedUnicast", reload.Stdout + reload.Stderr, StringComparison.Ordinal);
        Assert.Equal("enforce", Authentication(lb2).GetProperty("mode").GetString());

        Wait.Holds(() => SoleMaster("lb1"), TimeSpan.FromSeconds(1), "lb1 alone master", Diagnostics);
        Assert.Equal(transitions, Transitions(lb1) + Transitions(lb2));
        Assert.Equal(
            new Dictionary<string, double> { ["missing_trailer"] = 1, ["bad_hmac"] = 1, ["unknown_key"] = 1, ["replayed"] = 1, ["stale"] = 0, ["malformed"] = 0 },
            ByReason(lb2));
        Assert.Equal(0, HostileInputTests.Dropped(lb2, "TtlNot255", "ipv6"));
        Assert.Equal(1, HostileInputTests.Dropped(lb1, "TtlNot255", "ipv6"));
        Assert.Equal(0, ByReason(lb1).Values.Sum());
        Assert.Equal(lb1Source, IPAddress.Parse(Authentication(lb2).GetProperty("lastVerifiedPeer").GetString()!.Split('%')[0]));
    }

    private static double Failures(DirectorProcess d, string reason) =>
        d.Metric($"hadirector_vrrp_auth_failures_total{{instance=\"web\",reason=\"{reason}\"}}");

    private static Dictionary<string, double> ByReason(DirectorProcess d) =>
        new[] { "missing_trailer", "bad_hmac", "unknown_key", "replayed", "stale", "malformed" }.ToDictionary(r => r, r => Failures(d, r));

    private static double Transitions(DirectorProcess d) => HostileInputTests.Transitions(d);

    private static System.Text.Json.JsonElement Authentication(DirectorProcess d) =>
        System.Text.Json.JsonDocument.Parse(d.Cli("status", "--json").Stdout).RootElement.GetProperty("instances")[0].GetProperty("authentication");

    /// <summary>One advert of <paramref name="host"/> (from <paramref name="source"/>) as seen on its bridge port.</summary>
    private CapturedAdvert Capture(LanHost host, IPAddress source)
    {
        using var wire = new AdvertCapture(_lan.Lan.Router, "p-" + host.Name);
        CapturedAdvert? advert = null;
        Wait.Until(() => (advert = wire.Adverts().FirstOrDefault(a => a.Source.Equals(source) && a.TrailerKeyId == 1)) is not null,
            Bound, $"an advert of {host.Name} on the wire", () => wire.Output);
        return advert!;
    }

    private void Inject(LanHost host, IPAddress destination, string[] hexDatagrams) =>
        FrameInjector.Send(_lan.Lan, host, FrameInjector.MacFor(destination, host), hexDatagrams);

    private static VrrpHmacAuthenticator Signer(byte id, byte[] key) => HmacAttackerTests.Signer(id, key);

    private static byte[] Advert(byte vrid, byte priority, IPAddress source, IPAddress destination) =>
        VrrpCodec.Write(new VrrpPacket(VrrpVersion.V3, vrid, priority, [Vip], Interval), source, destination);

    /// <summary>
    /// A whole IPv6 datagram (hex): the header with <paramref name="hopLimit"/>, the message and, when signed, the trailer,
    /// with the checksum over both as keepalived's kernel computes it.
    /// </summary>
    private static string Datagram(IPAddress source, IPAddress destination, byte[] message, VrrpHmacAuthenticator? signer, int hopLimit = 255)
    {
        var trailer = new byte[VrrpHmacTrailer.Length];
        var trailerLength = signer?.Sign(message, trailer, source) ?? 0;
        var datagram = new byte[Ipv6Header.Length + message.Length + trailerLength];
        Ipv6Header.Write(datagram, source.GetAddressBytes(), destination.GetAddressBytes(), VrrpCodec.IpProtocolNumber,
            message.Length + trailerLength, (byte)hopLimit);
        message.CopyTo(datagram, Ipv6Header.Length);
        trailer.AsSpan(0, trailerLength).CopyTo(datagram.AsSpan(Ipv6Header.Length + message.Length));
        VrrpHmacIpv6Checksum.Cover(datagram.AsSpan(Ipv6Header.Length), source, destination);
        return Convert.ToHexString(datagram);
    }

    /// <summary>The VRID changed and the checksum fixed, so only the HMAC can tell.</summary>
    private static string Relabelled(string hexDatagram, byte vrid)
    {
        var datagram = Convert.FromHexString(hexDatagram);
        datagram[Ipv6Header.Length + 1] = vrid;
        VrrpHmacIpv6Checksum.Cover(datagram.AsSpan(Ipv6Header.Length), new IPAddress(datagram.AsSpan(8, 16)), new IPAddress(datagram.AsSpan(24, 16)));
        return Convert.ToHexString(datagram);
    }
}
