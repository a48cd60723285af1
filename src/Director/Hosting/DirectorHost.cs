using HaDirector.Director.Cli;
using HaDirector.Director.Configuration;
using HaDirector.Director.Metrics;
using HaDirector.Director.Vrrp;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Prometheus;
using Serilog;

namespace HaDirector.Director.Hosting;

/// <summary>Composes the daemon: the only place that wires the libraries together.</summary>
public static class DirectorHost
{
    /// <summary>SCHED_FIFO priority of the VRRP timer and receive threads: above every ordinary thread, below the kernel's own.</summary>
    private const int VrrpRealtimePriority = 10;

    public static int Run(string configPath, DirectorConfig config)
    {
        // Timer callbacks and receive completions run on the pool: never let a takeover wait for thread injection.
        ThreadPool.SetMinThreads(16, 16);
        var logger = SerilogSetup.Create(config.Logging.Format);
        Log.Logger = logger;
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                DisableDefaults = true,
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Services.AddSerilog(logger, dispose: true);
            builder.Services.AddSystemd();
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10));
            builder.Services.AddSingleton(TimeProvider.System);
            // VRRP timers and receives on SCHED_FIFO threads: a loaded host must not delay an advert or a takeover.
            using var vrrpTime = new HaDirector.Vrrp.Timing.PreciseTimeProvider(VrrpRealtimePriority);
            if (!vrrpTime.IsRealtime)
            {
                logger.Warning("VRRP timers run with normal scheduling ({Error}): a loaded host may delay adverts and takeovers",
                    vrrpTime.RealtimeError);
            }
            builder.Services.AddSingleton(vrrpTime);
            builder.Services.AddSingleton(config);
            builder.Services.AddSingleton(new ConfigSource(configPath));
            var registry = Prometheus.Metrics.NewCustomRegistry();
            builder.Services.AddSingleton(registry);
            builder.Services.AddSingleton<DirectorMetrics>();
            builder.Services.AddSingleton(config.Metrics);
            builder.Services.AddHostedService<MetricsEndpoint>();
            builder.Services.AddSingleton<VrrpService>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<VrrpService>());
            using var host = builder.Build();
            host.Services.GetRequiredService<DirectorMetrics>().BuildInfo
                .WithLabels(typeof(DirectorHost).Assembly.GetName().Version?.ToString() ?? "0").Set(1);
            host.Run();
            return ExitCodes.Ok;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            logger.Fatal(ex, "hadirector stopped: {Message}", ex.Message);
            return ExitCodes.Failure;
        }
        finally
        {
            Log.CloseAndFlush();
        }
    }
}

/// <summary>Where the running configuration came from (for reload and status).</summary>
public sealed record ConfigSource(string Path);
