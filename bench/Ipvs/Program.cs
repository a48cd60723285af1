using System.Globalization;
using HaDirector.Bench.Ipvs;

// ipvs-bench suite [--reps 5] [--big-reps 3] [--small 1000x10] [--big 8000x10] [--scenarios 1234] [--work DIR] [--before BIN]
// ipvs-bench child program|adopt|deactivate|delete-dests-first TABLE.yaml     (started by the suite)
// Run through bench/Ipvs/run: it builds on the host and runs the suite inside the test VM.
if (args.Length >= 3 && args[0] == "child")
{
    return await Child.RunAsync(args[1], args[2]);
}

string Option(string name, string fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
}

static Table Parse(string text) => Table.Parse(text);

if (args.Length >= 2 && args[0] == "check")
{
    // On the host, before booting: the generated YAML must load (errors printed with their lines).
    var table = Parse(args[1]);
    var yaml = Path.Combine(Path.GetTempPath(), $"ipvs-bench-check-{table.Name}.yaml");
    File.WriteAllText(yaml, table.Yaml());
    var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
    var cold = System.Diagnostics.Stopwatch.StartNew();
    var coldAllocated = GC.GetTotalAllocatedBytes(precise: true);
    var loaded = HaDirector.Director.Configuration.ConfigLoader.Load(yaml);
    if (args.Length >= 3 && args[2] == "--time")
    {
        // The first load in a process is the one a starting director pays: code paged in (and in a JIT or
        // ReadyToRun build, JIT for what was not precompiled). CPU time is the process's (all threads), immune to a busy host.
        var cpuUsed = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu;
        Console.WriteLine(
            $"first ConfigLoader.Load {cold.Elapsed.TotalMilliseconds:F0} ms, CPU {cpuUsed.TotalMilliseconds:F0} ms, " +
            $"{(GC.GetTotalAllocatedBytes(precise: true) - coldAllocated) / 1048576.0:F1} MiB allocated, {GC.CollectionCount(0)} GCs");
        for (var i = 0; i < 3; i++)
        {
            var w = System.Diagnostics.Stopwatch.StartNew();
            new YamlDotNet.RepresentationModel.YamlStream().Load(new StringReader(File.ReadAllText(yaml)));
            var parse = w.Elapsed.TotalMilliseconds;
            w.Restart();
            var allocated = GC.GetAllocatedBytesForCurrentThread();
            HaDirector.Director.Configuration.ConfigLoader.Load(yaml);
            allocated = GC.GetAllocatedBytesForCurrentThread() - allocated;
            Console.WriteLine($"YAML parse {parse:F0} ms, ConfigLoader.Load {w.Elapsed.TotalMilliseconds:F0} ms, {allocated / 1048576.0:F1} MiB allocated");
        }
    }

    foreach (var error in loaded.Errors.Take(10))
    {
        Console.Error.WriteLine(error);
    }

    return loaded.Succeeded ? 0 : 1;
}

if (args.Length == 0 || args[0] != "suite")
{
    Console.Error.WriteLine("usage: ipvs-bench suite [--reps N] [--big-reps N] [--small SxR] [--big SxR] [--scenarios 1234] [--work DIR]");
    return 2;
}

// The children run the same build: this executable, or `dotnet ipvs-bench.dll` when started through dotnet.
var self = Environment.ProcessPath!;
string[] childCommand = Path.GetFileNameWithoutExtension(self) == "dotnet" ? [self, Path.Combine(AppContext.BaseDirectory, "ipvs-bench.dll")] : [self];
var suite = new Suite(
    Option("--work", Path.Combine(Path.GetTempPath(), "ipvs-bench")),
    childCommand,
    int.Parse(Option("--reps", "5"), CultureInfo.InvariantCulture),
    int.Parse(Option("--big-reps", "3"), CultureInfo.InvariantCulture),
    Parse(Option("--small", "1000x10")),
    Parse(Option("--big", "8000x10")),
    Option("--scenarios", "1234"),
    Option("--before", "") is { Length: > 0 } before ? [before] : null);
return await suite.RunAsync();
