using System.Globalization;
using System.Text;
using Prometheus;

namespace HaDirector.Director.Tests.Metrics;

/// <summary>What a Prometheus scrape of a registry shows: its text, and the value of one series.</summary>
internal sealed class Scrape(string text)
{
    public string Text => text;

    public static async Task<Scrape> OfAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return new Scrape(Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>The metric families (from the # TYPE lines).</summary>
    public IEnumerable<string> Families => Lines.Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)).Select(l => l.Split(' ')[2]);

    /// <summary>The value of a series written as the scrape writes it, e.g. <c>hadirector_vrrp_state{instance="web"}</c>; null when absent.</summary>
    public double? Value(string series) => Lines
        .Where(l => l.StartsWith(series + " ", StringComparison.Ordinal))
        .Select(l => (double?)double.Parse(l[(series.Length + 1)..], CultureInfo.InvariantCulture))
        .FirstOrDefault();

    private IEnumerable<string> Lines => text.Split('\n');
}
