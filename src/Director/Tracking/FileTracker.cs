using System.Globalization;
using HaDirector.Director.Configuration;
using HaDirector.Vrrp.Tracking;

namespace HaDirector.Director.Tracking;

/// <summary>
/// keepalived's <c>track_file</c>: the file holds an integer, read every interval. A missing file reads as 0 (nothing
/// to say); one that does not hold an integer is a failure.
/// </summary>
public sealed class FileTracker(TrackerConfig config, TimeProvider time) : Tracker(config, time, Read(config.Path!).Reading)
{
    protected override Task RunAsync(CancellationToken cancellationToken) =>
        PollAsync(
            _ =>
            {
                var (reading, detail) = Read(Config.Path!);
                Report(reading, detail);
                return Task.CompletedTask;
            },
            cancellationToken);

    internal static (TrackerReading Reading, string Detail) Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path).Trim();
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return (TrackerReading.Holding(0), "no file: 0");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (TrackerReading.Failing, e.Message);
        }

        return long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? (TrackerReading.Holding(value), $"value {value}")
            : (TrackerReading.Failing, $"not an integer: '{(text.Length > 20 ? text[..20] + "..." : text)}'");
    }
}
