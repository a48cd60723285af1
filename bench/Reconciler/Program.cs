using System.Diagnostics;
using System.Globalization;
using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Kernel;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging.Abstractions;

// Times the pure planner on 1,000 services × 10 real servers: from empty (the full table), a no-op
// (kernel equal to desired) and one weight change. No kernel: the netlink side is measured in the VM.
const int Services = 1000;
const int RealServers = 10;
const int Rounds = 30;

var virtualServers = Enumerable.Range(0, Services).Select(i => new VirtualServerConfig
{
    Name = $"vs{i}",
    Vip = new IPAddress([198, 18, (byte)(i / 250), (byte)(i % 250 + 1)]),
    Port = 80,
    RealServers = [.. Enumerable.Range(0, RealServers).Select(r => new RealServerConfig { Address = new IPAddress([198, 19, (byte)r, 1]), Port = 80, Weight = 1 + r })],
}).ToList();

var desired = DesiredTable.Build(virtualServers);
var owned = desired.Keys.ToHashSet();
var full = new KernelTable([.. desired.Services.Select(s => KernelService.Of(s.Service, s.Destinations))]);
var first = virtualServers[0];
var reweighted = DesiredTable.Build([first with { RealServers = [first.RealServers[0] with { Weight = 99 }, .. first.RealServers.Skip(1)] }, .. virtualServers.Skip(1)]);

Measure("DesiredTable.Build (config -> desired)", () => DesiredTable.Build(virtualServers).DestinationCount);
Measure("Plan from empty", () => IpvsPlanner.Plan(desired, KernelTable.Empty, owned).Operations.Count);
Measure("Plan no-op", () => IpvsPlanner.Plan(desired, full, owned).Operations.Count);
Measure("Plan one weight change", () => IpvsPlanner.Plan(reweighted, full, owned).Operations.Count);

// The daemon's path for one health verdict: SetHealth -> the targeted pass -> its one SET_DEST handed to
// the kernel (an in-memory table here; the netlink round trips are measured in the VM by bench/Ipvs).
var memory = new MemoryKernel(full);
await using (var reconciler = new IpvsReconciler(memory, new DirectorConfig { VirtualServers = [.. virtualServers], Ipvs = new IpvsConfig { ReconcilePeriod = TimeSpan.FromHours(1) } }, TimeProvider.System, NullLogger<IpvsReconciler>.Instance))
{
    await reconciler.ActivateAsync();
    var change = 0;
    var id = new RealServerId(ServiceKey.Of(desired.Services[Services / 2].Service), DestinationKey.Of(desired.Services[Services / 2].Destinations[3]));
    var latencies = new double[200];
    long allocated = 0;
    for (var i = -20; i < latencies.Length; i++)
    {
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var started = Stopwatch.GetTimestamp();
        reconciler.SetHealth(id, RealServerHealth.WithWeight(100 + (uint)(change++ % 50)));
        await reconciler.WhenIdleAsync();
        if (i >= 0)
        {
            latencies[i] = Stopwatch.GetElapsedTime(started, memory.LastExecutedAt).TotalMilliseconds;
            allocated += GC.GetTotalAllocatedBytes(precise: true) - before;
        }
    }

    Array.Sort(latencies);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{"SetHealth -> its SET_DEST handed over",-42} in-memory kernel: median {latencies[latencies.Length / 2] * 1000,7:F1} us  min {latencies[0] * 1000,7:F1} us  {allocated / latencies.Length / 1024.0,6:F1} KiB allocated per change (all threads)"));
}

static void Measure(string name, Func<int> run)
{
    var operations = 0;
    for (var i = 0; i < 5; i++)
    {
        operations = run();
    }

    var times = new double[Rounds];
    long allocated = 0;
    for (var i = 0; i < Rounds; i++)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        var watch = Stopwatch.StartNew();
        run();
        times[i] = watch.Elapsed.TotalMilliseconds;
        allocated = GC.GetAllocatedBytesForCurrentThread() - before;
    }

    Array.Sort(times);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{name,-42} {Services}x{RealServers}: median {times[Rounds / 2],7:F2} ms  min {times[0],7:F2} ms  {allocated / 1024.0 / 1024.0,6:F2} MiB allocated  -> {operations} ops"));
}

/// <summary>A kernel that answers dumps from a fixed table and counts the batches it is handed.</summary>
internal sealed class MemoryKernel(KernelTable table) : IIpvsKernel
{
    public long LastExecutedAt;

    public IReadOnlyList<IpvsServiceEntry> GetServices() => [.. table.Services.Select(s => s.Entry)];

    public IReadOnlyList<IpvsDestinationEntry> GetDestinations(IpvsService service) =>
        table.Services.First(s => s.Service == service).Destinations;

    public IReadOnlyList<IpvsOperationResult> Execute(IpvsBatch batch)
    {
        var results = batch.Operations.Select(o => new IpvsOperationResult(o, null)).ToList();
        LastExecutedAt = Stopwatch.GetTimestamp();
        return results;
    }

    public IReadOnlyList<IpvsSyncDaemon> GetDaemons() => [];

    public void StartDaemon(IpvsSyncDaemon daemon)
    {
    }

    public void StopDaemon(IpvsSyncState state)
    {
    }
}
