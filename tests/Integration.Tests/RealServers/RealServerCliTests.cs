using HaDirector.Integration.Tests.Infrastructure;

namespace HaDirector.Integration.Tests.RealServers;

/// <summary>
/// `hadirector realserver up|down` on a real server in its own namespace (conf/all, conf/lo and lo's addresses are
/// per network namespace, so the root namespace is never touched). State and boot files go to a temp dir.
/// </summary>
public sealed class RealServerCliTests : IDisposable
{
    private const string Vip1 = "198.18.0.100";
    private const string Vip2 = "198.18.0.101";

    private readonly LanTopology _lan = new("rs1");
    private readonly string _dir = Directory.CreateTempSubdirectory("hd-realserver-").FullName;

    private string Ns => _lan["rs1"].Namespace;

    private string StateDir => Path.Combine(_dir, "state");

    /// <summary>Per network namespace: the test's namespace has a name (ip netns add), so the file carries it.</summary>
    private string StateFile => Path.Combine(StateDir, $"realserver.netns-{Ns}.json");

    private string SysctlDir => Path.Combine(_dir, "sysctl.d");

    private string UnitDir => Path.Combine(_dir, "system");

    public void Dispose()
    {
        _lan.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    private ShellResult RealServer(params string[] args) =>
        Shell.Run("ip", ["netns", "exec", Ns, Binary.Path, "realserver", .. args,
            "--state-dir", StateDir, "--sysctl-dir", SysctlDir, "--unit-dir", UnitDir]);

    private static void AssertOk(ShellResult r) => Assert.True(r.ExitCode == 0, $"{r.Command} exited {r.ExitCode}: {r.Stderr}{r.Stdout}");

    [Fact]
    public void Up_TwoVips_ArpSysctlsSetAndVipsOnLoAsHostAddresses()
    {
        var up = RealServer("up", "--vip", Vip1, "--vip", Vip2);

        AssertOk(up);
        var after = RealServerHostSnapshot.Take(Ns);
        Assert.Equal(("1", "1", "2", "2"), (after.AllArpIgnore, after.LoArpIgnore, after.AllArpAnnounce, after.LoArpAnnounce));
        Assert.Equal($"127.0.0.1/8 {Vip1}/32 {Vip2}/32", after.LoAddresses);
        // The VIPs are on lo only: eth0 still has just its own address.
        Assert.Equal(["198.18.0.10/24"], LanTopology.Addresses(Ns, "eth0"));
    }

    [Fact]
    public void Up_Twice_SecondChangesNothingAndSaysSo()
    {
        AssertOk(RealServer("up", "--vip", Vip1, "--vip", Vip2));
        var afterFirst = RealServerHostSnapshot.Take(Ns);
        var stateAfterFirst = File.ReadAllText(StateFile);

        var second = RealServer("up", "--vip", Vip1, "--vip", Vip2);

        AssertOk(second);
        Assert.StartsWith("already up: nothing changed", second.Stdout, StringComparison.Ordinal);
        Assert.Equal(afterFirst, RealServerHostSnapshot.Take(Ns));
        Assert.Equal(stateAfterFirst, File.ReadAllText(StateFile));
    }

    [Fact]
    public void Down_AfterUp_HostExactlyAsBeforeIncludingCustomValueAndPreexistingVip()
    {
        // A host that was not at the defaults: a custom arp_announce and one VIP already on lo by hand.
        RealServerHostSnapshot.SetSysctl(Ns, "all", "arp_announce", "1");
        LanTopology.Ip(Ns, "addr", "add", Vip2 + "/32", "dev", "lo");
        var before = RealServerHostSnapshot.Take(Ns);

        var up = RealServer("up", "--vip", Vip1, "--vip", Vip2);
        AssertOk(up);
        Assert.Contains($"{Vip2} is already on lo", up.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(before, RealServerHostSnapshot.Take(Ns));

        var down = RealServer("down");

        AssertOk(down);
        Assert.Equal(before, RealServerHostSnapshot.Take(Ns));
        Assert.Equal("1", before.AllArpAnnounce);
        Assert.Contains($"{Vip2}/32", before.LoAddresses, StringComparison.Ordinal);
        Assert.False(File.Exists(StateFile));
    }

    [Fact]
    public void Up_AgainWithAnotherVip_DownStillRestoresTheValuesFromBeforeTheFirstUp()
    {
        var before = RealServerHostSnapshot.Take(Ns);
        AssertOk(RealServer("up", "--vip", Vip1));

        AssertOk(RealServer("up", "--vip", Vip2));
        Assert.Contains($"{Vip1}/32 {Vip2}/32", RealServerHostSnapshot.Take(Ns).LoAddresses, StringComparison.Ordinal);
        AssertOk(RealServer("down"));

        Assert.Equal(before, RealServerHostSnapshot.Take(Ns));
    }

    [Fact]
    public void Down_OneVip_RemovesOnlyItAndKeepsArpSettingsForTheOther()
    {
        AssertOk(RealServer("up", "--vip", Vip1, "--vip", Vip2));

        var down = RealServer("down", "--vip", Vip1);

        AssertOk(down);
        var after = RealServerHostSnapshot.Take(Ns);
        Assert.Equal($"127.0.0.1/8 {Vip2}/32", after.LoAddresses);
        Assert.Equal(("1", "2"), (after.AllArpIgnore, after.AllArpAnnounce));
    }

    [Fact]
    public void Down_WithoutUp_NothingToUndoExit0()
    {
        var before = RealServerHostSnapshot.Take(Ns);

        var down = RealServer("down");

        AssertOk(down);
        Assert.StartsWith("nothing to undo", down.Stdout, StringComparison.Ordinal);
        Assert.Equal(before, RealServerHostSnapshot.Take(Ns));
    }

    [Fact]
    public void UpPersist_WritesSysctlFileAndEnabledUnit_DownPersistRemovesThem()
    {
        var up = RealServer("up", "--vip", Vip1, "--vip", Vip2, "--persist");

        AssertOk(up);
        var conf = File.ReadAllLines(Path.Combine(SysctlDir, "90-hadirector-realserver.conf")).Where(l => !l.StartsWith('#')).ToArray();
        Assert.Equal(
            ["net.ipv4.conf.all.arp_ignore = 1", "net.ipv4.conf.lo.arp_ignore = 1", "net.ipv4.conf.all.arp_announce = 2", "net.ipv4.conf.lo.arp_announce = 2"],
            conf);
        var unitPath = Path.Combine(UnitDir, "hadirector-realserver.service");
        var unit = File.ReadAllText(unitPath);
        Assert.Contains($"ExecStart={Binary.Path} realserver up --vip {Vip1} --vip {Vip2} --state-dir {StateDir}\n", unit, StringComparison.Ordinal);
        Assert.Contains("Type=oneshot\n", unit, StringComparison.Ordinal);
        Assert.Contains("WantedBy=multi-user.target\n", unit, StringComparison.Ordinal);
        Assert.Equal(unitPath, new FileInfo(Path.Combine(UnitDir, "multi-user.target.wants", "hadirector-realserver.service")).LinkTarget);
        var verify = Shell.Run("systemd-analyze", "verify", "--man=no", unitPath);
        Assert.True(verify.ExitCode == 0 && verify.Stderr.Trim().Length == 0, verify.Stderr);

        var down = RealServer("down", "--persist");

        AssertOk(down);
        Assert.False(File.Exists(Path.Combine(SysctlDir, "90-hadirector-realserver.conf")));
        Assert.False(File.Exists(unitPath));
        Assert.Null(new FileInfo(Path.Combine(UnitDir, "multi-user.target.wants", "hadirector-realserver.service")).LinkTarget);
    }

    [Fact]
    public void Up_Ipv6Vip_OnLoWithNodadAndTheRouterNeverResolvesItOnTheLan()
    {
        // The router and the real server share 2001:2::/64, so the router resolves any address of it by solicitation.
        LanTopology.Ip(_lan.Router, "addr", "add", "2001:2::1/64", "dev", "br0", "nodad");
        LanTopology.Ip(Ns, "addr", "add", "2001:2::2/64", "dev", "eth0", "nodad");
        var before = RealServerHostSnapshot.Take(Ns);

        var up = RealServer("up", "--vip", "2001:2:0:0::10");
        AssertOk(up);
        Assert.Contains("added 2001:2::10/128 to lo", up.Stdout, StringComparison.Ordinal); // what it did, as lo shows it

        var lo = LanTopology.IpOut(Ns, "-6", "-o", "addr", "show", "dev", "lo");
        Assert.Matches(@"inet6 2001:2::10/128 scope global nodad", lo);
        Assert.Equal(before, RealServerHostSnapshot.Take(Ns)); // ARP settings untouched: IPv6 needs none

        // The real server's own address answers the router's solicitation; the VIP on lo does not, though the
        // solicitation reaches the same eth0 and the host would accept packets for the VIP.
        Assert.Equal(0, Shell.Run("ip", "netns", "exec", _lan.Router, "ping", "-6", "-c", "1", "-W", "2", "2001:2::2").ExitCode);
        Assert.NotEqual(0, Shell.Run("ip", "netns", "exec", _lan.Router, "ping", "-6", "-c", "2", "-W", "2", "2001:2::10").ExitCode);
        Assert.Contains("lladdr", LanTopology.IpOut(_lan.Router, "-6", "neigh", "show", "2001:2::2", "dev", "br0"), StringComparison.Ordinal);
        var vipEntry = LanTopology.IpOut(_lan.Router, "-6", "neigh", "show", "2001:2::10", "dev", "br0");
        Assert.DoesNotContain("lladdr", vipEntry, StringComparison.Ordinal);

        AssertOk(RealServer("down"));
        Assert.DoesNotContain("2001:2::10", LanTopology.IpOut(Ns, "-6", "-o", "addr", "show", "dev", "lo"), StringComparison.Ordinal);
        Assert.Equal(before, RealServerHostSnapshot.Take(Ns));
    }

    [Theory]
    [InlineData("2001:2::10/64", "as a /128 host address on lo")]
    [InlineData("fe80::10", "a link-local address")]
    [InlineData("198.18.0", "not an IPv4 address")]
    [InlineData("198.18.0.100/24", "as a /32 host address on lo")]
    [InlineData("224.0.0.18", "a multicast address")]
    public void Up_BadVip_ExplainsAndExits64WithoutChangingTheHost(string vip, string message)
    {
        var before = RealServerHostSnapshot.Take(Ns);

        var up = RealServer("up", "--vip", Vip1, "--vip", vip);

        Assert.Equal(64, up.ExitCode);
        Assert.Contains(message, up.Stderr, StringComparison.Ordinal);
        Assert.Equal(before, RealServerHostSnapshot.Take(Ns));
    }

    [Fact]
    public void Up_NotRoot_ExplainsAndExits77()
    {
        var up = Shell.Run("ip", "netns", "exec", Ns, "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
            Binary.Path, "realserver", "up", "--vip", Vip1, "--state-dir", StateDir);

        Assert.Equal(77, up.ExitCode);
        Assert.Contains("must run as root", up.Stderr, StringComparison.Ordinal);
        Assert.Equal("0", RealServerHostSnapshot.Sysctl(Ns, "all", "arp_ignore"));
    }
}
