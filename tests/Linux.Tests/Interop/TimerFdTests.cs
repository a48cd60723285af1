using HaDirector.Linux.Interop;

namespace HaDirector.Linux.Tests.Interop;

public class TimerFdTests
{
    private static readonly long Hour = 3_600_000_000_000;

    [Fact]
    public void ArmAt_APastTime_ExpiresAtOnce()
    {
        using var timer = new TimerFd();
        timer.ArmAt(TimerFd.MonotonicNow() - 1);

        Assert.Equal(1ul, timer.Wait());
        Assert.False(timer.IsArmed);
    }

    [Fact]
    public void ArmAt_TheFuture_StaysArmedUntilDisarmed()
    {
        using var timer = new TimerFd();
        timer.ArmAt(TimerFd.MonotonicNow() + Hour);
        Assert.True(timer.IsArmed);

        timer.Disarm();

        Assert.False(timer.IsArmed);
    }

    [Fact]
    public async Task ArmAt_Earlier_FromAnotherThread_WakesABlockedWait()
    {
        using var timer = new TimerFd();
        timer.ArmAt(TimerFd.MonotonicNow() + Hour);
        var waiter = Task.Factory.StartNew(timer.Wait, TaskCreationOptions.LongRunning);

        timer.ArmAt(TimerFd.MonotonicNow());

        Assert.Equal(1ul, await waiter.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void ArmAt_WithInterval_ExpiresAgainWithoutBeingArmedAgain()
    {
        using var timer = new TimerFd();
        timer.ArmAt(TimerFd.MonotonicNow(), intervalNanoseconds: 1_000_000);

        Assert.True(timer.Wait() >= 1);
        Assert.True(timer.IsArmed); // a one-shot timer is disarmed once it has expired
        Assert.True(timer.Wait() >= 1);
        timer.Disarm();
        Assert.False(timer.IsArmed);
    }

    [Fact]
    public void MonotonicNow_NeverGoesBack()
    {
        var first = TimerFd.MonotonicNow();
        var second = TimerFd.MonotonicNow();

        Assert.True(second >= first);
        Assert.True(first > 0);
    }

    [Fact]
    public void Dispose_ThenUse_Throws()
    {
        var timer = new TimerFd();
        timer.Dispose();

        Assert.Throws<ObjectDisposedException>(() => timer.ArmAt(TimerFd.MonotonicNow()));
    }
}
