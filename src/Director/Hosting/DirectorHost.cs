using System.Runtime.InteropServices;
using HaDirector.Director.Announce;
using HaDirector.Director.Configuration;
using HaDirector.Director.Control;
using HaDirector.Director.Health;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Kernel;
using HaDirector.Director.Metrics;
using HaDirector.Director.Tracking;
using HaDirector.Director.Vrrp;
using HaDirector.Vrrp.Timing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Prometheus;
using Serilog;

namespace HaDirector.Director.Hosting;

/// <summary>Composes the daemon: the only place that wires the libraries together.</summary>
public static class DirectorHost
{
    public static int Run(string configPath, DirectorConfig config, ConfigSourceMap sources)
    {
        // Before anything is touched: a second daemon would remove the first one's live VIPs as stale.
        using var claims = DaemonClaims.TryAcquire(configPath, config, out var refusal);
        if (claims is null)
        {
            Console.Error.WriteLine($"hadirector: not starting: {refusal}");
            return ExitCodes.AlreadyRunning;
        }

        using (var links = new RouteLinks())
        {
            var check = HostCheck.Run(config, sources, links, running: null, bindMetrics: true);
            if (check.WriteTo(Console.Error))
            {
                return ExitCodes.ConfigInvalid;
            }
        }
        TakeoverTrace.Mark("host-checked");

        // Timer callbacks and receive completions run on the pool: never let a takeover wait for thread injection.
        ThreadPool.SetMinThreads(16, 16);
        var logger = SerilogSetup.Create(config.Logging.Format);
        Log.Logger = logger;
        TakeoverTrace.Mark("logging-ready");
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                DisableDefaults = true,
                ContentRootPath = AppContext.BaseDirectory,
            });
            builder.Services.AddSerilog(logger, dispose: true);
            builder.Services.AddSystemd();
            // Announced VIPs are withdrawn first and forwarded for stopGrace before the rest stops.
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(10) + (config.Announce?.StopGrace ?? TimeSpan.Zero));
            builder.Services.AddSingleton(TimeProvider.System);
            // VRRP timers and receives on SCHED_FIFO threads: a loaded host must not delay an advert or a takeover.
            // (vrrp.realtimePriority, default 10: above every ordinary thread, below the kernel's own; 0: off).
            using var vrrpTime = new HaDirector.Vrrp.Timing.PreciseTimeProvider(
                config.Vrrp.RealtimePriority > 0 ? config.Vrrp.RealtimePriority : null);
            if (!vrrpTime.IsRealtime && config.Vrrp.RealtimePriority > 0)
            {
                logger.Warning("VRRP timers run with normal scheduling ({Error}): a loaded host may delay adverts and takeovers",
                    vrrpTime.RealtimeError);
            }
            builder.Services.AddSingleton(config);
            // The one seam to the host: nothing else opens a socket, a file under /proc/sys or a process on it.
            builder.Services.AddSingleton<IHostKernel, LinuxKernel>();
            builder.Services.AddSingleton(new RunningConfig(configPath, config));
            builder.Services.AddSingleton(claims);
            var registry = Prometheus.Metrics.NewCustomRegistry();
            DotNetStats.Register(registry); // process_* (CPU, RSS, open fds, start time) and GC

            builder.Services.AddSingleton(registry);
            builder.Services.AddSingleton<DirectorMetrics>();
            builder.Services.AddSingleton<TrackingMetrics>();
            builder.Services.AddSingleton(config.Metrics);
            builder.Services.AddHostedService<MetricsEndpoint>();
            builder.Services.AddSingleton<IpvsTableService>();
            builder.Services.AddSingleton<IInstanceServices>(sp => sp.GetRequiredService<IpvsTableService>());
            // Trackers before VRRP: instances start on their first readings (see TrackingService).
            builder.Services.AddSingleton(sp =>
            {
                var tracking = new TrackingService(config, sp.GetRequiredService<IHostKernel>(), new ShellCommandRunner(),
                    new HealthRealServers(sp.GetRequiredService<HealthService>(), () => sp.GetRequiredService<RunningConfig>().Current).Up,
                    TimeProvider.System, sp.GetRequiredService<ILogger<TrackingService>>(), metrics: sp.GetRequiredService<TrackingMetrics>());
                // A master that cannot forward steps aside: its IPVS table is an implicit tracker.
                var ipvs = sp.GetRequiredService<IpvsTableService>();
                tracking.TrackTable(() => ipvs.Reconciler.Status);
                return tracking;
            });
            builder.Services.AddSingleton(sp => new VrrpService(config, sp.GetRequiredService<IHostKernel>(),
                sp.GetRequiredService<DirectorMetrics>(), registry, vrrpTime, sp.GetRequiredService<IInstanceServices>(),
                sp.GetRequiredService<ILoggerFactory>(),
                new VrrpHooks(sp.GetRequiredService<TrackingService>(), new ShellCommandRunner(), sp.GetRequiredService<TrackingMetrics>())));
            // The election's clock starts first: started below, before the rest is made (docs/architecture.md, "Cold start").
            builder.Services.AddSingleton(sp => new StartFirst(sp.GetRequiredService<TrackingService>(), sp.GetRequiredService<VrrpService>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<StartFirst>());
            // After VRRP: it starts once VRRP runs (a master may activate before the adoption pass) and
            // stops first, so the resignation's VIP removal leaves the IPVS table alone.
            builder.Services.AddHostedService(sp => sp.GetRequiredService<IpvsTableService>());
            builder.Services.AddSingleton<IpvsMetrics>();
            builder.Services.AddSingleton<HealthMetrics>();
            builder.Services.AddSingleton<IRealServerHealthSink>(sp => sp.GetRequiredService<IpvsTableService>().Reconciler);
            builder.Services.AddSingleton(sp => new RealServerNotify(new ShellCommandRunner(), sp.GetRequiredService<TrackingMetrics>(),
                sp.GetRequiredService<ILogger<RealServerNotify>>()));
            builder.Services.AddSingleton(sp => new HealthService(
                sp.GetRequiredService<RunningConfig>().Current, TimeProvider.System, sp.GetRequiredService<ILogger<HealthService>>(),
                sp.GetRequiredService<IRealServerHealthSink>(), sp.GetRequiredService<HealthMetrics>(),
                new HealthServiceOptions { StateChanged = sp.GetRequiredService<RealServerNotify>().OnStateChanged }));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<HealthService>());
            builder.Services.AddSingleton<AnnounceMetrics>();
            builder.Services.AddSingleton(sp =>
            {
                var tracking = sp.GetRequiredService<TrackingService>();
                var announce = new AnnounceService(config, sp.GetRequiredService<IHostKernel>(), sp.GetRequiredService<IpvsTableService>(),
                    new HealthRealServers(sp.GetRequiredService<HealthService>(), () => sp.GetRequiredService<RunningConfig>().Current).Up,
                    tracking.Snapshot, TimeProvider.System, sp.GetRequiredService<ILogger<AnnounceService>>(), sp.GetRequiredService<AnnounceMetrics>(),
                    new MaintenanceStore(StateDirectory.MaintenanceFile(configPath)));
                tracking.Changed += announce.OnTrackersChanged;
                return announce;
            });
            builder.Services.AddSingleton<IHealthView, HealthServiceView>();
            builder.Services.AddSingleton<StatusBuilder>();
            builder.Services.AddSingleton<ConfigReloader>();
            builder.Services.AddSingleton<IControlHandler, ControlHandler>();
            builder.Services.AddHostedService<ControlServer>();
            // Last: the host stops services in reverse, so the announcements are withdrawn (and the stop grace runs)
            // while health checks, trackers and IPVS still work.
            builder.Services.AddHostedService(sp => sp.GetRequiredService<AnnounceService>());
            using var host = builder.Build();
            TakeoverTrace.Mark("host-built");
            host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(() => TakeoverTrace.Mark("host-started"));
            // Trackers and VRRP instances now: the Master_Down timer runs while the host makes and starts the rest (the
            // metrics endpoint, IPVS, health checks, control socket, announcements). The host stops them in its order.
            host.Services.GetRequiredService<StartFirst>().StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            host.Services.GetRequiredService<IpvsMetrics>();
            host.Services.GetRequiredService<DirectorMetrics>();
            var reloader = host.Services.GetRequiredService<ConfigReloader>();
            var health = host.Services.GetRequiredService<HealthService>();
            reloader.OnApplied(c =>
            {
                health.Reconfigure(c);
                return Task.CompletedTask;
            });
            reloader.OnApplied(host.Services.GetRequiredService<TrackingService>().ReconfigureAsync);
            reloader.OnApplied(host.Services.GetRequiredService<AnnounceService>().ReconfigureAsync);
            // SIGHUP would otherwise end the process; here it is keepalived's "reload".
            using var hangup = PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                _ = reloader.ReloadAsync("SIGHUP");
            });
            // Start-up's pages (loading the file, building the host, the first passes) are not needed again.
            _ = Task.Run(async () =>
            {
                await Task.Delay(MemoryTrim.AfterStartDelay);
                MemoryTrim.AfterStart();
            });

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
