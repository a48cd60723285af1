using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Announce;
using HaDirector.Director.Configuration;
using HaDirector.Director.Control;
using HaDirector.Director.Hosting;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Metrics;
using HaDirector.Director.Tests.Announce;
using HaDirector.Director.Tests.Kernel;
using HaDirector.Director.Tracking;
using HaDirector.Director.Vrrp;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Prometheus;

namespace HaDirector.Director.Tests.Hosting;

/// <summary>
/// The daemon's orchestration as <see cref="DirectorHost"/> composes it (IPVS table service, VRRP service, reloader),
/// over a <see cref="FakeKernel"/> host with one interface eth0 (198.18.0.1/24) and a fake clock.
/// </summary>
internal sealed class TestDirector : IAsyncDisposable
{
    /// <summary>One instance "web" (VRID 51, priority 150, v3 every second) holding 198.18.0.100, and its virtual server.</summary>
    public const string WebYaml = """
        vrrp:
          instances:
            - name: web
              interface: eth0
              vrid: 51
              priority: 150
              version: 3
              advertInterval: 1s
              virtualAddresses: [198.18.0.100/32]
              garp: { repeat: 2, interval: 100ms, refresh: 0s }
        virtualServers:
          - name: web
            vip: 198.18.0.100
            port: 80
            protocol: tcp
            scheduler: wlc
            realServers:
              - { address: 198.18.1.1, port: 80, weight: 2 }
              - { address: 198.18.1.2, port: 80, weight: 1 }
        """;

    /// <summary>Long enough for a backup of priority 150 with a 1 s interval to take over (3 × 1 s + skew).</summary>
    public static readonly TimeSpan MasterDown = TimeSpan.FromSeconds(3.6);

    /// <summary>A service someone else made in the kernel (not in any configuration here).</summary>
    public static readonly IpvsService Unowned = new()
    {
        Family = AddressFamily.InterNetwork,
        Address = IPAddress.Parse("198.18.0.200"),
        Port = 53,
        Protocol = HaDirector.Linux.Netlink.Ipvs.IpvsProtocol.Udp,
        Scheduler = "rr",
    };

    private bool _stopped;

    /// <param name="loggers">Where the services log (a test that checks log lines passes a recording one); default: nowhere.</param>
    /// <param name="trackTable">Follow the IPVS table as the daemon does (an instance faults while its table cannot be programmed).</param>
    /// <param name="maintenanceFile">Where announced VIPs' maintenance is kept (a restart test shares one); default: in the test's directory.</param>
    /// <param name="routingDaemons">How announce.routingDaemon is read; default: a client that finds no daemon.</param>
    /// <param name="vrrpTime">The VRRP service's clock (the daemon gives it one of its own too); default: <see cref="Time"/>.</param>
    public TestDirector(string yaml = WebYaml, Action<FakeKernel>? host = null, ILoggerFactory? loggers = null, bool trackTable = false,
        string? maintenanceFile = null, Func<RoutingDaemonConfig, IRoutingDaemonClient>? routingDaemons = null, TimeProvider? vrrpTime = null)
    {
        Kernel.AddInterface("eth0", "198.18.0.1/24");
        host?.Invoke(Kernel);
        var config = Load(yaml);
        Directory.CreateDirectory(_directory);
        Directory.CreateDirectory(ProcRoot);
        var path = Path.Combine(_directory, "hadirector.yaml");
        File.WriteAllText(path, yaml);
        Running = new RunningConfig(path, config);
        Metrics = new DirectorMetrics(Registry);
        Ipvs = new IpvsTableService(config, Kernel, Time, NullLoggerFactory.Instance);
        TrackingMetrics = new TrackingMetrics(Registry);
        Tracking = new TrackingService(config, Kernel, Scripts, name => RealServersUp.GetValueOrDefault(name), Time,
            NullLogger<TrackingService>.Instance, ProcRoot, TrackingMetrics);
        if (trackTable)
        {
            Tracking.TrackTable(() => Ipvs.Reconciler.Status);
        }

        Vrrp = new VrrpService(config, Kernel, Metrics, Registry, vrrpTime ?? Time, Ipvs, loggers ?? NullLoggerFactory.Instance,
            new VrrpHooks(Tracking, Scripts, TrackingMetrics));
        Announce = new AnnounceService(config, Kernel, Ipvs, AnnounceUp, Tracking.Snapshot, Time,
            (loggers ?? NullLoggerFactory.Instance).CreateLogger<AnnounceService>(), new AnnounceMetrics(Registry),
            new MaintenanceStore(maintenanceFile ?? Path.Combine(_directory, "announce-maintenance")),
            routingDaemons ?? ((Func<RoutingDaemonConfig, IRoutingDaemonClient>)(_ => new FakeRoutingDaemon())));
        Tracking.Changed += Announce.OnTrackersChanged;
        Reloader = new ConfigReloader(Running, Ipvs, Vrrp, NullLogger<ConfigReloader>.Instance, Kernel);
        Reloader.OnApplied(Tracking.ReconfigureAsync);
        Reloader.OnApplied(Announce.ReconfigureAsync);
        Status = new StatusBuilder(Running, Vrrp, Ipvs, Health, Time, Tracking, Announce);
        Control = new ControlHandler(Running, Vrrp, Ipvs, Status, Reloader, Time, Announce);
    }

    private readonly string _directory = Path.Combine(Path.GetTempPath(), "hadirector-tests", Guid.NewGuid().ToString("N"));

    public FakeKernel Kernel { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    public CollectorRegistry Registry { get; } = Prometheus.Metrics.NewCustomRegistry();

    public DirectorMetrics Metrics { get; }

    public RunningConfig Running { get; }

    public IpvsTableService Ipvs { get; }

    public VrrpService Vrrp { get; }

    /// <summary>vrrp.trackers, with scripts run by <see cref="Scripts"/>.</summary>
    public TrackingService Tracking { get; }

    public TrackingMetrics TrackingMetrics { get; }

    /// <summary>What tracker scripts and notify hooks exit with; every run of either.</summary>
    public FakeCommandRunner Scripts { get; } = new();

    /// <summary>Real servers up per virtual server name, for virtualServer trackers (absent: 0).</summary>
    public Dictionary<string, int> RealServersUp { get; } = [];

    /// <summary>A fake /proc for process trackers (empty unless a test adds processes).</summary>
    public string ProcRoot => Path.Combine(_directory, "proc");

    public ConfigReloader Reloader { get; }

    /// <summary>The announced VIPs (announce:); real servers up come from <see cref="RealServersUp"/>, absent: all configured.</summary>
    public AnnounceService Announce { get; }

    public StatusBuilder Status { get; }

    public ControlHandler Control { get; }

    /// <summary>What status shows of health: set a real server's view here.</summary>
    public FakeHealthView Health { get; } = new();

    /// <summary>Replaces the configuration file (a reload reads it).</summary>
    public void WriteConfig(string yaml) => File.WriteAllText(Running.Path, yaml);

    public VrrpInstance Instance(string name = "web") => Vrrp.Instances.Single(i => i.Config.Name == name);

    private int AnnounceUp(string virtualServer) =>
        RealServersUp.TryGetValue(virtualServer, out var up) ? up : Running.Current.VirtualServers.First(v => v.Name == virtualServer).RealServers.Count;

    public static DirectorConfig Load(string yaml)
    {
        var result = ConfigLoader.LoadFromText(yaml, "test.yaml");
        Assert.Empty(result.Errors);
        return result.Config!;
    }

    /// <summary>In the host's order: VRRP first (it removes what a crash left), then the IPVS table service.</summary>
    public async Task StartAsync()
    {
        await Tracking.StartAsync(CancellationToken.None);
        await Vrrp.StartAsync(CancellationToken.None);
        await Ipvs.StartAsync(CancellationToken.None);
        await Announce.StartAsync(CancellationToken.None);
    }

    /// <summary>Advances the clock and waits until every host action it caused (which may wait for IPVS) has run.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await SettleAsync();
    }

    public Task SettleAsync() =>
        Task.WhenAll(Vrrp.Instances.Select(i => i.Runtime.Drained)).WaitAsync(TimeSpan.FromSeconds(10));

    /// <summary>For what runs on the thread pool (an IPVS pass after a transition): waits for it, bounded.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(5);
        }
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        // The host stops in reverse order: IPVS first, so the resignation's VIP removal leaves the table alone.
        _stopped = true;
        // Announcements go first, then the stop grace (on the fake clock) while everything still forwards.
        var withdrawing = Announce.StopAsync(CancellationToken.None);
        if (Announce.Config is { } announce)
        {
            Time.Advance(announce.StopGrace);
        }

        await withdrawing;
        await Ipvs.StopAsync(CancellationToken.None);
        await Vrrp.StopAsync(CancellationToken.None);
        await Tracking.StopAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Vrrp.Dispose();
        Announce.Dispose();
        await Ipvs.DisposeAsync();
        Reloader.Dispose();
        Directory.Delete(_directory, recursive: true);
    }
}
