using HaDirector.Director.Configuration;
using HaDirector.Director.Tracking;
using HaDirector.Vrrp.Tracking;
using Microsoft.Extensions.Time.Testing;

namespace HaDirector.Director.Tests.Tracking;

public sealed class FileTrackerTests : IDisposable
{
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"hadirector-track-{Guid.NewGuid():N}");

    public void Dispose() => File.Delete(_file);

    [Theory]
    [InlineData("0\n", true, 0L)]
    [InlineData("  12 \n", false, 12L)]
    [InlineData("-3", false, -3L)]
    [InlineData("", true, 0L)]
    public void Read_Integer_ValueReading(string text, bool up, long value)
    {
        File.WriteAllText(_file, text);

        Assert.Equal(new TrackerReading(up, value), FileTracker.Read(_file).Reading);
    }

    [Fact]
    public async Task Watch_FileWrittenAndRemoved_ReadingFollowsWithoutWaitingForTheInterval()
    {
        // An hour's interval on a clock that never moves: only inotify can bring the change.
        var config = new TrackerConfig { Name = "maint", Type = TrackerType.File, Path = _file, Interval = TimeSpan.FromHours(1) };
        await using var tracker = new FileTracker(config, new FakeTimeProvider());
        var changes = System.Threading.Channels.Channel.CreateUnbounded<TrackerReading>();
        tracker.Changed += t => changes.Writer.TryWrite(t.Reading);
        tracker.Start();
        Assert.Equal(TrackerReading.Holding(0), tracker.Reading);

        await File.WriteAllTextAsync(_file, "7\n");
        Assert.Equal(TrackerReading.Holding(7), await changes.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));

        File.Delete(_file);
        Assert.Equal(TrackerReading.Holding(0), await changes.Reader.ReadAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10)));
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
