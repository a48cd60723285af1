using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Kernel;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaDirector.Bench.Ipvs;

/// <summary>
/// The "ours" side as its own process, started by the suite in a namespace: what a director does at start
/// (load the YAML, open netlink, run the reconciler), with wall-clock marks the suite lines up with its own.
/// </summary>
public static class Child
{
    /// <summary>Microseconds since the epoch: comparable across processes of one machine.</summary>
    public static long NowUs() => (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) / 10;

    public static async Task<int> RunAsync(string mode, string yaml)
    {
        var marks = new Dictionary<string, object> { ["main"] = NowUs() };
        Runtime(marks, "main");
        // "code:SxR": the table built in code, for runs that do not measure the YAML load.
        var config = yaml.StartsWith("code:", StringComparison.Ordinal)
            ? Table.Parse(yaml["code:".Length..]).Config()
            : ConfigLoader.Load(yaml).Config ?? throw new InvalidOperationException($"{yaml} does not load");
        marks["configLoaded"] = NowUs();
        Runtime(marks, "configLoaded");
        // "--host": no kernel, every edit acknowledged (AckingConnection), for listing the JIT's work on the host.
        using var client = Environment.GetCommandLineArgs().Contains("--host") ? new IpvsClient(new AckingConnection(), 1) : IpvsClient.Open();
        marks["opened"] = NowUs();
        Runtime(marks, "opened");
        var kernel = new TimedKernel(new LazyIpvsKernel(() => client, static () => { }));
        await using var reconciler = new IpvsReconciler(kernel, config, TimeProvider.System, NullLogger<IpvsReconciler>.Instance);
        switch (mode)
        {
            case "program":
                // Start as master on an empty table: one pass that adds everything.
                await reconciler.ActivateAsync();
                marks["done"] = NowUs();
                break;
            case "adopt":
                // Restart as master on a complete table: adopt (read only), then activate: no writes.
                await reconciler.AdoptAsync();
                marks["adopted"] = NowUs();
                marks["adoptWrites"] = kernel.Writes;
                await reconciler.ActivateAsync();
                marks["done"] = NowUs();
                break;
            case "deactivate":
                // Stop: adopt, become master (no writes), then leave master: every owned service goes.
                await reconciler.AdoptAsync();
                await reconciler.ActivateAsync();
                marks["activateWrites"] = kernel.Writes;
                kernel.Reset();
                // "ready" when the deletions start, after the pass's own dump: a kill then lands among them.
                kernel.BeforeFirstBatch = () => Ready(marks);
                var started = Stopwatch.GetTimestamp();
                await reconciler.DeactivateAsync();
                marks["deactivateMs"] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                marks["done"] = NowUs();
                break;
            case "delete-dests-first":
                // The order the planner used before: each destination, then its service.
                var batch = new IpvsBatch();
                foreach (var service in client.GetServices())
                {
                    foreach (var destination in client.GetDestinations(service.Service))
                    {
                        batch.DeleteDestination(service.Service, destination.Destination);
                    }

                    batch.DeleteService(service.Service);
                }

                Ready(marks);
                var t = Stopwatch.GetTimestamp();
                var results = client.Execute(batch);
                marks["deactivateMs"] = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
                marks["failed"] = results.Count(r => !r.Succeeded);
                marks["writes"] = batch.Count;
                marks["done"] = NowUs();
                Console.WriteLine("result " + JsonSerializer.Serialize(marks, BenchJson.Default.DictionaryStringObject));
                return 0;
            default:
                throw new ArgumentException($"unknown mode {mode}");
        }

        Runtime(marks, "done");
        marks["firstDump"] = kernel.FirstDumpUs;
        marks["firstRequest"] = kernel.FirstRequestUs;
        marks["lastAck"] = kernel.LastAckUs;
        marks["programmingMs"] = kernel.ProgrammingMs;
        marks["dumpMs"] = kernel.DumpMs;
        marks["writes"] = kernel.Writes;
        marks["failed"] = kernel.FailedWrites;
        marks["kinds"] = kernel.KindsText;
        Console.WriteLine("result " + JsonSerializer.Serialize(marks, BenchJson.Default.DictionaryStringObject));
        return 0;
    }

    /// <summary>What the runtime spent so far: methods the JIT compiled (none in the Native AOT build; a ReadyToRun or JIT build has some), their JIT time, GCs, CPU.</summary>
    private static void Runtime(Dictionary<string, object> marks, string at)
    {
        marks[at + "Jitted"] = System.Runtime.JitInfo.GetCompiledMethodCount();
        marks[at + "JitMs"] = System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds;
        marks[at + "Gcs"] = GC.CollectionCount(0);
        marks[at + "CpuMs"] = Process.GetCurrentProcess().TotalProcessorTime.TotalMilliseconds;
    }

    private static void Ready(Dictionary<string, object> marks)
    {
        marks["ready"] = NowUs();
        Console.WriteLine("ready " + NowUs().ToString(CultureInfo.InvariantCulture));
        Console.Out.Flush();
    }
}
