using System.Net;
using System.Net.Sockets;
using HaDirector.Director.Configuration;
using HaDirector.Director.Metrics;
using HaDirector.Netlink.Route;
using HaDirector.Vrrp.Arp;
using HaDirector.Vrrp.Election;
using HaDirector.Vrrp.Protocol;
using HaDirector.Vrrp.Timing;
using HaDirector.Vrrp.Transport;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ProtocolAuth = HaDirector.Vrrp.Protocol.VrrpAuthentication;

namespace HaDirector.Director.Vrrp;

/// <summary>
/// Runs every configured VRRP instance: one socket, GARP sender and link watch per interface, one election
/// driver per instance. Start-up removes VIPs a crash left behind before any instance enters Backup;
/// stopping resigns (priority 0) and removes the VIPs before the process exits.
/// </summary>
public sealed partial class VrrpService : IHostedService, IDisposable
{
    private readonly DirectorConfig _config;
    private readonly DirectorMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly IInstanceServices _services;
    private readonly List<VrrpInstance> _instances = [];
    private readonly List<VrrpChannel> _channels = [];
    private readonly List<IDisposable> _owned = [];
    private readonly List<Task> _loops = [];
    private readonly CancellationTokenSource _stopping = new();
    private readonly OffPathLog _offPath = new();
    private VipManager? _vips;
    private bool _disposed;

    /// <param name="time">Timers fire on a dedicated thread at their deadline (<see cref="PreciseTimeProvider"/>): the
    /// backup's Master_Down timer is takeover time.</param>
    public VrrpService(DirectorConfig config, DirectorMetrics metrics, Prometheus.CollectorRegistry registry, PreciseTimeProvider time,
        IInstanceServices services, ILoggerFactory loggers)
    {
        _services = services;
        // GARP frames are counted by each scheduler; copy them into the counter only when scraped.
        registry.AddBeforeCollectCallback(() =>
        {
            foreach (var instance in _instances.ToArray())
            {
                metrics.GarpSent.WithLabels(instance.Config.Name).IncTo(instance.Runtime.Garp.FramesSent);
            }
        });
        _config = config;
        _metrics = metrics;
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<VrrpService>();
    }

    public IReadOnlyList<VrrpInstance> Instances => _instances;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _vips = new VipManager(RouteClient.Open());
        foreach (var group in _config.Vrrp.Instances.GroupBy(i => i.Interface, StringComparer.Ordinal))
        {
            StartInterface(group.Key, [.. group]);
        }
        foreach (var instance in _instances)
        {
            instance.Driver.Start();
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Resign first, while the sockets are still open: the backup then waits only Skew_Time.
        foreach (var instance in _instances)
        {
            instance.Driver.Shutdown();
            LogStopped(_logger, instance.Config.Name, instance.Driver.State);
        }
        try
        {
            // The priority-0 adverts and VIP removals may wait behind a takeover still programming IPVS.
            await Task.WhenAll(_instances.Select(i => i.Runtime.Drained)).WaitAsync(TimeSpan.FromSeconds(5), cancellationToken);
        }
        catch (TimeoutException)
        {
        }
        await _stopping.CancelAsync();
        try
        {
            await Task.WhenAll(_loops).WaitAsync(TimeSpan.FromSeconds(2), cancellationToken);
        }
        catch (TimeoutException)
        {
            // A receive still blocked is released by closing its socket in Dispose.
        }
    }

    public void Dispose()
    {
        // The container disposes this both as a singleton and as the hosted service it also is.
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _stopping.Cancel();
        foreach (var instance in _instances)
        {
            instance.Dispose();
        }
        foreach (var channel in _channels)
        {
            channel.Dispose();
        }
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }
        _vips?.Dispose();
        _offPath.Dispose();
        _stopping.Dispose();
    }

    private void StartInterface(string name, IReadOnlyList<VrrpInstanceConfig> configs)
    {
        var link = _vips!.GetLink(name)
            ?? throw new InvalidOperationException($"interface '{name}' (vrrp.instances[].interface) does not exist");
        var ourVips = configs.SelectMany(c => c.VirtualAddresses).Select(v => v.Address).ToHashSet();
        var primary = PrimaryAddress(link, ourVips);

        var optionsByInstance = configs.ToDictionary(c => c.Name, c => ToOptions(c, c.UnicastSource ?? primary));
        var validator = new VrrpAdvertValidator(configs.Select(c => optionsByInstance[c.Name].CreateReceiveRules(
            [.. c.UnicastPeers], VrrpInstanceRuntime.ChecksumModeOf(c))));
        var channel = new VrrpChannel(new VrrpSocket(name, link.Index), validator, _metrics, _loggers.CreateLogger<VrrpChannel>())
        {
            RealtimePriority = (_time as PreciseTimeProvider)?.RealtimePriority, // the receive thread as the timer thread
        };
        _channels.Add(channel);
        var arp = new PcapArpSender(name);
        _owned.Add(arp);
        arp.WarmUp();
        channel.WarmUp();
        _vips.WarmUp();

        foreach (var config in configs)
        {
            var options = optionsByInstance[config.Name];
            var garp = new GarpScheduler(arp, new GarpOptions(config.Garp.Repeat, config.Garp.Interval, config.Garp.Refresh), _time);
            var runtime = new VrrpInstanceRuntime(config, link.Index, options.PrimaryAddress, channel, _vips, garp, _services, _metrics, _time,
                _loggers.CreateLogger("HaDirector.Vrrp." + config.Name), _offPath);
            // A crash (kill -9) leaves the VIPs on the interface; holding them as a backup would split the cluster.
            var stale = runtime.RemoveAddresses(options.VirtualAddresses);
            if (stale > 0)
            {
                LogStaleRemoved(_logger, config.Name, stale, name);
            }
            runtime.WarmUp(options);
            var driver = new VrrpInstanceDriver(options, runtime, _time, _loggers.CreateLogger<VrrpInstanceDriver>());
            var instance = new VrrpInstance(config, driver, runtime);
            channel.Add(instance);
            _instances.Add(instance);
            LogConfigured(_logger, config.Name, config.VirtualRouterId, config.Priority, config.Version,
                config.AdvertInterval.TotalMilliseconds, name, options.PrimaryAddress);
        }

        _loops.Add(Task.Run(() => channel.ReceiveLoopAsync(_stopping.Token)));
        _loops.Add(Task.Run(() => WatchLinkAsync(name, [.. _instances.Where(i => i.Config.Interface == name)], _stopping.Token)));
    }

    private async Task WatchLinkAsync(string name, IReadOnlyList<VrrpInstance> instances, CancellationToken cancellationToken)
    {
        try
        {
            using var monitor = LinkMonitor.Open(name);
            bool? up = null;
            await foreach (var change in monitor.ReadEventsAsync(cancellationToken))
            {
                var nowUp = change.IsOperational;
                if (up == nowUp)
                {
                    continue;
                }
                // The first event is the current state: only "down" needs telling (instances start as if up).
                if (up is not null || !nowUp)
                {
                    LogLinkChanged(_logger, name, nowUp ? "up" : "down");
                    foreach (var instance in instances)
                    {
                        instance.Driver.Post(nowUp ? new VrrpInput.InterfaceUp() : new VrrpInput.InterfaceDown());
                    }
                }
                up = nowUp;
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is SocketException or IOException or ObjectDisposedException)
        {
            LogLinkWatchFailed(_logger, name, ex.Message);
        }
    }

    private IPAddress PrimaryAddress(LinkInfo link, HashSet<IPAddress> vips)
    {
        // RFC 5798 §5.1.1.1: the source is the primary address of the interface, never one of the VIPs.
        return _vips!.List(link.Index)
            .Where(a => a.Address.AddressFamily == AddressFamily.InterNetwork && !vips.Contains(a.Address))
            .Select(a => a.Address)
            .FirstOrDefault()
            ?? throw new InvalidOperationException(
                $"interface '{link.Name}' has no IPv4 address to send VRRP adverts from (set vrrp.instances[].unicastSource)");
    }

    private static VrrpInstanceOptions ToOptions(VrrpInstanceConfig c, IPAddress primary) =>
        new(c.Name, (byte)c.VirtualRouterId, (byte)c.Priority, (VrrpVersion)c.Version, c.AdvertInterval, primary,
            [.. c.VirtualAddresses.Select(v => v.Address)])
        {
            Preempt = c.Preempt,
            PreemptDelay = c.PreemptDelay,
            Authentication = c.Authentication is { } auth ? ProtocolAuth.Password(auth.Password) : ProtocolAuth.None,
            MakeBeforeBreak = true,
        };

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information,
        Message = "{Instance}: VRID {Vrid}, priority {Priority}, VRRPv{Version} every {IntervalMs} ms, on {InterfaceName} from {Primary}")]
    private static partial void LogConfigured(ILogger logger, string instance, int vrid, int priority, int version, double intervalMs,
        string interfaceName, IPAddress primary);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Warning,
        Message = "{Instance}: removed {Count} virtual address(es) left on {InterfaceName} by an earlier run")]
    private static partial void LogStaleRemoved(ILogger logger, string instance, int count, string interfaceName);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Warning, Message = "{InterfaceName}: link {State}")]
    private static partial void LogLinkChanged(ILogger logger, string interfaceName, string state);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Error, Message = "{InterfaceName}: link monitor failed: {Error}")]
    private static partial void LogLinkWatchFailed(ILogger logger, string interfaceName, string error);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Information, Message = "{Instance}: stopped ({State})")]
    private static partial void LogStopped(ILogger logger, string instance, VrrpState state);
}
