using HaDirector.Director.Tracking;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Tests.Tracking;

public sealed class FileTrackerTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"hadirector-track-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_file);

    [Theory]
    [InlineData("0\n", true, 0L)]
    [InlineData("  12 \n", false, 12L)]
    [InlineData("-3", false, -3L)]
    public void Read_Integer_ValueReading(string text, bool up, long value)
    {
        File.WriteAllText(_file, text);

        Assert.Equal(new TrackerReading(up, value), FileTracker.Read(_file).Reading);
    }

    [Fact]
    public void Read_NoFile_Zero() => Assert.Equal(TrackerReading.Holding(0), FileTracker.Read(_file).Reading);

    [Fact]
    public void Read_NotAnInteger_Failing()
    {
        File.WriteAllText(_file, "maintenance");

        var (reading, detail) = FileTracker.Read(_file);

        Assert.Equal(TrackerReading.Failing, reading);
        Assert.Equal("not an integer: 'maintenance'", detail);
    }
}
