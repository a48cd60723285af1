namespace HaDirector.HealthCheck.Tests.Support;

/// <summary>Waits for a condition that real I/O or the thread pool makes true, with a bound so a bug fails instead of hanging.</summary>
public static class Eventually
{
    public static void True(Func<bool> condition, string what)
    {
        Assert.True(SpinWait.SpinUntil(condition, TimeSpan.FromSeconds(10)), $"timed out waiting for: {what}");
    }
}
