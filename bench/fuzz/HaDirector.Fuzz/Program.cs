using System.Diagnostics;
using HaDirector.Fuzz;
using SharpFuzz;

// bench/fuzz/run drives this; see bench/fuzz/README.md.
//   list                                  the harness names
//   assemblies NAME                       the assemblies NAME reaches (bench/fuzz/run instruments only these)
//   afl NAME [--hangs DIR]                run under afl-fuzz (AflLoop: one process, pid and status in one write)
//   afl-sharpfuzz NAME                    run under afl-fuzz with SharpFuzz's Fuzzer.Run (kept to compare rates)
//   smoke NAME DIR [--mutations N] [--seed S]   replay DIR's inputs, then N seeded mutations, in process; exit 1 on a finding
//   guided NAME DIR OUT [--executions N] [--seed S] [--timeout-ms T] [--allocation-mb M]
//                                         coverage-guided in process on the instrumented assemblies (GuidedFuzzer)
//   replay NAME FILE...                   run inputs once each and print any exception in full
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: HaDirector.Fuzz list | assemblies NAME | afl NAME | smoke NAME DIR [--mutations N] [--seed S] | guided NAME DIR OUT [--executions N] [--seed S] [--timeout-ms T] [--allocation-mb M] | replay NAME FILE...");
    return 2;
}

// Instrumented code (artifacts/fuzz/NAME/bin) counts edges into this map; until a fuzzer hands it its own, a scratch one
// (SharpFuzz's is null outside its runners), so replay and smoke also work on an instrumented copy.
unsafe
{
    SharpFuzz.Common.Trace.SharedMem = (byte*)System.Runtime.InteropServices.NativeMemory.AllocZeroed(1 << 16);
}

switch (args[0])
{
    case "list":
        foreach (var harness in Harness.All)
        {
            Console.WriteLine(harness.Name);
        }

        return 0;
    case "assemblies":
        Console.WriteLine(string.Join(' ', Harness.Find(args[1]).Assemblies));
        return 0;
    case "afl":
        return AflLoop.Run(Harness.Find(args[1]), TimeSpan.FromSeconds(5), Text("--hangs", "."));
    case "afl-sharpfuzz":
        {
            var harness = Harness.Find(args[1]);
            var buffer = new byte[1 << 20];
            Fuzzer.Run(stream =>
            {
                var length = 0;
                int read;
                while (length < buffer.Length && (read = stream.Read(buffer, length, buffer.Length - length)) > 0)
                {
                    length += read;
                }

                harness.Run(buffer.AsSpan(0, length));
            });
            return 0;
        }

    case "smoke":
        return Smoke(Harness.Find(args[1]), args[2], Option("--mutations", 3000), Option("--seed", 1));
    case "guided":
        return GuidedFuzzer.Run(
            Harness.Find(args[1]), args[2], args[3], Option("--executions", 1_000_000), Option("--seed", 1),
            TimeSpan.FromMilliseconds(Option("--timeout-ms", 5000)), Option("--allocation-mb", 256) * 1024L * 1024);
    case "replay":
        {
            var harness = Harness.Find(args[1]);
            var failed = 0;
            foreach (var file in args.Skip(2))
            {
                try
                {
                    harness.Run(File.ReadAllBytes(file));
                    Console.WriteLine($"{file}: ok");
                }
                catch (Exception e)
                {
                    failed++;
                    Console.WriteLine($"{file}: {e}");
                }
            }

            return failed == 0 ? 0 : 1;
        }

    default:
        Console.Error.WriteLine($"unknown command {args[0]}");
        return 2;
}

string Text(string name, string fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}

int Option(string name, int fallback)
{
    var at = Array.IndexOf(args, name);
    return at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], System.Globalization.CultureInfo.InvariantCulture) : fallback;
}

static int Smoke(IHarness harness, string directory, int mutations, int seed)
{
    var files = Directory.Exists(directory) ? Directory.GetFiles(directory).Order(StringComparer.Ordinal).ToArray() : [];
    if (files.Length == 0)
    {
        Console.Error.WriteLine($"{harness.Name}: no seed inputs in {directory}");
        return 1;
    }

    var corpus = files.Select(File.ReadAllBytes).ToArray();
    var watch = Stopwatch.StartNew();
    var slowest = TimeSpan.Zero;
    var mutator = new Mutator(corpus, seed);
    for (var i = 0; i < corpus.Length + mutations; i++)
    {
        var input = i < corpus.Length ? corpus[i] : mutator.Next();
        var started = watch.Elapsed;
        try
        {
            harness.Run(input);
        }
        catch (Exception e)
        {
            var what = i < corpus.Length ? $"seed {files[i]}" : $"mutation {i - corpus.Length} (seed {seed})";
            Console.Error.WriteLine($"FUZZ FINDING in harness {harness.Name}, {what}, input ({input.Length} bytes):");
            Console.Error.WriteLine(Convert.ToHexString(input));
            Console.Error.WriteLine(e);
            return 1;
        }

        var took = watch.Elapsed - started;
        slowest = took > slowest ? took : slowest;
    }

    Console.WriteLine($"{harness.Name}: {corpus.Length} seeds + {mutations} mutations, no finding, {watch.Elapsed.TotalSeconds:0.0} s (slowest input {slowest.TotalMilliseconds:0.0} ms)");
    return 0;
}
