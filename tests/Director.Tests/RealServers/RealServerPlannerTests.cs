using System.Net;
using HaDirector.Director.RealServers;

namespace HaDirector.Director.Tests.RealServers;

/// <summary>The pure plan of realserver up/down, without a kernel.</summary>
public sealed class RealServerPlannerTests
{
    private static readonly IPAddress Vip = IPAddress.Parse("198.18.0.100");

    private static RealServerObservation Host(string ignore, string announce, params IPAddress[] onLo) => new(
        new Dictionary<string, string>
        {
            ["net.ipv4.conf.all.arp_ignore"] = ignore,
            ["net.ipv4.conf.lo.arp_ignore"] = ignore,
            ["net.ipv4.conf.all.arp_announce"] = announce,
            ["net.ipv4.conf.lo.arp_announce"] = announce,
        },
        onLo.ToHashSet(),
        new Dictionary<IPAddress, string>());

    [Fact]
    public void PlanUp_SecondUpAfterSomeoneResetASysctl_RewritesItButKeepsTheOriginalSavedValue()
    {
        var first = RealServerPlanner.PlanUp([Vip], Host("0", "0"), null);

        var second = RealServerPlanner.PlanUp([Vip], Host("0", "2", Vip), first.NewState);

        Assert.Equal(["net.ipv4.conf.all.arp_ignore = 1", "net.ipv4.conf.lo.arp_ignore = 1"], second.SysctlWrites.Select(w => w.ToString()));
        Assert.Equal("0", second.NewState!.PreviousSysctls["net.ipv4.conf.all.arp_announce"]);
        Assert.Empty(second.VipsToAdd);
        Assert.Equal(["198.18.0.100"], second.NewState.AddedVips);
    }

    [Fact]
    public void PlanUp_VipAlsoOnEth0_Warns()
    {
        var now = Host("1", "2") with { OtherInterfaces = new Dictionary<IPAddress, string> { [Vip] = "eth0" } };

        var plan = RealServerPlanner.PlanUp([Vip], now, null);

        Assert.Contains(plan.Notes, n => n.StartsWith("warning: 198.18.0.100 is also on eth0", StringComparison.Ordinal));
    }

    [Fact]
    public void PlanDown_SysctlsAlreadyBackAndVipGone_ChangesNothingAndClearsState()
    {
        var up = RealServerPlanner.PlanUp([Vip], Host("0", "0"), null);

        var down = RealServerPlanner.PlanDown([], Host("0", "0"), up.NewState!);

        Assert.False(down.ChangesHost);
        Assert.Null(down.NewState);
    }

    [Fact]
    public void PlanDown_VipThatUpNeverSaw_LeftAloneWithANote()
    {
        var up = RealServerPlanner.PlanUp([Vip], Host("0", "0"), null);
        var other = IPAddress.Parse("198.18.0.200");

        var down = RealServerPlanner.PlanDown([other], Host("1", "2", Vip, other), up.NewState!);

        Assert.Empty(down.VipsToRemove);
        Assert.Empty(down.SysctlWrites);
        Assert.Contains("198.18.0.200 was not set up by realserver up: left as it is", down.Notes);
        Assert.Equal(["198.18.0.100"], down.NewState!.AddedVips);
    }

    [Fact]
    public void PlanUp_Ipv6VipOnly_AddsItAndLeavesTheArpSysctls()
    {
        var vip6 = IPAddress.Parse("2001:2::10");

        var plan = RealServerPlanner.PlanUp([vip6], Host("0", "0"), null);

        Assert.Empty(plan.SysctlWrites);
        Assert.Equal([vip6], plan.VipsToAdd);
        Assert.Equal(["2001:2::10"], plan.NewState!.AddedVips);
        Assert.Empty(plan.NewState.PreviousSysctls);
    }

    [Fact]
    public void PlanUp_Ipv4AfterIpv6_SilencesArpAndDownRestoresBoth()
    {
        var vip6 = IPAddress.Parse("2001:2::10");
        var first = RealServerPlanner.PlanUp([vip6], Host("0", "0"), null);

        var second = RealServerPlanner.PlanUp([Vip], Host("0", "0", vip6), first.NewState);
        var down = RealServerPlanner.PlanDown([], Host("1", "2", vip6, Vip), second.NewState!);

        Assert.Equal(4, second.SysctlWrites.Count);
        Assert.Equal([vip6, Vip], down.VipsToRemove);
        Assert.All(down.SysctlWrites, w => Assert.Equal("0", w.Value));
    }
}
