using HaDirector.Director.Ipvs;
using HaDirector.Director.Tests.Hosting;
using HaDirector.Director.Tracking;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Tracking;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.Director.Tests.Tracking;

/// <summary>A master that cannot forward steps aside: the IPVS table as an implicit tracker.</summary>
public sealed class TableTrackerTests
{
    private IpvsReconcilerStatus _status = IpvsReconcilerStatus.Initial;

    private void Pass(bool failed) =>
        _status = _status with { Passes = _status.Passes + 1, FailedPasses = _status.FailedPasses + (failed ? 1 : 0) };

    [Fact]
    public async Task Check_FailedPassesInARow_FailingAfterTwoUpAfterOneClean()
    {
        await using var tracker = new TableTracker(() => _status, new FakeTimeProvider());

        Pass(failed: true);
        tracker.Check();
        Assert.Equal(TrackerReading.Healthy, tracker.Reading);
        Pass(failed: true);
        tracker.Check();
        Assert.Equal(TrackerReading.Failing, tracker.Reading);
        tracker.Check(); // no pass since: nothing new
        Assert.Equal(TrackerReading.Failing, tracker.Reading);
        Pass(failed: false);
        tracker.Check();
        Assert.Equal(TrackerReading.Healthy, tracker.Reading);
    }

    private static readonly string Yaml = TestDirector.WebYaml + "\nipvs: { reconcilePeriod: 1s }\n";

    private static async Task<TestDirector> MasterWithBrokenIpvsAsync(string yaml)
    {
        var director = new TestDirector(yaml, trackTable: true);
        await director.StartAsync();
        await director.AdvanceAsync(TestDirector.MasterDown);
        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
        director.Kernel.Ipvs.FailDumps = true;
        return director;
    }

    [Fact]
    public async Task IpvsTableCannotBeRead_MasterStepsAsideIntoFault_BackWhenItCan()
    {
        await using var director = await MasterWithBrokenIpvsAsync(Yaml);

        for (var i = 0; i < 5 && director.Instance().Driver.State != VrrpState.Fault; i++)
        {
            await director.AdvanceAsync(TimeSpan.FromSeconds(1));
            await TestDirector.WaitUntilAsync(() => director.Ipvs.Reconciler.Status.FailedPasses > i, "a failed pass");
        }

        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.State == VrrpState.Fault, "Fault");
        await director.SettleAsync();
        Assert.DoesNotContain("198.18.0.100/32", director.Kernel.AddressesOf("eth0"));
        var report = await director.Status.BuildAsync(CancellationToken.None);
        Assert.Equal("tracker(s) failing: ipvs-table", report.Instances[0].FaultReason);

        director.Kernel.Ipvs.FailDumps = false;
        var passes = director.Ipvs.Reconciler.Status.Passes;
        for (var i = 1; i <= 5 && director.Instance().Driver.State == VrrpState.Fault; i++)
        {
            await director.AdvanceAsync(TimeSpan.FromSeconds(1));
            await TestDirector.WaitUntilAsync(() => director.Ipvs.Reconciler.Status.Passes >= passes + i, "a pass");
        }

        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.State == VrrpState.Backup, "Backup");
    }

    [Fact]
    public async Task IpvsTableCannotBeRead_WithTableFailureWeight_PriorityDropsInstead()
    {
        var yaml = Yaml.Replace("      garp:", "      tableFailureWeight: -100\n      garp:", StringComparison.Ordinal);
        await using var director = await MasterWithBrokenIpvsAsync(yaml);

        for (var i = 0; i < 5 && director.Instance().Driver.Options.Priority != 50; i++)
        {
            await director.AdvanceAsync(TimeSpan.FromSeconds(1));
            await TestDirector.WaitUntilAsync(() => director.Ipvs.Reconciler.Status.FailedPasses > i, "a failed pass");
        }

        await TestDirector.WaitUntilAsync(() => director.Instance().Driver.Options.Priority == 50, "priority 50");
        Assert.Equal(VrrpState.Master, director.Instance().Driver.State);
    }
}
