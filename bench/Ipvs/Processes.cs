using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using HaDirector.Linux.Interop;

namespace HaDirector.Bench.Ipvs;

/// <summary>Starting programs inside a namespace, signalling them, and small process helpers.</summary>
public static partial class Processes
{
    /// <summary>Starts <paramref name="file"/> in the namespace at <paramref name="netns"/> (fork on a thread that joined it), stdout/stderr collected.</summary>
    public static Started Start(string? netns, string file, IEnumerable<string> args, string? stdin = null)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdin is not null,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        var started = new Started();
        started.SpawnUs = Child.NowUs();
        started.Spawn = Stopwatch.GetTimestamp();
        var process = netns is null ? Process.Start(psi)! : NetworkNamespace.Run(netns, () => Process.Start(psi)!);
        started.Process = process;
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (started.Output)
                {
                    started.Output.AppendLine(line);
                }

                if (line.StartsWith("ready ", StringComparison.Ordinal))
                {
                    started.Ready.TrySetResult();
                }
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is { } line)
            {
                lock (started.Output)
                {
                    started.Output.AppendLine(line);
                }
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (stdin is not null)
        {
            process.StandardInput.Write(stdin);
            process.StandardInput.Close();
        }

        return started;
    }

    /// <summary>Runs to the end; throws on a non-zero exit unless <paramref name="check"/> is false.</summary>
    public static string Run(string? netns, string file, params string[] args) => RunChecked(netns, true, file, args);

    public static string RunChecked(string? netns, bool check, string file, params string[] args)
    {
        var p = Start(netns, file, args);
        p.Process.WaitForExit();
        if (check && p.Process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {p.Process.ExitCode}: {p.Text}");
        }

        return p.Text;
    }

    public static void Signal(Process process, int signal) => _ = Kill(process.Id, signal);

    public const int SigTerm = 15;
    public const int SigKill = 9;

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);

    public sealed class Started
    {
        public Process Process { get; set; } = null!;

        public long Spawn { get; set; }

        public long SpawnUs { get; set; }

        public StringBuilder Output { get; } = new();

        public TaskCompletionSource Ready { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Text
        {
            get
            {
                lock (Output)
                {
                    return Output.ToString();
                }
            }
        }

        public double SinceSpawnMs => Stopwatch.GetElapsedTime(Spawn).TotalMilliseconds;
    }
}
