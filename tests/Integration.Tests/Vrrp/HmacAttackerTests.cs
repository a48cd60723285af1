using System.Globalization;
using System.Net;
using HaDirector.Integration.Tests.Infrastructure;
using HaDirector.Linux.Packets;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Protocol.Authentication;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// An attacker on the link (the router namespace) at a pair with HMAC in enforce mode: forged adverts without a trailer, with
/// a guessed key or an unknown key id, a valid trailer from another VRID relabelled, and captured adverts replayed inside and
/// outside the freshness window. None changes state; each is counted under its reason.
/// </summary>
public sealed class HmacAttackerTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.18");
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly DirectorLan _lan = new("lb1", "lb2");

    public void Dispose() => _lan.Dispose();

    private static string Config(int priority) =>
        KeepalivedHmacInteropTests.WithHmac(DirectorProcess.VrrpConfig(51, priority, 3, Interval, Vip.ToString()), extra: ", timeWindow: 10s");

    [Fact]
    public void ForgedAndReplayedAdverts_NoStateChangeEachCountedByReason()
    {
        var lb1 = _lan.Start(_lan["lb1"], Config(150));
        Wait.Until(() => _lan["lb1"].HasAddress(Vip), Bound, "lb1 master", _lan.Diagnostics);
        var lb2 = _lan.Start(_lan["lb2"], Config(100));
        Wait.Until(() => lb2.Process.OutputContains("Initialize -> Backup"), Bound, "lb2 backup", _lan.Diagnostics);
        Wait.Until(() => lb2.Metric("hadirector_vrrp_adverts_received_total{instance=\"web\"}") > 0, Bound, "lb2 to hear lb1", _lan.Diagnostics);
        var transitionsBefore = Transitions(lb1) + Transitions(lb2);
        var attacker = LanTopology.RouterAddress;
        var key = Convert.FromHexString(KeepalivedHmacInteropTests.HexKey);

        var captured = CaptureFromRouter(_lan["lb1"].Address);
        string[] forged =
        [
            Datagram(attacker, Advert(51, 255, attacker), signer: null),
            Datagram(attacker, Advert(51, 255, attacker), Signer(1, new byte[32])),
            Datagram(attacker, Advert(51, 255, attacker), Signer(9, key)),
            // Another instance (VRID 52) sharing the key, relabelled VRID 51: the pseudo-header binds the VRID.
            Relabelled(Datagram(_lan["lb1"].Address, Advert(52, 255, _lan["lb1"].Address), Signer(1, key)), 51),
            captured,
        ];
        SendFromRouter(forged);
        Wait.Until(() => Failures(lb2, "missing_trailer") >= 1 && Failures(lb2, "bad_hmac") >= 2 && Failures(lb2, "unknown_key") >= 1
                         && Failures(lb2, "replayed") >= 1,
            Bound, "lb2 to count each forged advert by reason", () => lb2.Metrics());

        // The same capture once its timestamp is out of the 10 s window (that wide because starting the injector alone
        // took 4 s at load 57: the first replay must still be inside it).
        var datagram = Convert.FromHexString(captured);
        var signedAt = DateTimeOffset.FromUnixTimeSeconds(VrrpHmacTrailer.Read(datagram.AsSpan(datagram.Length - VrrpHmacTrailer.Length)).Seconds);
        var late = signedAt + TimeSpan.FromSeconds(12) - DateTimeOffset.UtcNow;
        if (late > TimeSpan.Zero)
        {
            Thread.Sleep(late);
        }

        SendFromRouter([captured]);
        Wait.Until(() => Failures(lb2, "stale") >= 1, Bound, "lb2 to count the late replay as stale", () => lb2.Metrics());

        // lb1 never sees the two with its own source address (the kernel drops a local source arriving from the link).
        Assert.True(Failures(lb1, "missing_trailer") >= 1 && Failures(lb1, "bad_hmac") >= 1 && Failures(lb1, "unknown_key") >= 1, lb1.Metrics());
        Assert.True(_lan["lb1"].HasAddress(Vip));
        Assert.False(_lan["lb2"].HasAddress(Vip));
        Assert.Equal(transitionsBefore, Transitions(lb1) + Transitions(lb2));
        var status = System.Text.Json.JsonDocument.Parse(lb2.Cli("status", "--json").Stdout).RootElement;
        var authentication = status.GetProperty("instances")[0].GetProperty("authentication");
        Assert.Equal("198.18.0.10", authentication.GetProperty("lastVerifiedPeer").GetString());
        Assert.Equal(1, authentication.GetProperty("activeKeyId").GetInt32());
    }

    private static double Failures(DirectorProcess d, string reason) =>
        d.Metric($"hadirector_vrrp_auth_failures_total{{instance=\"web\",reason=\"{reason}\"}}");

    private static double Transitions(DirectorProcess d) =>
        d.Metrics().Split('\n').Where(l => l.StartsWith("hadirector_vrrp_transitions_total{", StringComparison.Ordinal))
            .Sum(l => double.Parse(l[(l.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture));

    internal static VrrpHmacAuthenticator Signer(byte id, byte[] key) =>
        new(new VrrpHmacSettings([new VrrpHmacKey(id, key)], id, VrrpHmacMode.Enforce, VrrpAntiReplay.Time, TimeSpan.FromSeconds(1)),
            TimeProvider.System);

    private static byte[] Advert(byte vrid, byte priority, IPAddress source) =>
        VrrpCodec.Write(new VrrpPacket(VrrpVersion.V3, vrid, priority, [Vip], Interval), source, Group);

    private static string Datagram(IPAddress source, byte[] message, VrrpHmacAuthenticator? signer)
    {
        var trailer = new byte[VrrpHmacTrailer.Length];
        var trailerLength = signer?.Sign(message, trailer, source) ?? 0;
        var datagram = new byte[Ipv4Header.Length + message.Length + trailerLength];
        Ipv4Header.Write(datagram, source, Group, VrrpCodec.IpProtocolNumber, message.Length + trailerLength, VrrpCodec.RequiredTtl, VrrpCodec.TypeOfService);
        message.CopyTo(datagram, Ipv4Header.Length);
        trailer.AsSpan(0, trailerLength).CopyTo(datagram.AsSpan(Ipv4Header.Length + message.Length));
        return Convert.ToHexString(datagram);
    }

    /// <summary>The VRID changed and the VRRP checksum fixed, so only the HMAC can tell.</summary>
    private static string Relabelled(string hexDatagram, byte vrid)
    {
        var datagram = Convert.FromHexString(hexDatagram);
        var message = datagram.AsSpan(Ipv4Header.Length, 12);
        message[1] = vrid;
        message[6] = 0;
        message[7] = 0;
        var checksum = VrrpChecksum.Compute(message, VrrpVersion.V3, Ipv4.ToUInt32(new IPAddress(datagram.AsSpan(12, 4))), Ipv4.ToUInt32(Group),
            VrrpChecksumMode.PseudoHeader);
        message[6] = (byte)(checksum >> 8);
        message[7] = (byte)checksum;
        return Convert.ToHexString(datagram);
    }

    /// <summary>One advert of <paramref name="source"/> as the attacker sees it on the link (full IPv4 datagram, hex).</summary>
    private string CaptureFromRouter(IPAddress source)
    {
        const string Script = """
            import socket, struct, sys
            s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 112)
            s.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton("224.0.0.18") + socket.inet_aton(sys.argv[1]))
            s.settimeout(10)
            while True:
                d = s.recv(2048)
                if socket.inet_ntoa(d[12:16]) == sys.argv[2]:
                    print(d.hex()); break
            """;
        return Shell.Check("ip", "netns", "exec", _lan.Lan.Router, "python3", "-c", Script, LanTopology.RouterAddress.ToString(), source.ToString()).Trim();
    }

    private void SendFromRouter(string[] hexDatagrams) => LinkInjector.Send(_lan.Lan.Router, hexDatagrams);
}
