using System.Diagnostics;

namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>Waits on a condition with a bounded timeout (never a fixed sleep).</summary>
public static class Wait
{
    public static void Until(Func<bool> condition, TimeSpan timeout, string what, Func<string>? diagnostics = null)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout)
            {
                throw new TimeoutException($"timed out after {timeout.TotalSeconds:0.#} s waiting for {what}"
                    + (diagnostics is null ? "" : Environment.NewLine + diagnostics()));
            }
            Thread.Sleep(20);
        }
    }

    /// <summary>Asserts a condition stays true for the whole period (e.g. "no second master appears").</summary>
    public static void Holds(Func<bool> condition, TimeSpan period, string what, Func<string>? diagnostics = null)
    {
        var sw = Stopwatch.StartNew();
        while (sw.Elapsed < period)
        {
            if (!condition())
            {
                throw new InvalidOperationException($"{what} stopped holding after {sw.Elapsed.TotalSeconds:0.##} s"
                    + (diagnostics is null ? "" : Environment.NewLine + diagnostics()));
            }
            Thread.Sleep(20);
        }
    }
}
