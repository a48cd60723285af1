using Microsoft.Extensions.Hosting;

namespace HaDirector.Director.Hosting;

/// <summary>
/// Hosted services the daemon starts itself, before the host makes the others (docs/architecture.md, "Cold start"):
/// started once, in order, whether <see cref="StartAsync"/> is called early, by the host, or both; stopped in reverse
/// when the host stops, at the place in the host's order where this is registered.
/// </summary>
public sealed class StartFirst(params IHostedService[] services) : IHostedService
{
    private readonly Lock _gate = new();
    private Task? _started;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _started ??= StartAllAsync(cancellationToken);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        Task? started;
        lock (_gate)
        {
            started = _started;
        }

        if (started is null)
        {
            return;
        }

        for (var i = services.Length - 1; i >= 0; i--)
        {
            await services[i].StopAsync(cancellationToken);
        }
    }

    private async Task StartAllAsync(CancellationToken cancellationToken)
    {
        foreach (var service in services)
        {
            await service.StartAsync(cancellationToken);
        }
    }
}
