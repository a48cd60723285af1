using System.Globalization;
using System.Text.RegularExpressions;

namespace HaDirector.Director.Configuration;

/// <summary>Durations as operators write them: <c>100ms</c>, <c>1s</c>, <c>1.5s</c>, <c>2m</c>, <c>1h</c>.</summary>
internal static partial class DurationText
{
    /// <summary>Exact decimal arithmetic, so 0.1s is 100 ms and never 99.999… ms.</summary>
    public static Parsed<TimeSpan> Parse(string text)
    {
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            return new ParseError(
                int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var bare)
                    ? $"expected a duration like 1s or 100ms, got '{text}' (a bare number has no unit: write {bare}s or {bare}ms)"
                    : $"expected a duration like 1s or 100ms, got '{text}'");
        }

        var ticksPerUnit = match.Groups[2].Value switch
        {
            "ms" => TimeSpan.TicksPerMillisecond,
            "s" => TimeSpan.TicksPerSecond,
            "m" => TimeSpan.TicksPerMinute,
            _ => TimeSpan.TicksPerHour,
        };

        // A number beyond decimal's range, or one whose ticks would be, is too long before decimal throws (bench/fuzz #11).
        if (!decimal.TryParse(match.Groups[1].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number)
            || number > TimeSpan.MaxValue.Ticks / ticksPerUnit + 1)
        {
            return new ParseError($"duration '{text}' is too long");
        }

        var ticks = number * ticksPerUnit;
        if (ticks > TimeSpan.MaxValue.Ticks)
        {
            return new ParseError($"duration '{text}' is too long");
        }

        if (ticks % TimeSpan.TicksPerMillisecond != 0)
        {
            return new ParseError($"durations are whole milliseconds at the finest, got '{text}'");
        }

        return TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>The largest unit that shows the value exactly, as it would be written in the file.</summary>
    public static string Format(TimeSpan value)
    {
        if (value == TimeSpan.Zero)
        {
            return "0s";
        }

        if (value.Ticks % TimeSpan.TicksPerHour == 0)
        {
            return $"{value.Ticks / TimeSpan.TicksPerHour}h";
        }

        if (value.Ticks % TimeSpan.TicksPerMinute == 0)
        {
            return $"{value.Ticks / TimeSpan.TicksPerMinute}m";
        }

        if (value.Ticks % TimeSpan.TicksPerSecond == 0 || value >= TimeSpan.FromSeconds(1))
        {
            return ((decimal)value.Ticks / TimeSpan.TicksPerSecond).ToString("0.###", CultureInfo.InvariantCulture) + "s";
        }

        return ((decimal)value.Ticks / TimeSpan.TicksPerMillisecond).ToString("0.####", CultureInfo.InvariantCulture) + "ms";
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
