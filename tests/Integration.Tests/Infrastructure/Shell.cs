using System.Diagnostics;

namespace HaDirector.Integration.Tests.Infrastructure;

/// <summary>Runs the test's own helper commands (ip, tcpdump, keepalived) — the product itself never shells out.</summary>
public static class Shell
{
    public static ShellResult Run(string file, params string[] args) => RunWithTimeout(TimeSpan.FromSeconds(30), file, args);

    public static ShellResult RunWithTimeout(TimeSpan timeout, string file, params string[] args) => Execute(timeout, null, file, args);

    /// <summary>Runs a command with <paramref name="input"/> on its standard input (e.g. promtool check metrics).</summary>
    public static ShellResult RunWithInput(string input, string file, params string[] args) =>
        Execute(TimeSpan.FromSeconds(30), input, file, args);

    private static ShellResult Execute(TimeSpan timeout, string? input, string file, string[] args)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = input is not null,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"cannot start {file}");
        if (input is not null)
        {
            p.StandardInput.Write(input);
            p.StandardInput.Close();
        }
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeout))
        {
            p.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeout}");
        }
        return new ShellResult(p.ExitCode, stdout.Result, stderr.Result, $"{file} {string.Join(' ', args)}");
    }

    /// <summary>Runs a command and fails the test with its output if it exits non-zero.</summary>
    public static string Check(string file, params string[] args)
    {
        var r = Run(file, args);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"`{r.Command}` exited {r.ExitCode}: {r.Stderr.Trim()} {r.Stdout.Trim()}");
        }
        return r.Stdout;
    }
}

public sealed record ShellResult(int ExitCode, string Stdout, string Stderr, string Command);
