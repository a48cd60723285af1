using System.Reflection;
using HaDirector.Director.Cli;
using HaDirector.Director.Metrics;
using HaDirector.Director.Tests.Hosting;

namespace HaDirector.Director.Tests.Metrics;

/// <summary>The VRRP metrics as a scrape shows them: the build's version, and every counter there from the start.</summary>
public sealed class DirectorMetricsTests
{
    [Fact]
    public async Task Scrape_NewRegistry_BuildInfoCarriesTheVersionTheCliPrints()
    {
        // `hadirector --version` prints the entry assembly's informational version; hadirector is that assembly.
        var printed = typeof(CommandTable).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        var registry = Prometheus.Metrics.NewCustomRegistry();
        _ = new DirectorMetrics(registry);

        var scrape = await Scrape.OfAsync(registry);

        Assert.Equal(1, scrape.Value($"hadirector_build_info{{version=\"{printed}\"}}"));
        Assert.Single(scrape.Text.Split('\n'), l => l.StartsWith("hadirector_build_info{", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Scrape_RightAfterStart_EveryCounterOfTheInstanceAtZero()
    {
        await using var director = new TestDirector();
        await director.StartAsync();

        var scrape = await Scrape.OfAsync(director.Registry);

        foreach (var counter in new[]
                 {
                     MetricNames.VrrpAdvertsReceived, MetricNames.VrrpPriorityZeroReceived, MetricNames.VrrpPriorityZeroSent,
                     MetricNames.VrrpAdvertsSent, MetricNames.VrrpGarpSent,
                 })
        {
            Assert.True(scrape.Value($"{counter}{{instance=\"web\"}}") is not null, $"{counter} missing\n{scrape.Text}");
        }

        Assert.Equal(0, scrape.Value($"{MetricNames.VrrpAdvertsReceived}{{instance=\"web\"}}"));
        Assert.Equal(0, scrape.Value($"{MetricNames.VrrpPriorityZeroReceived}{{instance=\"web\"}}"));
        foreach (var reason in new[] { "VersionMismatch", "AddressListMismatch", "UnknownVrid", "BadChecksum" })
        {
            Assert.Equal(0, scrape.Value($"{MetricNames.VrrpPacketsDropped}{{interface=\"eth0\",reason=\"{reason}\",family=\"ipv4\"}}"));
        }
    }
}
