using System.Net;
using HaDirector.Integration.Tests.Infrastructure;
using HaDirector.Integration.Tests.Vrrp;
using HaDirector.Linux.Packets;
using HaDirector.Vrrp.Protocol;

namespace HaDirector.Integration.Tests.Faults;

/// <summary>
/// Issue 17 §2, the rows that run in seconds: a pair (lb1 150, lb2 100) in namespaces under one fault each; once the
/// fault ends, within a bound, exactly one director holds the VIP and the router's neighbour entry points at it.
/// The 10-minute rows (loss rates, side by side with keepalived) are bench/faults; docs/reliability.md has both.
/// </summary>
public sealed class FaultMatrixTests : IDisposable
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");
    private static readonly IPAddress Group = IPAddress.Parse("224.0.0.18");
    private static readonly TimeSpan Fast = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);

    private readonly DirectorLan _lan = new("lb1", "lb2");

    public void Dispose() => _lan.Dispose();

    private LanHost Lb1 => _lan["lb1"];

    private LanHost Lb2 => _lan["lb2"];

    private (DirectorProcess Lb1, DirectorProcess Lb2) StartPair(TimeSpan interval)
    {
        var lb1 = _lan.Start(Lb1, DirectorProcess.VrrpConfig(51, 150, 3, interval, Vip.ToString()));
        Wait.Until(() => Lb1.HasAddress(Vip), Bound, "lb1 master", _lan.Diagnostics);
        var lb2 = _lan.Start(Lb2, DirectorProcess.VrrpConfig(51, 100, 3, interval, Vip.ToString()));
        Wait.Until(() => lb2.Process.OutputContains("Initialize -> Backup"), Bound, "lb2 backup", _lan.Diagnostics);
        return (lb1, lb2);
    }

    /// <summary>The invariant after every fault: one holder, and the router sends to its MAC.</summary>
    private void WaitForOneHolder(LanHost expected, string after)
    {
        var other = expected == Lb1 ? Lb2 : Lb1;
        Wait.Until(
            () => expected.HasAddress(Vip) && !other.HasAddress(Vip)
                  && string.Equals(_lan.Lan.RouterNeighbourMac(Vip), expected.Mac, StringComparison.OrdinalIgnoreCase),
            Bound, $"{expected.Name} the only holder, the router's entry at its MAC, after {after}",
            () => $"lb1 holds: {Lb1.HasAddress(Vip)}, lb2 holds: {Lb2.HasAddress(Vip)}, router's entry: {_lan.Lan.RouterNeighbourMac(Vip)} "
                  + $"(lb1 {Lb1.Mac}, lb2 {Lb2.Mac})\n{_lan.Diagnostics()}");
    }

    private static double Transitions(DirectorProcess lb1, DirectorProcess lb2) => HostileInputTests.Transitions(lb1) + HostileInputTests.Transitions(lb2);

    [Fact]
    public void Freeze_ShorterThanMasterDownInterval_NobodyMoves()
    {
        // 1 s adverts: Master_Down_Interval at priority 100 is 3.61 s; a 1.5 s freeze is well inside it.
        var (lb1, lb2) = StartPair(TimeSpan.FromSeconds(1));
        var before = Transitions(lb1, lb2);

        lb1.Process.Signal(19); // SIGSTOP
        Thread.Sleep(TimeSpan.FromSeconds(1.5));
        lb1.Process.Signal(18); // SIGCONT
        Thread.Sleep(TimeSpan.FromSeconds(2.5)); // past where a wrong takeover would have happened

        Assert.Equal(before, Transitions(lb1, lb2));
        WaitForOneHolder(Lb1, "a short freeze");
    }

    [Fact]
    public void Freeze_LongerThanMasterDownInterval_BackupTakesOverThenTheResumedMasterPreemptsCleanly()
    {
        var (lb1, _) = StartPair(Fast);

        lb1.Process.Signal(19);
        try
        {
            Wait.Until(() => Lb2.HasAddress(Vip), Bound, "lb2 to take over from the frozen master", _lan.Diagnostics);
        }
        finally
        {
            lb1.Process.Signal(18);
        }

        WaitForOneHolder(Lb1, "the frozen master resumed");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void SilentPartition_ThenHeal_OneHolder(bool bothWays)
    {
        StartPair(Fast);
        string[] sides = bothWays ? [Lb1.Namespace, Lb2.Namespace] : [Lb2.Namespace];
        foreach (var ns in sides)
        {
            Shell.Check("ip", "netns", "exec", ns, "nft", "add table inet partition; add chain inet partition in { type filter hook input priority 0; }; add rule inet partition in ip protocol vrrp drop");
        }

        // lb2 no longer hears lb1: it takes over while lb1 still holds the VIP (the split a partition means).
        Wait.Until(() => Lb2.HasAddress(Vip) && Lb1.HasAddress(Vip), Bound, "both to hold the VIP during the partition", _lan.Diagnostics);

        foreach (var ns in sides)
        {
            Shell.Check("ip", "netns", "exec", ns, "nft", "delete table inet partition");
        }

        WaitForOneHolder(Lb1, bothWays ? "a two-way partition healed" : "a one-way partition healed");
    }

    [Fact]
    public void VridCollision_ForeignRouterWithOtherAddresses_CountedNeverAFlap()
    {
        var (lb1, lb2) = StartPair(Fast);
        var before = Transitions(lb1, lb2);
        var stranger = LanTopology.RouterAddress;
        var foreign = VrrpCodec.Write(
            new VrrpPacket(VrrpVersion.V3, 51, 200, [IPAddress.Parse("198.18.0.222")], Fast), stranger, Group);
        var datagram = new byte[Ipv4Header.Length + foreign.Length];
        Ipv4Header.Write(datagram, stranger, Group, VrrpCodec.IpProtocolNumber, foreign.Length, VrrpCodec.RequiredTtl, VrrpCodec.TypeOfService);
        foreign.CopyTo(datagram, Ipv4Header.Length);

        // Ten adverts of a higher-priority router on our VRID, every 100 ms, as a misconfigured neighbour would send.
        LinkInjector.Send(_lan.Lan.Router, Enumerable.Repeat(Convert.ToHexString(datagram), 10));

        foreach (var d in new[] { lb1, lb2 })
        {
            Wait.Until(() => HostileInputTests.Dropped(d, "AddressListMismatch") >= 10, Bound,
                $"{d.Host.Name} to count the collision", () => d.Metrics());
            Wait.Until(() => d.Process.OutputContains("198.18.0.1"), Bound, $"{d.Host.Name} to log the sender", () => d.Process.Output);
        }

        Assert.Equal(before, Transitions(lb1, lb2));
        WaitForOneHolder(Lb1, "a VRID collision");
    }

    [Fact]
    public void SimultaneousStart_TenTimes_OneMasterEachTime()
    {
        for (var round = 0; round < 10; round++)
        {
            var lb1 = _lan.Start(Lb1, DirectorProcess.VrrpConfig(51, 150, 3, Fast, Vip.ToString()));
            var lb2 = _lan.Start(Lb2, DirectorProcess.VrrpConfig(51, 100, 3, Fast, Vip.ToString()));
            try
            {
                WaitForOneHolder(Lb1, $"a simultaneous start (round {round + 1})");
            }
            finally
            {
                lb1.Process.Terminate();
                lb2.Process.Terminate();
                Wait.Until(() => lb1.Process.HasExited && lb2.Process.HasExited, Bound, "both to stop", _lan.Diagnostics);
            }
        }
    }
}
