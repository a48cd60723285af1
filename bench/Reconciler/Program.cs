using System.Diagnostics;
using System.Globalization;
using System.Net;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;

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
