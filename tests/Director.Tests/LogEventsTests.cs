using System.Text.RegularExpressions;
using HaDirector.Director.Tests.Configuration;

namespace HaDirector.Director.Tests;

/// <summary>
/// Log event ids are an interface: operators alert and grep on them. Each is used once across the product and
/// docs/logging.md lists every one with its level.
/// </summary>
public sealed partial class LogEventsTests
{
    private static readonly string Root = ConfigLoaderTests.RepositoryRoot();

    [Fact]
    public void EventIds_AcrossTheProduct_EachUsedOnce()
    {
        var reused = InSource().GroupBy(e => e.Id).Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(e => e.File))}");

        Assert.Empty(reused);
    }

    [Fact]
    public void EventIds_InSource_AreExactlyThoseDocumentedWithTheirLevel()
    {
        var inSource = InSource().Select(e => $"{e.Id} {e.Level}").Order().ToList();
        var documented = File.ReadLines(Path.Combine(Root, "docs", "logging.md"))
            .Select(line => DocRow().Match(line)).Where(m => m.Success)
            .Select(m => $"{m.Groups["id"].Value} {m.Groups["level"].Value}").Order().ToList();

        Assert.Equal(inSource, documented);
    }

    private static List<(int Id, string Level, string File)> InSource() =>
        [.. Directory.EnumerateFiles(Path.Combine(Root, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(f => LoggerMessage().Matches(File.ReadAllText(f))
                .Select(m => (int.Parse(m.Groups["id"].Value), m.Groups["level"].Value, Path.GetFileName(f))))];

    [GeneratedRegex(@"\[LoggerMessage\(EventId = (?<id>\d+),\s*Level = LogLevel\.(?<level>\w+)")]
    private static partial Regex LoggerMessage();

    [GeneratedRegex(@"^\| (?<id>\d+) \| (?<level>\w+) \|")]
    private static partial Regex DocRow();
}
