using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace HaDirector.Vrrp.Timing;

/// <summary>
/// A diagnostic trace of the takeover path (advert received, timer due, timer callback, each action of the
/// batch), for measuring where the milliseconds between a deadline and the first GARP go. Off unless the
/// environment variable <c>HADIRECTOR_TRACE_TAKEOVER=1</c> is set; when off, <see cref="Mark(string, object?)"/>
/// is one static read. Marks are Stopwatch timestamps taken in place and written to stderr later, off the
/// path, as <c>trace &lt;unix seconds&gt; &lt;label&gt; [arg]</c> lines (wall-clock, so they line up with tcpdump -tt).
/// </summary>
public static class TakeoverTrace
{
    public static readonly bool Enabled = Environment.GetEnvironmentVariable("HADIRECTOR_TRACE_TAKEOVER") == "1";

    private static readonly ConcurrentQueue<(long Timestamp, string Label, object? Arg)> Marks = new();
    private static readonly long BaseTimestamp = Stopwatch.GetTimestamp();
    private static readonly DateTime BaseUtc = DateTime.UtcNow;
    private static int FlushQueued;

    public static void Mark(string label, object? arg = null)
    {
        if (Enabled)
        {
            Marks.Enqueue((Stopwatch.GetTimestamp(), label, arg));
        }
    }

    /// <summary>Records a mark at a given Stopwatch timestamp (a deadline, say).</summary>
    public static void MarkAt(long timestamp, string label, object? arg = null)
    {
        if (Enabled)
        {
            Marks.Enqueue((timestamp, label, arg));
        }
    }

    /// <summary>Writes the marks so far on a thread-pool thread.</summary>
    public static void FlushSoon()
    {
        if (Enabled && Interlocked.Exchange(ref FlushQueued, 1) == 0)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => Flush(), null);
        }
    }

    private static void Flush()
    {
        Volatile.Write(ref FlushQueued, 0);
        var text = new System.Text.StringBuilder();
        while (Marks.TryDequeue(out var mark))
        {
            var utc = BaseUtc + Stopwatch.GetElapsedTime(BaseTimestamp, mark.Timestamp);
            var unix = (utc - DateTime.UnixEpoch).Ticks / (double)TimeSpan.TicksPerSecond;
            text.Append(CultureInfo.InvariantCulture, $"trace {unix:F6} {mark.Label}");
            if (mark.Arg is not null)
            {
                text.Append(' ').Append(Convert.ToString(mark.Arg, CultureInfo.InvariantCulture));
            }
            text.Append('\n');
        }
        Console.Error.Write(text.ToString());
    }
}
