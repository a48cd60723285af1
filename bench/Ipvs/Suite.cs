using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using HaDirector.Director.Configuration;
using HaDirector.Director.Ipvs;
using HaDirector.Director.Kernel;
using HaDirector.Linux.Interop;
using HaDirector.Linux.Netlink.Ipvs;
using Microsoft.Extensions.Logging.Abstractions;

namespace HaDirector.Bench.Ipvs;

/// <summary>
/// Runs every scenario in one boot, ours and theirs interleaved, each run in a fresh network namespace
/// (its own IPVS table and its own destination trash, DESIGN.md §6), and prints the table.
/// </summary>
/// <param name="beforeCommand">Another build's child (another commit), run as "ours (before)" in scenario 1, so a change is measured within one boot.</param>
public sealed class Suite(string workDir, string[] childCommand, int reps, int bigReps, Table small, Table big, string scenarios, string[]? beforeCommand = null)
{
    private readonly Dictionary<string, List<double>> _figures = [];
    private readonly List<string> _notes = [];
    private readonly List<string> _namespaces = [];

    public async Task<int> RunAsync()
    {
        Processes.Run(null, "modprobe", "-a", "ip_vs", "ip_vs_wlc");
        small.WriteFiles(workDir);
        big.WriteFiles(workDir);
        Log($"tables written to {workDir}; {reps} repetitions of {small.Name}, {bigReps} of {big.Name}; scenarios {scenarios}");
        try
        {
            WarmUp();
            if (scenarios.Contains('1', StringComparison.Ordinal))
            {
                for (var rep = 0; rep < reps; rep++)
                {
                    if (beforeCommand is not null)
                    {
                        await ProgramOursAsync(small, rep, command: beforeCommand);
                    }

                    await ProgramOursAsync(small, rep);
                    ProgramRestore(small, rep);
                    await ProgramOursAsync(small, rep, yaml: false);
                    await ProgramKeepalivedAsync(small, rep, stop: true);
                }
            }

            if (scenarios.Contains('4', StringComparison.Ordinal) || scenarios.Contains('3', StringComparison.Ordinal))
            {
                await InProcessAsync(small);
            }

            if (scenarios.Contains('3', StringComparison.Ordinal) && !scenarios.Contains('2', StringComparison.Ordinal))
            {
                // The big table's no-op without the rest of scenario 2 (which runs it after programming).
                await BigNoOpAsync(big);
            }

            if (scenarios.Contains('5', StringComparison.Ordinal) && !scenarios.Contains('2', StringComparison.Ordinal))
            {
                // Only the half-way kills of scenario 2 (killed after 4 s without its full-delete figures).
                await InterruptAsync(big, 0);
            }

            if (scenarios.Contains('2', StringComparison.Ordinal))
            {
                for (var rep = 0; rep < bigReps; rep++)
                {
                    await BigOursAsync(big, rep);
                    await ProgramKeepalivedAsync(big, rep, stop: true);
                    await InterruptAsync(big, rep);
                }
            }
        }
        finally
        {
            foreach (var ns in _namespaces)
            {
                Processes.RunChecked(null, false, "ip", "netns", "del", ns);
            }
        }

        Print();
        return 0;
    }

    // ----- scenario 1: program from empty

    /// <param name="yaml">False: the configuration is built in code (the big table's YAML load takes minutes under TCG).</param>
    /// <param name="command">Another build's child (<c>--before</c>) instead of this one.</param>
    private async Task<double> ProgramOursAsync(Table table, int rep, string? ns = null, bool yaml = true, string[]? command = null)
    {
        ns ??= NewNamespace();
        using var poll = Open(ns);
        var source = yaml ? Path.Combine(workDir, $"{table.Name}.yaml") : "code:" + table.Name;
        var run = command ?? childCommand;
        var child = Processes.Start(ns, run[0], [.. run.Skip(1), "child", "program", source]);
        var (first, complete) = WaitComplete(poll, table, child);
        await child.Process.WaitForExitAsync();
        var r = Result(child);
        var key = $"{table.Name} ours{(command is null ? "" : " (before)")}{(yaml ? "" : " (config in code)")}";
        Add($"{key}: start -> complete table (polled)", complete);
        Add($"{key}: first entry seen -> complete (polled)", complete - first);
        Add($"{key}: start -> done (self-reported)", (r.GetProperty("done").GetInt64() - child.SpawnUs) / 1000.0);
        Add($"{key}: start -> main()", (r.GetProperty("main").GetInt64() - child.SpawnUs) / 1000.0);
        Add($"{key}: YAML load", (r.GetProperty("configLoaded").GetInt64() - r.GetProperty("main").GetInt64()) / 1000.0);
        Add($"{key}: programming, first request -> last ACK", r.GetProperty("programmingMs").GetDouble());
        Check(r.GetProperty("failed").GetInt32() == 0, $"{key} rep {rep}: {r.GetProperty("failed")} failed writes");
        Check(Count(poll) == (table.Services, table.Destinations), $"{key} rep {rep}: incomplete table");
        double At(string mark) => (r.GetProperty(mark).GetInt64() - child.SpawnUs) / 1000.0;
        Add($"{key}: YAML loaded -> first request (open, desired table, dump, plan)", At("firstRequest") - At("configLoaded"));
        Add($"{key}: last ACK -> complete seen (polled)", complete - At("lastAck"));
        Log($"{key} rep {rep}: complete at {complete:F0} ms (main() at {At("main"):F0}, YAML loaded at {At("configLoaded"):F0}, opened at {At("opened"):F0}, "
            + $"first dump at {At("firstDump"):F0}, first request at {At("firstRequest"):F0}, last ACK at {At("lastAck"):F0}, done at {At("done"):F0}; "
            + $"first request -> last ACK {r.GetProperty("programmingMs").GetDouble():F0} ms, {r.GetProperty("kinds")})");
        return complete;
    }

    private void ProgramRestore(Table table, int rep)
    {
        var ns = NewNamespace();
        using var poll = Open(ns);
        var rules = File.ReadAllText(Path.Combine(workDir, $"{table.Name}.ipvsadm"));
        var p = Processes.Start(ns, "ipvsadm-restore", [], stdin: rules);
        p.Process.WaitForExit();
        var ms = p.SinceSpawnMs;
        Check(p.Process.ExitCode == 0, $"ipvsadm-restore exited {p.Process.ExitCode}: {p.Text}");
        Check(Count(poll) == (table.Services, table.Destinations), $"ipvsadm-restore rep {rep}: incomplete table");
        Add($"{table.Name} ipvsadm-restore: start -> exit (complete table)", ms);
        Log($"{table.Name} ipvsadm-restore rep {rep}: {ms:F0} ms");
        poll.Flush();
    }

    private async Task ProgramKeepalivedAsync(Table table, int rep, bool stop)
    {
        var ns = NewNamespace();
        using var poll = Open(ns);
        var conf = Path.Combine(workDir, $"{table.Name}.keepalived.conf");
        var pid = Path.Combine(workDir, $"ka-{Path.GetFileName(ns)}");
        var child = Processes.Start(ns, "keepalived", ["--check", "-n", "-l", "-f", conf, "-p", pid + ".pid", "-c", pid + ".cpid"]);
        var (first, complete) = WaitComplete(poll, table, child);
        var key = $"{table.Name} keepalived";
        Add($"{key}: start -> complete table (polled)", complete);
        Add($"{key}: first entry seen -> complete (polled)", complete - first);
        Log($"{key} rep {rep}: complete at {complete:F0} ms (first entry at {first:F0} ms)");
        if (stop)
        {
            var t = Stopwatch.GetTimestamp();
            Processes.Signal(child.Process, Processes.SigTerm);
            if (!child.Process.WaitForExit(120_000))
            {
                child.Process.Kill(entireProcessTree: true);
                _notes.Add($"{key} rep {rep}: did not exit within 120 s of SIGTERM");
            }

            var stopMs = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            var (services, destinations) = Count(poll);
            Add($"{key}: SIGTERM -> exit", stopMs);
            Add($"{key}: destinations left after SIGTERM", destinations);
            Add($"{key}: services left after SIGTERM", services);
            Log($"{key} rep {rep}: SIGTERM -> exit {stopMs:F0} ms, left {services} services / {destinations} destinations");
        }

        poll.Flush();
    }

    // ----- scenarios 3 and 4 on the small table, in this process: a running reconciler

    private async Task InProcessAsync(Table table)
    {
        var ns = NewNamespace();
        using var client = Open(ns);
        var config = table.Config();
        var kernel = new TimedKernel(new LazyIpvsKernel(() => client, static () => { }));
        await using var reconciler = new IpvsReconciler(kernel, config, TimeProvider.System, NullLogger<IpvsReconciler>.Instance);
        await reconciler.ActivateAsync();
        Add($"{table.Name} ours in-process: first ActivateAsync programming", kernel.ProgrammingMs);

        await NoOpAsync(table, ns, kernel, reconciler, reps * 2);

        // One weight change: the health verdict for one real server, to the ACK of its SET_DEST.
        var serviceIndex = table.Services / 2;
        var service = ServiceKey.Of(Table.Service(serviceIndex));
        for (var i = 0; i < 30; i++)
        {
            var id = new RealServerId(service, new DestinationKey(Table.Real(i % table.RealServers), Table.Port(serviceIndex)));
            kernel.Reset();
            var t = Stopwatch.GetTimestamp();
            reconciler.SetHealth(id, RealServerHealth.WithWeight(100 + (uint)i));
            await reconciler.WhenIdleAsync();
            var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            var ack = Stopwatch.GetElapsedTime(t, kernel.LastAck).TotalMilliseconds;
            Check(kernel.Writes == 1 && kernel.FailedWrites == 0, $"weight change {i}: {kernel.Writes} writes ({kernel.KindsText}), {kernel.FailedWrites} failed");
            if (i >= 5)
            {
                Log($"{table.Name} weight change {i}: SetHealth -> ACK {ack:F2} ms, pass finished {ms:F2} ms (SET_DEST {kernel.ProgrammingMs:F2} ms, dumps {kernel.DumpMs:F2} ms)");
                Add($"{table.Name} ours: one weight change, SetHealth -> its ACK (in-process, warm)", ack);
                Add($"{table.Name} ours: one weight change, SetHealth -> pass finished", ms);
                Add($"{table.Name} ours: one weight change, of which the SET_DEST round trip", kernel.ProgrammingMs);
                Add($"{table.Name} ours: one weight change, of which dumps", kernel.DumpMs);
            }
        }

        // Time per edit in big batches: every destination's weight, twice (SET_DEST), through the client.
        for (var round = 0; round < 3; round++)
        {
            var batch = new IpvsBatch();
            for (var s = 0; s < table.Services; s++)
            {
                for (var r = 0; r < table.RealServers; r++)
                {
                    batch.UpdateDestination(Table.Service(s), Table.Destination(s, r, (uint)(200 + round + r)));
                }
            }

            var t = Stopwatch.GetTimestamp();
            var results = client.Execute(batch);
            var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            Check(results.All(x => x.Succeeded), "SET_DEST batch failed");
            Add($"{table.Name} ours: SET_DEST batch of {batch.Count}, per edit (µs)", ms * 1000 / batch.Count);
            Log($"{table.Name} SET_DEST batch of {batch.Count}: {ms:F0} ms");
        }

        client.Flush();
    }

    /// <summary>Dump + diff with nothing to do, in a running reconciler, against `ipvsadm -Ln` of the same table, interleaved.</summary>
    private async Task NoOpAsync(Table table, string ns, TimedKernel kernel, IpvsReconciler reconciler, int rounds)
    {
        for (var i = 0; i < rounds; i++)
        {
            kernel.Reset();
            var t = Stopwatch.GetTimestamp();
            await reconciler.ReconcileAsync();
            var ms = Stopwatch.GetElapsedTime(t).TotalMilliseconds;
            Check(kernel.Writes == 0, $"no-op pass wrote {kernel.Writes}");
            Add($"{table.Name} ours: no-op reconcile (dump + diff){(i == 0 ? ", first" : "")}", ms);
            if (i > 0)
            {
                Add($"{table.Name} ours: no-op reconcile, of which dumps", kernel.DumpMs);
            }

            var p = Processes.Start(ns, "ipvsadm", ["-Ln"]);
            p.Process.WaitForExit();
            Add($"{table.Name} ipvsadm -Ln", p.SinceSpawnMs);
            Log($"{table.Name} no-op reconcile {ms:F0} ms (dumps {kernel.DumpMs:F0} ms), ipvsadm -Ln {p.SinceSpawnMs:F0} ms");
        }
    }

    // ----- scenario 2: the big table: program, no-op, restart adopting, stop

    private async Task BigOursAsync(Table table, int rep)
    {
        var ns = NewNamespace();
        await ProgramOursAsync(table, rep, ns, yaml: false);
        using var client = Open(ns);

        var config = table.Config();
        var kernel = new TimedKernel(new LazyIpvsKernel(() => client, static () => { }));
        await using (var reconciler = new IpvsReconciler(kernel, config, TimeProvider.System, NullLogger<IpvsReconciler>.Instance))
        {
            await reconciler.ActivateAsync();
            Check(kernel.Writes == 0, "in-process adopt wrote");
            await NoOpAsync(table, ns, kernel, reconciler, 3);
        }

        var adopt = Processes.Start(ns, childCommand[0], [.. childCommand.Skip(1), "child", "adopt", "code:" + table.Name]);
        await adopt.Process.WaitForExitAsync();
        var a = Result(adopt);
        var key = $"{table.Name} ours";
        Add($"{key}: restart (config in code), start -> adopted and active", (a.GetProperty("done").GetInt64() - adopt.SpawnUs) / 1000.0);
        Add($"{key}: restart, writes", a.GetProperty("writes").GetInt32());
        Log($"{key} rep {rep}: restart adopting: {a.GetProperty("writes")} writes, {(a.GetProperty("done").GetInt64() - adopt.SpawnUs) / 1000.0:F0} ms");

        var stop = Processes.Start(ns, childCommand[0], [.. childCommand.Skip(1), "child", "deactivate", "code:" + table.Name]);
        await stop.Process.WaitForExitAsync();
        var d = Result(stop);
        var (services, destinations) = Count(client);
        Add($"{key}: DeactivateAsync (delete owned services)", d.GetProperty("deactivateMs").GetDouble());
        Add($"{key}: destinations left after DeactivateAsync", destinations);
        Log($"{key} rep {rep}: DeactivateAsync {d.GetProperty("deactivateMs").GetDouble():F0} ms ({d.GetProperty("kinds")}), left {services}/{destinations}");
        _ = await MeasureDeleteAsync(table, rep, "delete-dests-first", kill: null);
    }

    private async Task BigNoOpAsync(Table table)
    {
        var ns = NewNamespace();
        using var client = Open(ns);
        Fill(client, table);
        var kernel = new TimedKernel(new LazyIpvsKernel(() => client, static () => { }));
        await using var reconciler = new IpvsReconciler(kernel, table.Config(), TimeProvider.System, NullLogger<IpvsReconciler>.Instance);
        await reconciler.ActivateAsync();
        Check(kernel.Writes == 0, "in-process adopt wrote");
        await NoOpAsync(table, ns, kernel, reconciler, 3);
        client.Flush();
    }

    /// <summary>Deletion killed half-way: what is left must be whole services (or nothing).</summary>
    private async Task InterruptAsync(Table table, int rep)
    {
        // Ours' figure includes the pass's dump before the batch; "ready" comes after it, so half the old
        // order's batch time (88,000 edits against our 8,000) lands inside ours; half of it inside the old one.
        var half = Median($"{table.Name} old order (DEL_DEST each, then DEL_SERVICE): full delete") / 8;
        await MeasureDeleteAsync(table, rep, "deactivate", half);
        var halfOld = Median($"{table.Name} old order (DEL_DEST each, then DEL_SERVICE): full delete") / 2;
        await MeasureDeleteAsync(table, rep, "delete-dests-first", halfOld);
    }

    private async Task<double> MeasureDeleteAsync(Table table, int rep, string mode, double? kill)
    {
        var ns = NewNamespace();
        using var client = Open(ns);
        Fill(client, table);
        var child = Processes.Start(ns, childCommand[0], [.. childCommand.Skip(1), "child", mode, "code:" + table.Name]);
        var label = mode == "deactivate" ? $"{table.Name} ours" : $"{table.Name} old order (DEL_DEST each, then DEL_SERVICE)";
        double ms = 0;
        if (kill is { } delay)
        {
            await child.Ready.Task.WaitAsync(TimeSpan.FromMinutes(5));
            Thread.Sleep(TimeSpan.FromMilliseconds(delay));
            Processes.Signal(child.Process, Processes.SigKill);
            await child.Process.WaitForExitAsync();
            var (services, partial, destinations) = Partial(client, table);
            Add($"{label}: killed at {delay:F0} ms, services left", services);
            Add($"{label}: killed half-way, services left with some destinations missing", partial);
            Log($"{label} rep {rep}: killed after {delay:F0} ms: {services} services, {destinations} destinations, {partial} half-deleted services");
        }
        else
        {
            await child.Process.WaitForExitAsync();
            ms = Result(child).GetProperty("deactivateMs").GetDouble();
            Add($"{label}: full delete", ms);
            Log($"{label} rep {rep}: full delete {ms:F0} ms, left {Count(client)}");
        }

        client.Flush();
        return ms;
    }

    // ----- helpers

    private static void Fill(IpvsClient client, Table table)
    {
        var batch = new IpvsBatch();
        for (var s = 0; s < table.Services; s++)
        {
            batch.AddService(Table.Service(s));
            for (var r = 0; r < table.RealServers; r++)
            {
                batch.AddDestination(Table.Service(s), Table.Destination(s, r));
            }
        }

        var results = client.Execute(batch);
        Check(results.All(r => r.Succeeded), "filling the table failed");
    }

    private void WarmUp()
    {
        var ns = NewNamespace();
        using var client = Open(ns);
        var t = new Table(3, 2);
        Fill(client, t);
        _ = WaitComplete(client, t, null);
        _ = Count(client);
        _ = Partial(client, t);
        client.Flush();
    }

    /// <summary>Polls every 2 ms: when the first service appears, and when the last one has all its destinations (then checks the whole table).</summary>
    private static (double First, double Complete) WaitComplete(IpvsClient client, Table table, Processes.Started? process)
    {
        var first = Table.Service(0);
        var last = Table.Service(table.Services - 1);
        double? seen = null;
        var start = process?.Spawn ?? Stopwatch.GetTimestamp();
        while (true)
        {
            if (seen is null && client.GetService(first) is not null)
            {
                seen = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            if (seen is not null && client.GetDestinations(last).Count >= table.RealServers)
            {
                var complete = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                if (Count(client) == (table.Services, table.Destinations))
                {
                    return (seen.Value, complete);
                }
            }

            if (process is not null && process.Process.HasExited && process.Process.ExitCode != 0)
            {
                throw new InvalidOperationException($"exited {process.Process.ExitCode} before the table was complete: {process.Text}");
            }

            if (Stopwatch.GetElapsedTime(start) > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException("table never complete");
            }

            Thread.Sleep(2);
        }
    }

    private static (int Services, int Destinations) Count(IpvsClient client)
    {
        var services = client.GetServices();
        return (services.Count, services.Sum(s => client.GetDestinations(s.Service).Count));
    }

    private static (int Services, int Partial, int Destinations) Partial(IpvsClient client, Table table)
    {
        var services = client.GetServices();
        var partial = 0;
        var destinations = 0;
        foreach (var s in services)
        {
            var n = client.GetDestinations(s.Service).Count;
            destinations += n;
            partial += n < table.RealServers ? 1 : 0;
        }

        return (services.Count, partial, destinations);
    }

    private string NewNamespace()
    {
        var name = string.Create(CultureInfo.InvariantCulture, $"ipvsb{Environment.ProcessId}x{_namespaces.Count}");
        Processes.Run(null, "ip", "netns", "add", name);
        _namespaces.Add(name);
        Processes.Run(null, "ip", "-n", name, "link", "set", "lo", "up");
        return NetworkNamespace.PathOf(name);
    }

    private static IpvsClient Open(string ns) => NetworkNamespace.Run(ns, IpvsClient.Open);

    private static JsonElement Result(Processes.Started child)
    {
        var line = child.Text.Split('\n').FirstOrDefault(l => l.StartsWith("result ", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"child printed no result (exit {child.Process.ExitCode}): {child.Text}");
        return JsonDocument.Parse(line["result ".Length..]).RootElement;
    }

    private static void Check(bool ok, string what)
    {
        if (!ok)
        {
            throw new InvalidOperationException(what);
        }
    }

    private void Add(string name, double value)
    {
        if (!_figures.TryGetValue(name, out var list))
        {
            _figures[name] = list = [];
        }

        list.Add(value);
    }

    private double Median(string name) => _figures.TryGetValue(name, out var l) && l.Count > 0 ? Sorted(l)[l.Count / 2] : 8000;

    private static List<double> Sorted(List<double> values) => [.. values.Order()];

    private static void Log(string text) => Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"[{DateTime.Now:HH:mm:ss.fff}] {text}"));

    private void Print()
    {
        Console.WriteLine();
        Console.WriteLine("| figure | median | min–max | n |");
        Console.WriteLine("|---|---|---|---|");
        foreach (var (name, values) in _figures)
        {
            var s = Sorted(values);
            var median = s.Count % 2 == 1 ? s[s.Count / 2] : (s[s.Count / 2 - 1] + s[s.Count / 2]) / 2;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {median:F1} | {s[0]:F1}–{s[^1]:F1} | {s.Count} |"));
        }

        foreach (var note in _notes)
        {
            Console.WriteLine("note: " + note);
        }

        var results = Environment.GetEnvironmentVariable("HADIRECTOR_VM_RESULTS");
        if (!string.IsNullOrEmpty(results))
        {
            Directory.CreateDirectory(results);
            File.WriteAllText(Path.Combine(results, "ipvs-bench.json"), JsonSerializer.Serialize(_figures, BenchJson.Default.DictionaryStringListDouble));
        }
    }
}
