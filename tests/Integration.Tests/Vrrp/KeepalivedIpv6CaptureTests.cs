using System.Globalization;
using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.Vrrp;

/// <summary>
/// The golden IPv6 adverts of tests/Vrrp.Tests/Fixtures come from keepalived 2.2.7: this runs it again with the
/// fixture's configuration on a LAN with the fixture's link-local address and checks that the advert on the wire is
/// still, byte for byte, the committed one (the flow label aside, which the kernel picks per socket).
/// </summary>
public sealed class KeepalivedIpv6CaptureTests : IDisposable
{
    private readonly Ipv6Lan _lan = new(globalAddresses: false, "lb1");
    private readonly List<IDisposable> _processes = [];

    public void Dispose()
    {
        foreach (var p in _processes)
        {
            p.Dispose();
        }
        _lan.Dispose();
    }

    [Fact]
    public void Keepalived_Ipv6MulticastAdvert_IsTheCommittedFixture()
    {
        var host = _lan["lb1"];
        LanTopology.Ip(host.Namespace, "link", "set", "eth0", "addrgenmode", "none");
        LanTopology.Ip(host.Namespace, "-6", "addr", "flush", "dev", "eth0", "scope", "link");
        LanTopology.Ip(host.Namespace, "addr", "add", "fe80::1/64", "dev", "eth0", "nodad");
        var fixtures = Path.Combine(Binary.RepositoryRoot(), "tests", "Vrrp.Tests", "Fixtures");
        var dir = Directory.CreateTempSubdirectory("hd-ka6-").FullName;
        var conf = Path.Combine(dir, "keepalived.conf");
        File.WriteAllText(conf, File.ReadAllText(Path.Combine(fixtures, "ka-v6-multicast.conf")).Replace("vc-va", "eth0", StringComparison.Ordinal));
        var capture = Path.Combine(dir, "capture.txt");
        using var tcpdump = new ManagedProcess("tcpdump", _lan.Lan.Router, "sh",
            ["-c", $"tcpdump -i br0 -n -x -c 1 'ip6 proto 112' > {capture} 2>/dev/null"]);
        Thread.Sleep(500); // tcpdump listening before the first advert
        _processes.Add(new ManagedProcess("keepalived", host.Namespace, "keepalived",
            ["--vrrp", "-n", "-l", "-D", "-f", conf, "-p", Path.Combine(dir, "k.pid"), "-r", Path.Combine(dir, "v.pid")]));

        Wait.Until(() => tcpdump.HasExited, TimeSpan.FromSeconds(20), "keepalived's first IPv6 advert", () => File.ReadAllText(capture));

        var wire = Hex(File.ReadAllText(capture));
        var golden = Hex(File.ReadAllText(Path.Combine(fixtures, "v6-multicast-vrid55-prio200.hex")));
        Assert.Equal(Convert.ToHexString(golden.AsSpan(4)), Convert.ToHexString(wire.AsSpan(4))); // after version, class, flow label
        Assert.Equal(golden[0] & 0xF0, wire[0] & 0xF0);
        Directory.Delete(dir, recursive: true);
    }

    /// <summary>The bytes of tcpdump -x's "0x0000:  6c0d 1a6b ..." lines, or of a fixture's hex lines.</summary>
    private static byte[] Hex(string text)
    {
        var hex = string.Concat(text.Split('\n')
            .Where(l => !l.TrimStart().StartsWith('#') && (l.Contains("0x", StringComparison.Ordinal) || !l.Contains(':', StringComparison.Ordinal)))
            .Select(l => l.Contains("0x", StringComparison.Ordinal) ? l[(l.IndexOf(':', StringComparison.Ordinal) + 1)..] : l)
            .SelectMany(l => l.Where(Uri.IsHexDigit)));
        return [.. Enumerable.Range(0, hex.Length / 2).Select(i => byte.Parse(hex.AsSpan(i * 2, 2), NumberStyles.HexNumber, CultureInfo.InvariantCulture))];
    }
}
