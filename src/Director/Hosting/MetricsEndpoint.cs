using HaDirector.Director.Configuration;
using Microsoft.Extensions.Hosting;
using Prometheus;

namespace HaDirector.Director.Hosting;

/// <summary>Serves /metrics on exactly the configured address (nothing wider), or nothing when metrics are off.</summary>
public sealed class MetricsEndpoint : IHostedService, IDisposable
{
    private readonly MetricsConfig _config;
    private readonly CollectorRegistry _registry;
    private const int StartAttempts = 5;
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
            for (var attempt = 1; ; attempt++)
            {
                var server = new MetricServer(listen.Address.ToString(), listen.Port, "metrics/", _registry);
                try
                {
                    server.Start();
                    _server = server;
                    break;
                }
                catch (ArgumentNullException) when (attempt < StartAttempts)
                {
                    // The managed HttpListener's start races with a connection that arrives while it starts
                    // (dotnet/corefx#35191): a scraper polling a restarting daemon must not stop it from starting.
                    server.Dispose();
                }
            }
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
