using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using static HaDirector.Vrrp.Tests.Election.ElectionHarness;

namespace HaDirector.Vrrp.Tests.Election;

public sealed class VrrpTimersTests
{
    [Theory]
    // keepalived: (256 - prio) * 1 s / 256, in whole microseconds, whatever the v2 interval.
    [InlineData(100, 1, 609_375, 3_609_375)]
    [InlineData(150, 1, 414_062, 3_414_062)]
    [InlineData(150, 3, 414_062, 9_414_062)]
    [InlineData(255, 1, 3_906, 3_003_906)]
    [InlineData(1, 1, 996_093, 3_996_093)]
    public void V2_Priority_SkewAndMasterDownIntervalAsKeepalived(int priority, int intervalSeconds, long skewUs, long mdiUs)
    {
        var interval = TimeSpan.FromSeconds(intervalSeconds);

        Assert.Equal(Us(skewUs), VrrpTimers.SkewTime(VrrpVersion.V2, (byte)priority, interval));
        Assert.Equal(Us(mdiUs), VrrpTimers.MasterDownInterval(VrrpVersion.V2, (byte)priority, interval));
    }

    [Theory]
    // keepalived: (256 - prio) * centiseconds * 625 / 16 µs, truncated. The RFC's centisecond
    // arithmetic would give 60 ms for the first row; keepalived (measured 0.361 s) gives 60.937 ms.
    [InlineData(100, 100, 60_937, 360_937)]
    [InlineData(150, 100, 41_406, 341_406)]
    [InlineData(255, 100, 390, 300_390)]
    [InlineData(100, 1000, 609_375, 3_609_375)]
    [InlineData(200, 20, 4_375, 64_375)]
    [InlineData(1, 40_950, 40_790_039, 163_640_039)]
    public void V3_PriorityAndMasterAdvertInterval_SkewAndMasterDownIntervalAsKeepalived(int priority, int intervalMs, long skewUs, long mdiUs)
    {
        var interval = TimeSpan.FromMilliseconds(intervalMs);

        Assert.Equal(Us(skewUs), VrrpTimers.SkewTime(VrrpVersion.V3, (byte)priority, interval));
        Assert.Equal(Us(mdiUs), VrrpTimers.MasterDownInterval(VrrpVersion.V3, (byte)priority, interval));
    }
}
