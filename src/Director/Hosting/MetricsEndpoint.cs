using HaDirector.Director.Configuration;
using Microsoft.Extensions.Hosting;
using Prometheus;

namespace HaDirector.Director.Hosting;

/// <summary>Serves /metrics on exactly the configured address (nothing wider), or nothing when metrics are off.</summary>
public sealed class MetricsEndpoint : IHostedService, IDisposable
{
    private readonly MetricsConfig _config;
    private readonly CollectorRegistry _registry;
    private MetricServer? _server;

    public MetricsEndpoint(MetricsConfig config, CollectorRegistry registry)
    {
        _config = config;
        _registry = registry;
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (_config.Listen is { } listen)
        {
            _server = new MetricServer(listen.Address.ToString(), listen.Port, "metrics/", _registry);
            _server.Start();
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync();
        }
    }

    public void Dispose() => _server?.Dispose();
}
