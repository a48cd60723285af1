using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using HaDirector.Bench.HealthCheck;
using HaDirector.Director.Configuration;
using HaDirector.Director.Health;
using HaDirector.Director.Ipvs;
using Microsoft.Extensions.Logging.Abstractions;

// bench/HealthCheck/run --protocol tcp --targets 10000 --seconds 60 [--drop 10] [--half-open]
//   check: starts the listener farm (farm.py) as a child process, runs HealthService with the real probes
//   against it for a warm-up and then the measured window (CPU % of one core and RSS of this process),
//   then closes the farm's listeners on the first --drop addresses and measures, per real server, the
//   time from its fall-th failed result (the state change's `Since`) to the sink's SetHealth(Removed).
//   Checks and failures are counted by the daemon's own metric (hadirector_healthcheck_checks_total): the
//   probes run as the daemon builds them, unwrapped, so half-open targets run on the engine's thread.
//   --half-open: tcp checks with healthCheck.halfOpen (a SYN from a raw socket; needs CAP_NET_RAW).
//   --awaited (with --protocol http): the GET as it ran before issue 20 moved it onto the connect engine's thread
//   (Socket, NetworkStream, a Task per check, awaited by the scheduler), for a before/after in one build.
//   --family 6: the farm listens on 2001:2::1:1.. (added to lo of the network namespace `run` makes), so the
//   probes (and half-open SYNs, on the engine's IPv6 raw socket) go over IPv6; --family 4 is 127.1.0.1...
const int Ports = 100;
const int FirstPort = 20000;
var options = ParseOptions(args);

var protocol = options.GetValueOrDefault("protocol", "tcp");
var targets = int.Parse(options.GetValueOrDefault("targets", "10000"), CultureInfo.InvariantCulture);
var seconds = int.Parse(options.GetValueOrDefault("seconds", "60"), CultureInfo.InvariantCulture);
var warmup = int.Parse(options.GetValueOrDefault("warmup", "10"), CultureInfo.InvariantCulture);
var drop = int.Parse(options.GetValueOrDefault("drop", "10"), CultureInfo.InvariantCulture);
var halfOpen = options.ContainsKey("half-open");
var ipv6 = options.GetValueOrDefault("family", "4") == "6";
var awaited = options.ContainsKey("awaited");
var addresses = targets / Ports;

using var farm = StartFarm(options.GetValueOrDefault("farm", Path.Combine(AppContext.BaseDirectory, "farm.py")), addresses, protocol, ipv6);
var check = new HealthCheckConfig
{
    Type = protocol == "http" ? HealthCheckType.Http : HealthCheckType.Tcp,
    Interval = TimeSpan.FromSeconds(1),
    Timeout = TimeSpan.FromMilliseconds(500),
    Rise = 2,
    Fall = 3,
    HalfOpen = halfOpen,
};
var config = new DirectorConfig
{
    VirtualServers = [.. Enumerable.Range(0, Ports).Select(p => new VirtualServerConfig
    {
        Name = $"vs{FirstPort + p}",
        Vip = IPAddress.Parse(ipv6 ? "2001:2::1" : "198.18.0.1"),
        Port = FirstPort + p,
        HealthCheck = check,
        RealServers = [.. Enumerable.Range(0, addresses).Select(a => new RealServerConfig { Address = FarmAddress(a, ipv6), Port = FirstPort + p })],
    })],
};

var sink = new LatencySink();
// Metrics on, as in the daemon: every round counts a check and observes its duration.
var metrics = new HaDirector.Director.Metrics.HealthMetrics(Prometheus.Metrics.NewCustomRegistry());
var serviceOptions = awaited
    ? new HealthServiceOptions
    {
        // The probe ProbeFactory makes for these settings, without the engine: the scheduler awaits it.
        ProbeFactory = (c, r) => new HaDirector.HealthCheck.Probes.HttpProbe(new() { Endpoint = new(new IPEndPoint(r.Address, c.Port ?? r.Port), c.SourceAddress) }),
    }
    : null;
await using var service = new HealthService(config, TimeProvider.System, NullLogger<HealthService>.Instance, sink, metrics, serviceOptions);
await service.StartAsync(CancellationToken.None);

await Task.Delay(TimeSpan.FromSeconds(warmup));
var (checksBefore, failedBefore) = CheckCounts(metrics);
var start = ProcessStats.Now();
await Task.Delay(TimeSpan.FromSeconds(seconds));
var end = ProcessStats.Now();
var (checksAfter, failedAfter) = CheckCounts(metrics);
var checks = checksAfter - checksBefore;
var failed = failedAfter - failedBefore;

var cpuPerCheck = (end.Cpu - start.Cpu).TotalMicroseconds / Math.Max(checks, 1);
var kernelPerCheck = (end.Kernel - start.Kernel).TotalMicroseconds / Math.Max(checks, 1);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"{protocol}{(halfOpen ? " half-open" : "")}{(awaited ? " awaited" : "")} over IPv{(ipv6 ? 6 : 4)}: {service.Count} targets at 1 s for {seconds} s (after {warmup} s warm-up): {checks / (double)seconds:F0} checks/s, {failed} failed; CPU {ProcessStats.CpuPercent(start, end):F1} % of one core ({ProcessStats.SystemPercent(start, end):F1} % in the kernel); per check {cpuPerCheck:F1} us ({cpuPerCheck - kernelPerCheck:F1} user + {kernelPerCheck:F1} kernel); RSS {end.RssBytes / 1048576.0:F1} MB (peak {end.PeakRssBytes / 1048576.0:F1} MB); GC gen0/1/2 {GC.CollectionCount(0)}/{GC.CollectionCount(1)}/{GC.CollectionCount(2)}; load at the end of the window {File.ReadAllText("/proc/loadavg").Trim()}"));

if (failed > 0)
{
    Console.WriteLine("real servers whose last check failed, by reason: " + Reasons(service));
}

if (drop > 0)
{
    var expected = Math.Min(drop, addresses) * Ports;
    await farm.StandardInput.WriteLineAsync($"drop {drop}");
    await farm.StandardInput.FlushAsync();
    var deadline = Stopwatch.StartNew();
    while (sink.Latencies.Count < expected && deadline.Elapsed < TimeSpan.FromSeconds(15))
    {
        await Task.Delay(100);
    }

    var since = service.Snapshot().Where(s => s.Since is not null && s.Verdict == RealServerHealth.Removed).ToDictionary(s => s.Id, s => s.Since!.Value);
    var sorted = sink.Latencies.Where(l => since.ContainsKey(l.Key)).Select(l => (l.Value - since[l.Key]).TotalMilliseconds).Order().ToArray();
    Console.WriteLine(sorted.Length == 0 ? "fall → sink: no removals seen" : string.Create(CultureInfo.InvariantCulture,
        $"fall → sink ({sorted.Length} removed, {expected} of them dropped): median {sorted[sorted.Length / 2]:F3} ms, p99 {sorted[(int)(sorted.Length * 0.99)]:F3} ms, max {sorted[^1]:F3} ms"));
    Console.WriteLine("real servers whose last check failed, by reason: " + Reasons(service));
}

await service.StopAsync(CancellationToken.None);
farm.StandardInput.Close();
await farm.WaitForExitAsync();
return 0;

// The real servers run in farm.py (one epoll loop in its own process), so their CPU is not the checker's.
static Process StartFarm(string script, int addresses, string protocol, bool ipv6)
{
    var start = new ProcessStartInfo("python3") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var arg in new[] { script, addresses.ToString(CultureInfo.InvariantCulture), protocol, ipv6 ? "6" : "4" })
    {
        start.ArgumentList.Add(arg);
    }

    var process = Process.Start(start)!;
    if (process.StandardOutput.ReadLine() != "ready")
    {
        throw new InvalidOperationException("the listener farm did not start");
    }

    return process;
}

// farm.py's addresses: 127.1.0.1, 127.1.0.2, ... or 2001:2::1:1, 2001:2::1:2, ...
static IPAddress FarmAddress(int index, bool ipv6) => ipv6
    ? IPAddress.Parse($"2001:2::1:{index + 1:x}")
    : new([127, 1, (byte)(index / 250), (byte)(index % 250 + 1)]);

static string Reasons(HealthService service) =>
    string.Join(", ", service.Snapshot().Where(s => s.LastResultUp == false).GroupBy(s => s.Reason)
        .OrderByDescending(g => g.Count()).Take(4).Select(g => $"{g.Key} {g.Count()}"));

// Every finished round, and the failed ones, from hadirector_healthcheck_checks_total's series.
static (long Checks, long Failed) CheckCounts(HaDirector.Director.Metrics.HealthMetrics metrics)
{
    var (checks, failed) = (0.0, 0.0);
    foreach (var labels in metrics.ChecksTotal.GetAllLabelValues())
    {
        var value = metrics.ChecksTotal.WithLabels(labels).Value;
        checks += value;
        failed += labels[^1] == "down" ? value : 0;
    }

    return ((long)checks, (long)failed);
}

static Dictionary<string, string> ParseOptions(string[] args)
{
    var options = new Dictionary<string, string>();
    for (var i = 0; i < args.Length; i++)
    {
        if (args[i].StartsWith("--", StringComparison.Ordinal))
        {
            // A flag (--half-open) has no value: the next word is another option or nothing.
            var flag = i + 1 == args.Length || args[i + 1].StartsWith("--", StringComparison.Ordinal);
            options[args[i][2..]] = flag ? "true" : args[++i];
        }
    }

    return options;
}

/// <summary>
/// Records when each removal reached the sink; the time its fall-th result was recorded is the snapshot's Since.
/// Both are wall-clock times (the policy's clock): a step of the system clock between the two shows as an outlier.
/// </summary>
internal sealed class LatencySink : IRealServerHealthSink
{
    public ConcurrentDictionary<RealServerId, DateTimeOffset> Latencies { get; } = [];

    public void SetHealth(RealServerId id, RealServerHealth? health)
    {
        var now = TimeProvider.System.GetUtcNow();
        if (health == RealServerHealth.Removed)
        {
            // The latest removal: the one whose fall-th result is the state's Since at the end.
            Latencies[id] = now;
        }
    }
}
