using System.Diagnostics;

namespace HaDirector.KernelTests;

/// <summary>Runs a program to completion with a bounded wait and returns what it printed.</summary>
internal static class Shell
{
    // Generous: under TCG a process start alone costs 0.1-0.2 s and the machine is shared.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public sealed record Result(int ExitCode, string Stdout, string Stderr)
    {
        public override string ToString() => $"exit {ExitCode}\nstdout: {Stdout}\nstderr: {Stderr}";
    }

    public static Result Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(Timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {Timeout}");
        }

        return new Result(p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs and asserts exit code 0, naming the command in the failure.</summary>
    public static Result Check(string file, params string[] args)
    {
        var r = Run(file, args);
        Assert.True(r.ExitCode == 0, $"{file} {string.Join(' ', args)}: {r}");
        return r;
    }
}
