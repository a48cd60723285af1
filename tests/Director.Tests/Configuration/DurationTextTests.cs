using HaDirector.Director.Configuration;

namespace HaDirector.Director.Tests.Configuration;

public sealed class DurationTextTests
{
    [Theory]
    [InlineData("100ms", 100)]
    [InlineData("1s", 1000)]
    [InlineData("1.5s", 1500)]
    [InlineData("0.1s", 100)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("0s", 0)]
    public void Parse_WithUnit_IsExactMilliseconds(string text, int milliseconds)
    {
        var parsed = DurationText.Parse(text);

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), parsed.Value);
    }

    [Theory]
    [InlineData("5", "expected a duration like 1s or 100ms, got '5' (a bare number has no unit: write 5s or 5ms)")]
    [InlineData("fast", "expected a duration like 1s or 100ms, got 'fast'")]
    [InlineData("1 s", "expected a duration like 1s or 100ms, got '1 s'")]
    [InlineData("-1s", "expected a duration like 1s or 100ms, got '-1s'")]
    [InlineData("0.5ms", "durations are whole milliseconds at the finest, got '0.5ms'")]
    [InlineData("100000000000000000000000000000ms", "duration '100000000000000000000000000000ms' is too long")] // bench/fuzz #11: beyond decimal
    [InlineData("10000000000000000000h", "duration '10000000000000000000h' is too long")] // its ticks beyond decimal
    [InlineData("256204779h", "duration '256204779h' is too long")] // beyond TimeSpan only, by an hour: as before
    public void Parse_Invalid_SaysWhatIsExpected(string text, string message)
    {
        Assert.Equal(message, DurationText.Parse(text).Error);
    }

    [Theory]
    [InlineData(0, "0s")]
    [InlineData(15, "15ms")]
    [InlineData(1500, "1.5s")]
    [InlineData(40_950, "40.95s")]
    [InlineData(120_000, "2m")]
    [InlineData(7_200_000, "2h")]
    public void Format_Duration_IsHowAnOperatorWritesIt(int milliseconds, string text)
    {
        Assert.Equal(text, DurationText.Format(TimeSpan.FromMilliseconds(milliseconds)));
    }
}
