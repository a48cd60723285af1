using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tests.Metrics;
using HaDirector.Vrrp.Election;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>Issue 15: a VIP removed by someone else from the master is put back and announced; takeover GARPs survive a stale device.</summary>
public sealed class VipGuardTests
{
    private static async Task<TestDirector> MasterAsync()
    {
        var director = new TestDirector();
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
        await TestDirector.WaitUntilAsync(() => director.Kernel.AddressWatches == 1, "the address watch");
        return director;
    }

    [Fact]
    public async Task VipRemovedByAnotherOnTheMaster_AddedBackAnnouncedAndCounted()
    {
        await using var director = await MasterAsync();
        var before = director.Kernel.Effects.Count;

        director.Kernel.RemoveAddressExternally("eth0", "198.18.0.100/32");

        await TestDirector.WaitUntilAsync(() => director.Kernel.AddressesOf("eth0").Contains("198.18.0.100/32"), "the VIP back");
        await TestDirector.WaitUntilAsync(() => director.Kernel.Effects.Skip(before).Contains("garp eth0 198.18.0.100"), "the VIP announced");
        Assert.Equal(["add 198.18.0.100/32 eth0", "garp eth0 198.18.0.100"], director.Kernel.Effects.Skip(before).Take(2));
        Assert.Equal(1, (await Scrape.OfAsync(director.Registry)).Value("hadirector_vrrp_vip_readded_total{instance=\"web\"}"));
    }

    [Fact]
    public async Task VipRemovedOnABackup_LeftAlone()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        await TestDirector.WaitUntilAsync(() => director.Kernel.AddressWatches == 1, "the address watch");
        director.Kernel.Links.AddAddress(director.Kernel.Links.GetLink("eth0")!.Index, System.Net.IPAddress.Parse("198.18.0.100"), 32);

        director.Kernel.RemoveAddressExternally("eth0", "198.18.0.100/32");
        await Task.Delay(50); // the guard has nothing to do: give a wrong re-add the chance to show

        Assert.DoesNotContain("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));
    }

    [Fact]
    public async Task Status_VipMissingOnTheMaster_ShownAsMissingNotHeld()
    {
        await using var director = await MasterAsync();
        director.Kernel.RemoveAddressExternally("eth0", "198.18.0.100/32", notify: false);

        var report = await director.Status.BuildAsync(CancellationToken.None);

        var instance = report.Instances.Single();
        Assert.Equal(("master", false), (instance.State, instance.HoldsAddresses));
        Assert.Equal(["198.18.0.100/32"], instance.MissingAddresses);
        Assert.Contains(instance.Warnings, w => w.StartsWith("VIP(s) 198.18.0.100/32 missing from eth0 although this node is master", StringComparison.Ordinal));
        Assert.Contains("198.18.0.100/32(MISSING)", HaDirector.Director.Control.StatusFormatter.Format(report, director.Time.GetUtcNow()));
    }

    [Fact]
    public async Task Status_VipOnABackup_NotHeldByTheElectionButShownAsOnTheInterface()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        director.Kernel.Links.AddAddress(director.Kernel.Links.GetLink("eth0")!.Index, System.Net.IPAddress.Parse("198.18.0.100"), 32);

        var instance = (await director.Status.BuildAsync(CancellationToken.None)).Instances.Single();

        Assert.Equal(("backup", true), (instance.State, instance.HoldsAddresses));
        Assert.Contains(instance.Warnings, w => w.Contains("on eth0 although this node is backup", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Takeover_GarpDeviceStaleFromALinkFlap_ReopenedAndTheAnnouncementGoesOut()
    {
        await using var director = new TestDirector();
        await director.StartAsync();
        director.Kernel.FailArpSends(1);

        await director.AdvanceAsync(TestDirector.MasterDown);

        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
        Assert.Contains("garp eth0 198.18.0.100", director.Kernel.Effects);
        Assert.Equal(2, director.Kernel.ArpOpens);
        Assert.Equal(1, (await Scrape.OfAsync(director.Registry)).Value("hadirector_vrrp_announcement_errors_total{interface=\"eth0\",family=\"ipv4\"}"));
    }
}
