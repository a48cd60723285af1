using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace HaDirector.Fuzz;

/// <summary>
/// AFL's fork-server protocol served from one process, like SharpFuzz's <c>Fuzzer.Run</c> (persistent: the runtime
/// starts once), with one difference that matters on a loaded machine: the "child pid" and the status go to afl-fuzz
/// together after the input ran, in one write, so afl-fuzz sleeps and wakes once per input instead of twice
/// (docs/reliability.md, "Fuzzing", has the rates). afl-fuzz's own timeout then no longer covers the input, so a
/// watchdog here does: an input still running after the time limit is written to OUT/hang-* and the process exits
/// (afl-fuzz stops, "unable to communicate with fork server"; with Fuzzer.Run it would kill the process and stop the
/// same way, without the input).
/// </summary>
internal static unsafe partial class AflLoop
{
    private const int MapSize = 1 << 16;
    private const int ControlFd = 198;
    private const int StatusFd = 199;
    private const int Crash = 6; // a wait status afl-fuzz reads as "killed by SIGABRT", as SharpFuzz reports it

    public static int Run(IHarness harness, TimeSpan timeLimit, string hangDirectory)
    {
        var buffer = new byte[1 << 20];
        if (Environment.GetEnvironmentVariable("__AFL_SHM_ID") is not { } id || !int.TryParse(id, out var shmId))
        {
            // Not under afl-fuzz: run the input on stdin once (afl-showmap, afl-tmin and a person replaying one).
            harness.Run(buffer.AsSpan(0, ReadAll(buffer)));
            return 0;
        }

        var map = Shmat(shmId, 0, 0);
        if (map == -1)
        {
            Console.Error.WriteLine($"shmat({shmId}) failed: errno {Marshal.GetLastPInvokeError()}");
            return 1;
        }

        SharpFuzz.Common.Trace.SharedMem = (byte*)map;
        var pid = Environment.ProcessId;
        long startedTicks = 0;
        var length = 0;
        var watchdog = new Thread(() =>
        {
            while (true)
            {
                Thread.Sleep(100);
                var started = Interlocked.Read(ref startedTicks);
                if (started != 0 && Stopwatch.GetElapsedTime(started) > timeLimit)
                {
                    var file = Path.Combine(hangDirectory, $"hang-{DateTime.UtcNow:yyyyMMddHHmmss}");
                    File.WriteAllBytes(file, buffer.AsSpan(0, Volatile.Read(ref length)).ToArray());
                    Console.Error.WriteLine($"FUZZ FINDING (hang) in harness {harness.Name}: an input ran over {timeLimit.TotalSeconds:0} s, saved to {file}");
                    Environment.Exit(2);
                }
            }
        })
        { IsBackground = true };
        watchdog.Start();

        // The first input runs once before the first report: static constructors and first calls light edges that the
        // same input would not light again (afl-fuzz would call the target unstable).
        Span<byte> word = stackalloc byte[4];
        Span<byte> reply = stackalloc byte[8];
        Write(StatusFd, word); // hello: zero, no options
        var warmed = false;
        while (true)
        {
            if (!Read(ControlFd, word))
            {
                return 0; // afl-fuzz is gone
            }

            Volatile.Write(ref length, ReadAll(buffer));
            if (!warmed)
            {
                Execute(harness, buffer.AsSpan(0, length));
                new Span<byte>((void*)map, MapSize).Clear();
                warmed = true;
            }

            SharpFuzz.Common.Trace.PrevLocation = 0;
            Interlocked.Exchange(ref startedTicks, Stopwatch.GetTimestamp());
            var status = Execute(harness, buffer.AsSpan(0, length));
            Interlocked.Exchange(ref startedTicks, 0);
            BinaryPrimitives.WriteInt32LittleEndian(reply, pid);
            BinaryPrimitives.WriteInt32LittleEndian(reply[4..], status);
            Write(StatusFd, reply);
        }
    }

    private static int Execute(IHarness harness, ReadOnlySpan<byte> input)
    {
        try
        {
            harness.Run(input);
            return 0;
        }
        catch (Exception e)
        {
            if (Environment.GetEnvironmentVariable("HADIRECTOR_FUZZ_DEBUG") is not null)
            {
                Console.Error.WriteLine(e);
            }

            return Crash;
        }
    }

    // afl-fuzz rewrites .cur_input and rewinds the file (the same open file as our stdin) before each request.
    private static int ReadAll(byte[] buffer)
    {
        var length = 0;
        fixed (byte* start = buffer)
        {
            while (length < buffer.Length)
            {
                var read = ReadFd(0, start + length, buffer.Length - length);
                if (read <= 0)
                {
                    break;
                }

                length += (int)read;
            }
        }

        return length;
    }

    private static bool Read(int fd, Span<byte> data)
    {
        fixed (byte* start = data)
        {
            return ReadFd(fd, start, data.Length) == data.Length;
        }
    }

    private static void Write(int fd, ReadOnlySpan<byte> data)
    {
        fixed (byte* start = data)
        {
            if (WriteFd(fd, start, data.Length) != data.Length)
            {
                Environment.Exit(0); // afl-fuzz is gone
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "shmat", SetLastError = true)]
    private static partial nint Shmat(int shmId, nint address, int flags);

    [LibraryImport("libc", EntryPoint = "read", SetLastError = true)]
    private static partial nint ReadFd(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteFd(int fd, byte* buffer, nint count);
}
