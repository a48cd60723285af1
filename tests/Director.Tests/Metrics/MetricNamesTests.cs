using System.Reflection;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Metrics;
using HaDirector.Director.Tests.Hosting;

namespace HaDirector.Director.Tests.Metrics;

public sealed class MetricNamesTests
{
    [Fact]
    public void All_ListsEveryNameOnce()
    {
        var constants = typeof(MetricNames).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral).Select(f => (string)f.GetRawConstantValue()!).ToList();

        Assert.Equal(constants.Order(), MetricNames.All.Order());
        Assert.Equal(MetricNames.All.Count, MetricNames.All.Distinct().Count());
        Assert.All(MetricNames.Histograms, h => Assert.Contains(h, MetricNames.All));
    }

    [Fact]
    public async Task Scrape_EveryCollectorRegistered_ShowsExactlyTheNamedFamilies()
    {
        await using var director = new TestDirector();
        _ = new HealthMetrics(director.Registry);
        _ = new IpvsMetrics(director.Registry, director.Ipvs);

        var scrape = await Scrape.OfAsync(director.Registry);

        Assert.Equal(MetricNames.All.Order(), scrape.Families.Where(f => f.StartsWith("hadirector_", StringComparison.Ordinal)).Order());
    }
}
