using HaDirector.Director.Tests.Hosting;

namespace HaDirector.Director.Tests.Vrrp;

/// <summary>
/// A claim on a VIP (another MAC's ARP or neighbour discovery) is judged <see cref="Director.Vrrp.VrrpChannel.ClaimWait"/>
/// after it came, on the fake clock. A frame handed to the fake watch reaches the channel on the watch's thread some
/// real time later, so the clock moves in small steps until what the claim causes is seen.
/// </summary>
internal static class ClaimClock
{
    public static async Task AdvanceUntilAsync(TestDirector director, Func<bool> condition, string what)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await director.AdvanceAsync(TimeSpan.FromMilliseconds(100));
            await Task.Delay(10);
        }

        await TestDirector.WaitUntilAsync(condition, what);
    }

    /// <summary>For "nothing happened": past any judgement a claim could have scheduled, and a moment for it to run.</summary>
    public static async Task PastAnyJudgementAsync(TestDirector director)
    {
        await director.AdvanceAsync(TimeSpan.FromSeconds(2));
        await Task.Delay(50);
        await director.SettleAsync();
    }
}
