using HaDirector.Director.Metrics;

namespace HaDirector.Director.Tests.Metrics;

public sealed class HealthMetricsTests
{
    [Fact]
    public async Task Scrape_ARealServerDown_ShowsItsLabelsAndTheDurationPerVirtualServer()
    {
        var registry = Prometheus.Metrics.NewCustomRegistry();
        var metrics = new HealthMetrics(registry);

        metrics.RealServerUp.WithLabels("web", "198.18.1.1:80").Set(0);
        metrics.RealServerWeight.WithLabels("web", "198.18.1.1:80").Set(0);
        metrics.ChecksTotal.WithLabels("web", "198.18.1.1:80", "down").Inc();
        metrics.RealServerFlaps.WithLabels("web", "198.18.1.1:80").Inc();
        metrics.CheckDuration.WithLabels("web").Observe(0.003);

        var scrape = await Scrape.OfAsync(registry);
        Assert.Equal(0, scrape.Value("hadirector_real_server_up{virtual_server=\"web\",real_server=\"198.18.1.1:80\"}"));
        Assert.Equal(1, scrape.Value("hadirector_healthcheck_checks_total{virtual_server=\"web\",real_server=\"198.18.1.1:80\",result=\"down\"}"));
        Assert.Equal(1, scrape.Value("hadirector_real_server_flaps_total{virtual_server=\"web\",real_server=\"198.18.1.1:80\"}"));
        Assert.Equal(1, scrape.Value("hadirector_healthcheck_duration_seconds_bucket{virtual_server=\"web\",le=\"0.005\"}"));
        Assert.Equal(0, scrape.Value("hadirector_healthcheck_duration_seconds_bucket{virtual_server=\"web\",le=\"0.0025\"}"));
    }
}
