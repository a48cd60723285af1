using System.Diagnostics;
using System.Numerics;
using System.Runtime.InteropServices;

namespace HaDirector.Fuzz;

/// <summary>
/// A coverage-guided loop inside one process, on SharpFuzz's instrumentation without afl-fuzz: the edge map is ours,
/// an input that lights a new edge or a new hit-count bucket (AFL's buckets) joins the queue, children are the
/// <see cref="Mutator"/>'s. No fork server and no pipe round trip per input, which on a loaded machine cost far more
/// than the parsers (docs/reliability.md, "Fuzzing"); AFL++ stays the stronger mutator, so bench/fuzz/run can seed
/// afl-fuzz with the queue this leaves. A finding (an exception, an input over the time limit, an input that
/// allocates over the limit) is written to OUT/findings and ends the run with exit code 1.
/// </summary>
internal static unsafe class GuidedFuzzer
{
    private const int MapSize = 1 << 16;
    private const int MaxInput = 64 * 1024;

    private static readonly byte[] Buckets = MakeBuckets();

    public static int Run(IHarness harness, string corpusDirectory, string outDirectory, long executions, int seed, TimeSpan timeLimit, long allocationLimit)
    {
        var queue = Directory.GetFiles(corpusDirectory).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        if (queue.Count == 0)
        {
            Console.Error.WriteLine($"{harness.Name}: no seed inputs in {corpusDirectory}");
            return 1;
        }

        var queueDirectory = Directory.CreateDirectory(Path.Combine(outDirectory, "queue")).FullName;
        var map = (byte*)NativeMemory.AllocZeroed(MapSize);
        var virgin = new byte[MapSize];
        Array.Fill(virgin, (byte)0xff);
        SharpFuzz.Common.Trace.SharedMem = map;

        // The watchdog: an input still running after the time limit is a hang; the process cannot stop it, so it says
        // which input and exits (a hang in a parser is a finding, like a crash).
        byte[]? current = null;
        long startedTicks = 0;
        var watchdog = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(250);
                var started = Interlocked.Read(ref startedTicks);
                if (started != 0 && Stopwatch.GetElapsedTime(started) > timeLimit && Volatile.Read(ref current) is { } input)
                {
                    Finding(harness, outDirectory, "hang", input, $"still running after {timeLimit.TotalSeconds:0} s");
                    Environment.Exit(1);
                }
            }
        })
        { IsBackground = true };
        watchdog.Start();

        var seeds = queue.Count;
        var mutator = new Mutator(queue, seed);
        var watch = Stopwatch.StartNew();
        var lastReport = TimeSpan.Zero;
        var edges = 0;
        for (long i = 0; i < executions; i++)
        {
            // The seeds first, as they are; then children of the queue (which the seeds start).
            var input = i < seeds ? queue[(int)i] : mutator.Next();
            if (input.Length > MaxInput)
            {
                input = input[..MaxInput]; // children of children only grow; AFL++ caps at 1 MB, the parsers cap lower
            }

            new Span<byte>(map, MapSize).Clear();
            SharpFuzz.Common.Trace.PrevLocation = 0;
            Volatile.Write(ref current, input);
            var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
            // The seeds are not timed: the first inputs also JIT the parser, which at nice 19 on a loaded machine took over
            // 5 s once (a false hang on keepalived-conf's first seed, 2.8 s when replayed alone).
            Interlocked.Exchange(ref startedTicks, i < seeds ? 0 : Stopwatch.GetTimestamp());
            try
            {
                harness.Run(input);
            }
            catch (Exception e)
            {
                Finding(harness, outDirectory, "crash", input, e.ToString());
                Console.WriteLine($"{harness.Name}: {i + 1:N0} executions, stopped at a finding");
                return 1;
            }
            finally
            {
                Interlocked.Exchange(ref startedTicks, 0);
            }

            var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
            if (allocated > allocationLimit)
            {
                Finding(harness, outDirectory, "allocation", input, $"allocated {allocated:N0} bytes for {input.Length} bytes of input");
                Console.WriteLine($"{harness.Name}: {i + 1:N0} executions, stopped at a finding");
                return 1;
            }

            var found = NewCoverage(map, virgin);
            if (found > 0)
            {
                edges += found;
                if (i >= seeds)
                {
                    queue.Add(input);
                    File.WriteAllBytes(Path.Combine(queueDirectory, $"id_{queue.Count:D6}"), input);
                }
            }

            if (watch.Elapsed - lastReport > TimeSpan.FromSeconds(30))
            {
                lastReport = watch.Elapsed;
                Console.WriteLine($"{harness.Name}: {i + 1:N0} executions, {(i + 1) / watch.Elapsed.TotalSeconds:N0}/s, queue {queue.Count}, map bits {edges}");
            }
        }

        Console.WriteLine($"{harness.Name}: {executions:N0} executions guided by coverage in {watch.Elapsed.TotalSeconds:0.0} s ({executions / watch.Elapsed.TotalSeconds:N0}/s), queue {queue.Count}, no finding");
        return 0;
    }

    /// <summary>AFL's has_new_bits: each hit count in a bucket (1, 2, 3, 4-7, 8-15, 16-31, 32-127, 128+) seen first here.</summary>
    private static int NewCoverage(byte* map, byte[] virgin)
    {
        var found = 0;
        var words = (ulong*)map;
        for (var w = 0; w < MapSize / sizeof(ulong); w++)
        {
            if (words[w] == 0)
            {
                continue;
            }

            for (var b = w * sizeof(ulong); b < (w + 1) * sizeof(ulong); b++)
            {
                var bucket = Buckets[map[b]];
                if (bucket != 0 && (virgin[b] & bucket) != 0)
                {
                    virgin[b] &= (byte)~bucket;
                    found += BitOperations.PopCount(bucket);
                }
            }
        }

        return found;
    }

    private static byte[] MakeBuckets()
    {
        var buckets = new byte[256];
        for (var count = 1; count < 256; count++)
        {
            buckets[count] = count switch
            {
                1 => 1,
                2 => 2,
                3 => 4,
                <= 7 => 8,
                <= 15 => 16,
                <= 31 => 32,
                <= 127 => 64,
                _ => 128,
            };
        }

        return buckets;
    }

    private static void Finding(IHarness harness, string outDirectory, string kind, byte[] input, string what)
    {
        var directory = Directory.CreateDirectory(Path.Combine(outDirectory, "findings")).FullName;
        var file = Path.Combine(directory, $"{kind}-{DateTime.UtcNow:HHmmss}");
        File.WriteAllBytes(file, input);
        Console.Error.WriteLine($"FUZZ FINDING ({kind}) in harness {harness.Name}, input {file} ({input.Length} bytes): {what}");
    }
}
