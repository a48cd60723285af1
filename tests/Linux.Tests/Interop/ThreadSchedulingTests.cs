using HaDirector.Linux.Interop;

namespace HaDirector.Linux.Tests.Interop;

public class ThreadSchedulingTests
{
    [Fact]
    public void SetRealtime_OnAThread_ThatThreadOnly_AndNotItsChildren()
    {
        int? policy = null, childPolicy = null, afterNormal = null;
        int? refused = null;
        var thread = new Thread(() =>
        {
            try
            {
                ThreadScheduling.SetRealtime(1);
            }
            catch (LinuxErrorException ex)
            {
                refused = ex.Errno; // without CAP_SYS_NICE
                return;
            }

            policy = ThreadScheduling.CurrentPolicy();
            var child = new Thread(() => childPolicy = ThreadScheduling.CurrentPolicy());
            child.Start();
            child.Join();
            ThreadScheduling.SetNormal();
            afterNormal = ThreadScheduling.CurrentPolicy();
        });
        thread.Start();
        thread.Join();

        if (refused is { } errno)
        {
            Assert.Equal(Errno.EPERM, errno);
            return;
        }

        Assert.Equal(ThreadScheduling.SchedFifo, policy);
        Assert.Equal(ThreadScheduling.SchedOther, childPolicy); // SCHED_RESET_ON_FORK: pool threads it creates stay normal
        Assert.Equal(ThreadScheduling.SchedOther, afterNormal);
        Assert.Equal(ThreadScheduling.SchedOther, ThreadScheduling.CurrentPolicy()); // the test thread never changed
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100)]
    public void SetRealtime_PriorityOutOfRange_Throws(int priority)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ThreadScheduling.SetRealtime(priority));
    }
}
